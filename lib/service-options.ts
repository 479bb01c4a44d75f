import type { Check } from './check.js'
import type { Clock, Timers } from './engine/runner.js'
import type { HealthLogger } from './engine/transitions.js'
import { HealthOptionsError } from './errors.js'
import { assertMilliseconds, optionalBoolean, optionalStrings, reservedName, shown } from './validate.js'

// The service's options: the input type (everything optional, as users write it), the resolved
// type (every default filled), and the one function between them. The Bots layer and the plugin
// build on these settings; none of them fills a service default again.

export type { HealthLogger }

/** The service's defaults, written once. */
export const SERVICE_DEFAULTS = Object.freeze({
  /** Kubernetes' default probe timeout is 1 s: the deadline leaves room for the answer. */
  timeoutMs: 500,
  cacheTtlMs: 1000,
  failureCacheTtlMs: 250,
  startupLatch: true,
  exposeReasons: true
})

/** How the service runs its checks, whatever they are. */
export interface ServiceSettings {
  /** Hard deadline of every check, in ms. Default 500. */
  timeoutMs?: number
  /** How long a passing result is reused, in ms. Default 1000; 0 turns the cache off. */
  cacheTtlMs?: number
  /** How long a failing result is reused, in ms. Default 250; 0 turns it off. */
  failureCacheTtlMs?: number
  /** Once startup has passed, answer `started` without running its checks again. Default true. */
  startupLatch?: boolean
  /** Put failure reasons in reports. When false they read `reason withheld` (logs keep them). Default true. */
  exposeReasons?: boolean
  /** Strings that must never appear in a report or a log line (passwords the caller knows). */
  secrets?: readonly string[]
  /** Told once when a probe turns unhealthy, and once when it recovers. */
  logger?: HealthLogger
  /** The monotonic clock (`now`) and the wall clock (`wallNow`). Default a monotonic clock (`process.hrtime`), `Date.now`. */
  clock?: Clock
  /** The deadline's timers. Default the global `setTimeout`/`clearTimeout`. */
  timers?: Timers
}

export interface HealthServiceOptions extends ServiceSettings {
  /**
   * Liveness checks: only what watches this process or the one process it serves beside (a
   * worker in the same pod), never a dependency. Default none: liveness then touches nothing.
   */
  live?: readonly Check[]
  /** Readiness checks: can the service take traffic now. */
  ready: readonly Check[]
  /** Startup checks: has the service finished initialising. */
  startup: readonly Check[]
  /** Stamped on every readiness report as `mode` (the Bots layer sets `database_only`). */
  readyMode?: string
  /** Called when the service is closed: release what it owns (pools it opened). */
  onClose?: () => Promise<void>
}

export interface ResolvedServiceSettings {
  readonly timeoutMs: number
  readonly cacheTtlMs: number
  readonly failureCacheTtlMs: number
  readonly startupLatch: boolean
  readonly exposeReasons: boolean
  readonly secrets: readonly string[]
  readonly logger: HealthLogger | undefined
  readonly clock: Clock | undefined
  readonly timers: Timers | undefined
}

export interface ResolvedServiceOptions extends ResolvedServiceSettings {
  readonly live: readonly Check[]
  readonly ready: readonly Check[]
  readonly startup: readonly Check[]
  readonly readyMode: string | undefined
  readonly onClose: (() => Promise<void>) | undefined
}

/** Validates the settings and fills their defaults. */
export function resolveServiceSettings (o: ServiceSettings): ResolvedServiceSettings {
  assertMilliseconds('timeoutMs', o.timeoutMs, true)
  assertMilliseconds('cacheTtlMs', o.cacheTtlMs)
  assertMilliseconds('failureCacheTtlMs', o.failureCacheTtlMs)
  optionalBoolean('startupLatch', o.startupLatch)
  optionalBoolean('exposeReasons', o.exposeReasons)
  optionalStrings('secrets', o.secrets)
  for (const name of ['logger', 'clock', 'timers'] as const) {
    if (o[name] !== undefined && (typeof o[name] !== 'object' || o[name] === null)) throw new HealthOptionsError(name, `must be an object, got ${shown(o[name])}`)
  }
  return {
    timeoutMs: o.timeoutMs ?? SERVICE_DEFAULTS.timeoutMs,
    cacheTtlMs: o.cacheTtlMs ?? SERVICE_DEFAULTS.cacheTtlMs,
    failureCacheTtlMs: o.failureCacheTtlMs ?? SERVICE_DEFAULTS.failureCacheTtlMs,
    startupLatch: o.startupLatch ?? SERVICE_DEFAULTS.startupLatch,
    exposeReasons: o.exposeReasons ?? SERVICE_DEFAULTS.exposeReasons,
    secrets: [...(o.secrets ?? [])],
    logger: o.logger,
    clock: o.clock,
    timers: o.timers
  }
}

function checkList (name: string, value: unknown): readonly Check[] {
  if (!Array.isArray(value)) throw new HealthOptionsError(name, `must be an array of checks ({ name, run(signal) }), got ${shown(value)}`)
  value.forEach((c: Partial<Check> | null, i) => {
    if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || c.name === '' || typeof c.run !== 'function') {
      throw new HealthOptionsError(`${name}[${i}]`, 'must be a check: { name: string, run(signal): Promise<void> }')
    }
    reservedName(`${name}[${i}].name`, c.name)
  })
  return [...value] as Check[]
}

export function resolveServiceOptions (o: HealthServiceOptions): ResolvedServiceOptions {
  if (typeof o !== 'object' || o === null) throw new HealthOptionsError('options', 'must be an object with ready and startup checks')
  const settings = resolveServiceSettings(o)
  if (o.readyMode !== undefined && (typeof o.readyMode !== 'string' || o.readyMode === '')) throw new HealthOptionsError('readyMode', `must be a non-empty string or absent, got ${shown(o.readyMode)}`)
  if (o.onClose !== undefined && typeof o.onClose !== 'function') throw new HealthOptionsError('onClose', 'must be a function that returns a promise')
  return {
    ...settings,
    live: o.live === undefined ? [] : checkList('live', o.live),
    ready: checkList('ready', o.ready),
    startup: checkList('startup', o.startup),
    readyMode: o.readyMode,
    onClose: o.onClose
  }
}
