import type { LogLevel } from 'fastify'
import type { BotsEnvironment } from './bots-config.js'
import { BOTS_REQUIRED_TABLES } from './bots-config.js'
import type { Check } from './check.js'
import { type FreeSpace, parseFreeSpace } from './checks/disk.js'
import type { DatabaseOption } from './db/resolve.js'
import type { Clock, Timers } from './engine/runner.js'
import type { HealthLogger } from './engine/transitions.js'

export type { HealthLogger }
import { assertMilliseconds, HealthOptionsError } from './options-error.js'

// The one options pipeline: input types (everything optional, as users write them), resolve*()
// validating each option once and filling each default once, and resolved types (nothing
// optional that has a default) that the rest of the code takes without checking again.

/** Every default, written once. */
export const DEFAULTS = Object.freeze({
  /** Kubernetes' default probe timeout is 1 s: the deadline leaves room for the answer. */
  timeoutMs: 500,
  cacheTtlMs: 1000,
  failureCacheTtlMs: 250,
  startupLatch: true,
  exposeReasons: true,
  requiredTables: BOTS_REQUIRED_TABLES,
  prefix: '/health',
  drainDelayMs: 0,
  handleSignals: false,
  log: true,
  routeLogLevel: 'warn' as LogLevel
})

// ---- the service -----------------------------------------------------------------------------

export interface HealthServiceOptions {
  /**
   * Liveness checks: only what watches this process or the one process it serves beside (a
   * worker in the same pod), never a dependency. Default none: liveness then touches nothing.
   */
  live?: readonly Check[]
  /** Readiness checks: can the service take traffic now. */
  ready: readonly Check[]
  /** Startup checks: has the service finished initialising. */
  startup: readonly Check[]
  /** Hard deadline of every check, in ms. Default 500. */
  timeoutMs?: number
  /** How long a passing result is reused, in ms. Default 1000; 0 turns the cache off. */
  cacheTtlMs?: number
  /** How long a failing result is reused, in ms. Default 250; 0 turns it off. */
  failureCacheTtlMs?: number
  /** Stamped on every readiness report as `mode` (Bots' `database_only`). */
  readyMode?: 'database_only'
  /** Once startup has passed, answer `started` without running its checks again. Default true. */
  startupLatch?: boolean
  /** Put failure reasons in reports. When false they read `reason withheld` (logs keep them). Default true. */
  exposeReasons?: boolean
  /** Strings that must never appear in a report or a log line (passwords the caller knows). */
  secrets?: readonly string[]
  /** Told once when a probe turns unhealthy, and once when it recovers. */
  logger?: HealthLogger
  /** Called when the service is closed: release what it owns (pools it opened). */
  onClose?: () => Promise<void>
  /** The monotonic clock (`now`) and the wall clock (`wallNow`). Default `performance.now`, `Date.now`. */
  clock?: Clock
  /** The deadline's timers. Default the global `setTimeout`/`clearTimeout`. */
  timers?: Timers
}

export interface ResolvedServiceOptions {
  readonly live: readonly Check[]
  readonly ready: readonly Check[]
  readonly startup: readonly Check[]
  readonly timeoutMs: number
  readonly cacheTtlMs: number
  readonly failureCacheTtlMs: number
  readonly readyMode: 'database_only' | undefined
  readonly startupLatch: boolean
  readonly exposeReasons: boolean
  readonly secrets: readonly string[]
  readonly logger: HealthLogger | undefined
  readonly onClose: (() => Promise<void>) | undefined
  readonly clock: Clock | undefined
  readonly timers: Timers | undefined
}

function checkList (name: string, value: unknown): readonly Check[] {
  if (!Array.isArray(value)) throw new HealthOptionsError(name, `must be an array of checks ({ name, run(signal) }), got ${JSON.stringify(value) ?? String(value)}`)
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
  timing(o)
  for (const name of ['startupLatch', 'exposeReasons'] as const) optionalBoolean(name, o[name])
  secretsOption(o.secrets)
  if (o.readyMode !== undefined && o.readyMode !== 'database_only') throw new HealthOptionsError('readyMode', `must be "database_only" or absent, got ${JSON.stringify(o.readyMode)}`)
  return {
    live: o.live === undefined ? [] : checkList('live', o.live),
    ready: checkList('ready', o.ready),
    startup: checkList('startup', o.startup),
    timeoutMs: o.timeoutMs ?? DEFAULTS.timeoutMs,
    cacheTtlMs: o.cacheTtlMs ?? DEFAULTS.cacheTtlMs,
    failureCacheTtlMs: o.failureCacheTtlMs ?? DEFAULTS.failureCacheTtlMs,
    readyMode: o.readyMode,
    startupLatch: o.startupLatch ?? DEFAULTS.startupLatch,
    exposeReasons: o.exposeReasons ?? DEFAULTS.exposeReasons,
    secrets: [...(o.secrets ?? [])],
    logger: o.logger,
    onClose: o.onClose,
    clock: o.clock,
    timers: o.timers
  }
}

// ---- the Bots composition --------------------------------------------------------------------

/** Where botssys and usersys are, and the bots.ini they came from. */
export interface BotsLayout {
  botssys: string
  usersys: string
  /** Present when a config dir is in play. */
  environment?: BotsEnvironment
}

/** A check of your own, and the probes it belongs to. */
export interface UserCheck extends Check {
  probes?: readonly ('live' | 'ready' | 'startup')[]
}

export interface BotsHealthOptions {
  /** The database, or a function that picks it from the resolved layout (Bots' SQLite default). */
  database: DatabaseOption | ((layout: BotsLayout) => DatabaseOption)
  /** The Bots config dir holding bots.ini; falls back to `$BOTS_CONFIG_DIR`. */
  configDir?: string
  /** botssys path; wins over bots.ini. Relative paths resolve against the bots environment. */
  botssys?: string
  /** usersys path; wins over bots.ini. */
  usersys?: string
  /** Tables startup requires. Default `channel, routes, ta, mutex`. */
  requiredTables?: readonly string[]
  timeoutMs?: number
  cacheTtlMs?: number
  failureCacheTtlMs?: number
  /** Readiness checks the database only (`"mode":"database_only"`). Default: `HEALTH_CHECK_DB_ONLY=true`. */
  databaseOnly?: boolean
  startupLatch?: boolean
  exposeReasons?: boolean
  secrets?: readonly string[]
  logger?: HealthLogger
  /** The environment to read `BOTS_CONFIG_DIR` and `HEALTH_CHECK_DB_ONLY` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv
  /**
   * `process`: liveness also requires a process that runs this program (e.g. `bots-jobqueueserver`:
   * its console script, `python -m bots.jobqueueserver`), neither a zombie nor stopped. Reads
   * /proc: the pod needs `shareProcessNamespace: true`.
   */
  process?: string
  /**
   * `jobqueue`: liveness and readiness also require an XML-RPC answer from Bots' jobqueueserver on
   * `[jobqueue] port` of bots.ini (default 28082) on 127.0.0.1.
   */
  jobqueue?: boolean | Endpoint
  /** `webserver`: readiness also requires an HTTP answer below 500 on `[webserver] port` (8080). */
  webserver?: boolean | Endpoint
  /** `writable`: readiness and startup also require that `botssys/data` can be written. */
  writable?: boolean
  /** `disk`: readiness also requires free space on botssys, by default 5 % or 500 MiB, whichever is less. */
  disk?: boolean | { minFree?: string | number }
  /**
   * Checks of your own (a cache, a queue, an HTTP dependency), under the same deadline, cache,
   * single-flight, latch and logs. `probes` defaults to `['ready']`; a name already taken is refused.
   */
  checks?: readonly UserCheck[]
}

export interface Endpoint {
  port?: number
  host?: string
}

/** The worker checks, resolved: undefined when off. */
export interface ResolvedWorkerOptions {
  readonly process: string | undefined
  readonly jobqueue: Endpoint | undefined
  readonly webserver: Endpoint | undefined
  readonly writable: boolean
  readonly disk: { readonly minFree: FreeSpace | undefined } | undefined
}

export interface ResolvedBotsOptions {
  readonly database: BotsHealthOptions['database']
  readonly configDir: string | undefined
  readonly botssys: string | undefined
  readonly usersys: string | undefined
  readonly requiredTables: readonly string[]
  readonly databaseOnly: boolean
  readonly env: NodeJS.ProcessEnv
  readonly worker: ResolvedWorkerOptions
  readonly checks: readonly UserCheck[]
  /** What the service takes, but its checks. */
  readonly service: Omit<ResolvedServiceOptions, 'live' | 'ready' | 'startup' | 'onClose'>
}

/** `HEALTH_CHECK_DB_ONLY=true`, case-insensitive, as the seed read it. */
export function envFlag (value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true'
}

/** Validates every Bots option (no I/O) and fills its defaults; throws HealthOptionsError naming the option. */
export function resolveBotsOptions (o: Omit<BotsHealthOptions, 'database'> & { database?: BotsHealthOptions['database'] }, missingDatabase = 'is required: pass a mysql2 pool, register @fastify/mysql first, or give { sqlite: path } or a URL'): ResolvedBotsOptions {
  if (typeof o !== 'object' || o === null) throw new HealthOptionsError('options', 'must be an object')
  timing(o)
  for (const name of ['configDir', 'botssys', 'usersys', 'process'] as const) optionalString(name, o[name])
  for (const name of ['databaseOnly', 'startupLatch', 'exposeReasons', 'writable'] as const) optionalBoolean(name, o[name])
  if (o.env !== undefined && (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env))) {
    throw new HealthOptionsError('env', `must be an object of environment variables (process.env), got ${JSON.stringify(o.env)}`)
  }
  secretsOption(o.secrets)
  if (o.requiredTables !== undefined && (!Array.isArray(o.requiredTables) || !o.requiredTables.every((t) => typeof t === 'string' && t !== ''))) {
    throw new HealthOptionsError('requiredTables', 'must be an array of table names')
  }
  const env = o.env ?? process.env
  const worker = {
    process: o.process,
    jobqueue: endpointOption('jobqueue', o.jobqueue),
    webserver: endpointOption('webserver', o.webserver),
    writable: o.writable === true,
    disk: diskOption(o.disk)
  }
  const checks = userChecks(o.checks)
  const databaseOnly = o.databaseOnly ?? envFlag(env.HEALTH_CHECK_DB_ONLY)
  // Last, so that a bad option is named even where the database is missing too.
  if (o.database === undefined || o.database === null) throw new HealthOptionsError('database', missingDatabase)
  return {
    database: o.database,
    configDir: o.configDir,
    botssys: o.botssys,
    usersys: o.usersys,
    requiredTables: o.requiredTables ?? DEFAULTS.requiredTables,
    databaseOnly,
    env,
    worker,
    checks,
    service: {
      timeoutMs: o.timeoutMs ?? DEFAULTS.timeoutMs,
      cacheTtlMs: o.cacheTtlMs ?? DEFAULTS.cacheTtlMs,
      failureCacheTtlMs: o.failureCacheTtlMs ?? DEFAULTS.failureCacheTtlMs,
      readyMode: databaseOnly ? 'database_only' : undefined,
      startupLatch: o.startupLatch ?? DEFAULTS.startupLatch,
      exposeReasons: o.exposeReasons ?? DEFAULTS.exposeReasons,
      secrets: [...(o.secrets ?? [])],
      logger: o.logger,
      clock: undefined,
      timers: undefined
    }
  }
}

// ---- the plugin ------------------------------------------------------------------------------

export interface PluginOnlyOptions {
  /** Where the routes go. Default `/health`. */
  prefix?: string
  /** On close, keep serving for this long with readiness at 503 so Kubernetes takes the pod out first. Default 0. */
  drainDelayMs?: number
  /** On SIGTERM or SIGINT: start draining, wait `drainDelayMs`, then close the app. Default false. */
  handleSignals?: boolean
  /** Log readiness/startup transitions on `fastify.log`. Default true. */
  log?: boolean
  /**
   * Fastify's log level for the probe routes, so that a probe every few seconds does not write
   * two request lines each time. Default `'warn'`; `'info'` logs them like any route.
   */
  routeLogLevel?: LogLevel
  /**
   * Also serve the probes on a port of their own (Spring Boot's management port): a bare Fastify
   * instance sharing this service, which the app's hooks, auth, rate limits and body parsers never
   * touch, and which answers while the main port is saturated. It listens once the app is ready
   * and closes with it. The routes stay on the main port too, with `config.healthProbe: true`.
   */
  listen?: { port: number, host?: string }
}

export interface ResolvedPluginOptions {
  readonly prefix: string
  readonly drainDelayMs: number
  readonly handleSignals: boolean
  readonly log: boolean
  readonly routeLogLevel: LogLevel
  readonly listen: { readonly port: number, readonly host: string } | undefined
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

/** The plugin's own options; `withService` says a service was passed in, so no lifecycle option applies. */
export function resolvePluginOptions (o: PluginOnlyOptions, withService: boolean): ResolvedPluginOptions {
  assertMilliseconds('drainDelayMs', o.drainDelayMs)
  for (const name of ['handleSignals', 'log'] as const) optionalBoolean(name, o[name])
  if (o.routeLogLevel !== undefined && !LOG_LEVELS.has(o.routeLogLevel)) {
    throw new HealthOptionsError('routeLogLevel', `must be one of ${[...LOG_LEVELS].join(', ')}, got ${JSON.stringify(o.routeLogLevel)}`)
  }
  let listen: ResolvedPluginOptions['listen']
  if (o.listen !== undefined) {
    const l = o.listen as { port?: unknown, host?: unknown } | null
    if (typeof l !== 'object' || l === null || !Number.isInteger(l.port) || (l.port as number) < 0 || (l.port as number) > 65535 || (l.host !== undefined && (typeof l.host !== 'string' || l.host === ''))) {
      throw new HealthOptionsError('listen', `must be { port: 0-65535, host?: "0.0.0.0" }, got ${JSON.stringify(o.listen)}`)
    }
    listen = { port: l.port as number, host: (l.host as string | undefined) ?? '0.0.0.0' }
  }
  if (withService) {
    for (const name of ['drainDelayMs', 'handleSignals'] as const) {
      if (o[name] !== undefined) throw new HealthOptionsError(name, 'does not go with service: the registration that owns the service drains it; set it there')
    }
  }
  return {
    prefix: prefixOption(o.prefix),
    drainDelayMs: o.drainDelayMs ?? DEFAULTS.drainDelayMs,
    handleSignals: o.handleSignals ?? DEFAULTS.handleSignals,
    log: o.log ?? DEFAULTS.log,
    routeLogLevel: o.routeLogLevel ?? DEFAULTS.routeLogLevel,
    listen
  }
}

function prefixOption (prefix: unknown): string {
  if (prefix === undefined) return DEFAULTS.prefix
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.startsWith('/'))) {
    throw new HealthOptionsError('prefix', `must be a path starting with "/", got ${JSON.stringify(prefix)}`)
  }
  return prefix.replace(/\/+$/, '')
}

// ---- validators --------------------------------------------------------------------------------

function timing (o: { timeoutMs?: unknown, cacheTtlMs?: unknown, failureCacheTtlMs?: unknown }): void {
  assertMilliseconds('timeoutMs', o.timeoutMs, true)
  assertMilliseconds('cacheTtlMs', o.cacheTtlMs)
  assertMilliseconds('failureCacheTtlMs', o.failureCacheTtlMs)
}

function optionalString (name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new HealthOptionsError(name, `must be a non-empty string path, got ${JSON.stringify(value) ?? String(value)}`)
  }
}

function optionalBoolean (name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new HealthOptionsError(name, `must be true or false, got ${JSON.stringify(value)}`)
}

function secretsOption (value: unknown): void {
  if (value !== undefined && (!Array.isArray(value) || !value.every((x) => typeof x === 'string'))) {
    throw new HealthOptionsError('secrets', `must be an array of strings, got ${JSON.stringify(value)}`)
  }
}

function endpointOption (name: string, value: unknown): Endpoint | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return {}
  const v = value as { port?: unknown, host?: unknown } | null
  const portOk = v?.port === undefined || (Number.isInteger(v.port) && (v.port as number) >= 1 && (v.port as number) <= 65535)
  const hostOk = v?.host === undefined || (typeof v.host === 'string' && v.host !== '')
  if (typeof value !== 'object' || value === null || !portOk || !hostOk) {
    throw new HealthOptionsError(name, `must be true, false or { port: 1-65535, host: "127.0.0.1" }, got ${JSON.stringify(value)}`)
  }
  return { ...(v?.port !== undefined ? { port: v.port as number } : {}), ...(v?.host !== undefined ? { host: v.host as string } : {}) }
}

function diskOption (value: unknown): ResolvedWorkerOptions['disk'] {
  if (value === undefined || value === false) return undefined
  if (value === true) return { minFree: undefined }
  const minFree = (value as { minFree?: unknown } | null)?.minFree
  const parsed = minFree === undefined ? undefined : freeSpaceOf(minFree)
  if (typeof value !== 'object' || value === null || (minFree !== undefined && parsed === undefined)) {
    throw new HealthOptionsError('disk', `must be true, false or { minFree: "5%" | "500MiB" | bytes }, got ${JSON.stringify(value)}`)
  }
  return { minFree: parsed }
}

function freeSpaceOf (value: unknown): FreeSpace | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? { bytes: value } : undefined
  return typeof value === 'string' ? parseFreeSpace(value) : undefined
}

/** A check's name is a key of the report's objects: `__proto__` would set their prototype instead. */
function reservedName (at: string, name: string): void {
  if (name === '__proto__') throw new HealthOptionsError(at, 'must not be "__proto__" (it is a key of the report\'s checks and details): choose another name')
}

function userChecks (value: unknown): readonly UserCheck[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new HealthOptionsError('checks', `must be an array of { name, run(signal), probes }, got ${JSON.stringify(value)}`)
  value.forEach((c: Partial<UserCheck> | null, i: number) => {
    const at = `checks[${i}]`
    if (typeof c !== 'object' || c === null) throw new HealthOptionsError(at, 'must be { name, run(signal), probes }')
    if (typeof c.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(c.name)) throw new HealthOptionsError(`${at}.name`, `must be 1-64 letters, digits, _ . or - (it is a key of the report and a path), got ${JSON.stringify(c.name)}`)
    reservedName(`${at}.name`, c.name)
    if (typeof c.run !== 'function') throw new HealthOptionsError(`${at}.run`, 'must be a function (signal) => Promise<void> that rejects when the check fails')
    if (c.probes !== undefined && (!Array.isArray(c.probes) || c.probes.length === 0 || !c.probes.every((p) => p === 'live' || p === 'ready' || p === 'startup'))) {
      throw new HealthOptionsError(`${at}.probes`, `must be a non-empty array of "live", "ready", "startup", got ${JSON.stringify(c.probes)}`)
    }
  })
  return [...value] as UserCheck[]
}
