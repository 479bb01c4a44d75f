import { type Check, CheckFailure } from './check.js'
import { assertMilliseconds, HealthOptionsError } from './options-error.js'
import { cut, redact } from './redact.js'
import type { CheckDetail, LiveReport, ReadyReport, StartupReport } from './schemas.js'

/** pino's signature, which `fastify.log` has; any object with these two methods works. */
export interface HealthLogger {
  warn (obj: object, msg: string): void
  info (obj: object, msg: string): void
}

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
  /** Hard deadline of every check, in ms. Default 500 (Kubernetes' default probe timeout is 1 s). */
  timeoutMs?: number
  /** How long a passing result is reused, in ms. Default 1000; 0 turns the cache off. */
  cacheTtlMs?: number
  /** How long a failing result is reused, in ms. Default 250; 0 turns it off. */
  failureCacheTtlMs?: number
  /** Readiness runs only the check named `database` and reports `"mode":"database_only"`. */
  databaseOnly?: boolean
  /** Once startup has passed, answer `started` without running its checks again. Default true. */
  startupLatch?: boolean
  /** Put failure reasons in reports. When false they read `reason withheld` (logs keep them). Default true. */
  exposeReasons?: boolean
  /** Strings that must never appear in a report or a log line (passwords the caller knows). */
  secrets?: readonly string[]
  /** Told once when readiness or startup turns unhealthy, and once when it recovers. */
  logger?: HealthLogger
  /** Called when the service is closed: release what it owns (pools it opened). */
  onClose?: () => Promise<void>
  /**
   * The clocks: `now` is monotonic and measures ages and durations (a wall clock that steps back
   * must not keep a cached result fresh); `wallNow` only dates results (`checkedAt`). Tests may
   * pass their own. Default `performance.now` and `Date.now`.
   */
  clock?: { now (): number, wallNow? (): number }
}

/** Which checks of a probe to run: all (the default), all but some, or one. */
export interface ProbeOptions {
  /** Leave these checks out (kube-apiserver's `?exclude=`). */
  exclude?: readonly string[]
  /** Run only this check (`/health/ready/database`). */
  only?: string
}

export class UnknownCheckError extends Error {
  override name = 'UnknownCheckError'
  readonly code = 'FST_BOTS_HEALTH_UNKNOWN_CHECK'
  /** Fastify's error path answers it as a 400. */
  readonly statusCode = 400
}

export interface HealthService {
  live (): Promise<LiveReport>
  ready (options?: ProbeOptions): Promise<ReadyReport>
  startup (options?: ProbeOptions): Promise<StartupReport>
  /** The check names of each probe, in report order. */
  readonly checks: { readonly live: readonly string[], readonly ready: readonly string[], readonly startup: readonly string[] }
  /** True once draining has begun: readiness answers 503 `shutting down`, liveness stays 200. */
  readonly draining: boolean
  beginDrain (): void
  close (): Promise<void>
}

interface CheckResult {
  readonly ok: boolean
  /** Public, redacted, cut. */
  readonly error?: string
  readonly durationMs: number
  readonly at: number
  readonly detail: CheckDetail
}

interface Attempt {
  /** Settles by the deadline at the latest. */
  readonly result: Promise<CheckResult>
  readonly startedAt: number
}

interface CheckState {
  attempt?: Attempt
  last?: CheckResult
}

export const LIVE_REPORT: LiveReport = Object.freeze({ status: 'ok', check: 'liveness', message: 'Process is alive' })
export const DRAIN_ERROR = 'shutting down'
const REASON_WITHHELD = 'reason withheld'

const DEFAULTS = {
  timeoutMs: 500,
  cacheTtlMs: 1000,
  failureCacheTtlMs: 250,
  databaseOnly: false,
  startupLatch: true,
  exposeReasons: true
}

/**
 * An attempt that has not settled long after its deadline is forgotten so that a check whose
 * code never settles cannot wedge the probe for good. A well-behaved check settles soon after
 * its signal aborts, and until then no second attempt starts.
 */
function stuckAfterMs (timeoutMs: number): number {
  return Math.max(30_000, timeoutMs * 20)
}

export function createHealthService (options: HealthServiceOptions): HealthService {
  assertMilliseconds('timeoutMs', options.timeoutMs, true)
  assertMilliseconds('cacheTtlMs', options.cacheTtlMs)
  assertMilliseconds('failureCacheTtlMs', options.failureCacheTtlMs)
  if (!Array.isArray(options.ready) || !Array.isArray(options.startup)) throw new HealthOptionsError('ready and startup', 'must be arrays of checks')
  const opts = { ...DEFAULTS, ...withoutUndefined(options), ready: options.ready, startup: options.startup }
  const { timeoutMs, cacheTtlMs, failureCacheTtlMs, exposeReasons, logger } = opts
  const secrets = opts.secrets ?? []
  const clockNow = options.clock?.now.bind(options.clock) ?? (() => performance.now())
  const wallNow = options.clock?.wallNow?.bind(options.clock) ?? Date.now
  const states = new Map<Check, CheckState>()
  const readyChecks = opts.databaseOnly ? opts.ready.filter((c) => c.name === 'database') : [...opts.ready]
  const startupChecks = [...opts.startup]
  const liveChecks = [...(options.live ?? [])]
  let draining = false
  let closed = false
  let latched: StartupReport | undefined

  function stateOf (check: Check): CheckState {
    let state = states.get(check)
    if (state === undefined) {
      state = {}
      states.set(check, state)
    }
    return state
  }

  function result (check: Check, startedAt: number, error?: unknown): CheckResult {
    const now = clockNow()
    const durationMs = Math.round(now - startedAt)
    const checkedAt = new Date(wallNow()).toISOString()
    if (error === undefined) return Object.freeze({ ok: true, durationMs, at: now, detail: Object.freeze({ status: 'pass', durationMs, checkedAt }) })
    const label = check.label ?? check.name
    const raw = error instanceof Error ? error.message : String(error)
    const max = error instanceof CheckFailure && error.maxLength !== undefined ? error.maxLength : 500
    const message = cut(redact(raw || `${label} check failed`, secrets), max)
    const detail: CheckDetail = Object.freeze({ status: 'fail', durationMs, checkedAt, error: exposeReasons ? message : REASON_WITHHELD })
    return Object.freeze({ ok: false, error: message, durationMs, at: now, detail })
  }

  function start (check: Check, state: CheckState): Attempt {
    const startedAt = clockNow()
    const controller = new AbortController()
    let settle!: (r: CheckResult) => void
    const bounded = new Promise<CheckResult>((resolve) => { settle = resolve })
    let decided = false
    const decide = (r: CheckResult): void => {
      if (decided) return
      decided = true
      state.last = r
      settle(r)
    }
    const timer = setTimeout(() => {
      const label = check.label ?? check.name
      decide(result(check, startedAt, new Error(`${label} check failed: timed out after ${timeoutMs} ms`)))
      controller.abort(new Error('deadline exceeded'))
    }, timeoutMs)
    const attempt: Attempt = { result: bounded, startedAt }
    let running: Promise<void>
    try {
      running = Promise.resolve(check.run(controller.signal))
    } catch (err) {
      running = Promise.reject(err)
    }
    running.then(
      () => decide(result(check, startedAt)),
      (err: unknown) => decide(result(check, startedAt, err ?? new Error('failed')))
    ).finally(() => {
      clearTimeout(timer)
      if (state.attempt === attempt) delete state.attempt
    })
    return attempt
  }

  function fresh (r: CheckResult | undefined, now: number): r is CheckResult {
    if (r === undefined) return false
    const ttl = r.ok ? cacheTtlMs : failureCacheTtlMs
    return ttl > 0 && now - r.at < ttl
  }

  function resolve (check: Check): CheckResult | Promise<CheckResult> {
    const state = stateOf(check)
    const now = clockNow()
    if (fresh(state.last, now)) return state.last
    const current = state.attempt
    if (current !== undefined) {
      const abandoned = now - current.startedAt >= timeoutMs
      if (!abandoned) return current.result
      if (now - current.startedAt < stuckAfterMs(timeoutMs)) {
        // The last attempt passed its deadline and still holds its resources: at most one
        // attempt per check is in flight, so answer at once instead of stacking another.
        const label = check.label ?? check.name
        return result(check, now, new Error(`${label} check failed: timed out after ${timeoutMs} ms (previous attempt still pending)`))
      }
    }
    const attempt = start(check, state)
    state.attempt = attempt
    return attempt.result
  }

  // The hot path of a probe: while every result is cached, no promise is made at all.
  function runAll (checks: readonly Check[]): CheckResult[] | Promise<CheckResult[]> {
    const pending = checks.map(resolve)
    for (const p of pending) {
      if (p instanceof Promise) return Promise.all(pending)
    }
    return pending as CheckResult[]
  }

  function errorsOf (checks: readonly Check[], results: readonly CheckResult[]): string[] {
    const errors: string[] = []
    results.forEach((r, i) => {
      if (r.ok) return
      errors.push(exposeReasons ? (r.error ?? 'failed') : `${checks[i]?.name ?? 'check'}: ${REASON_WITHHELD}`)
    })
    return errors
  }

  function body (checks: readonly Check[], results: readonly CheckResult[]) {
    const flags: Record<string, boolean> = {}
    const details: Record<string, CheckDetail> = {}
    checks.forEach((c, i) => {
      const r = results[i]
      flags[c.name] = r?.ok === true
      if (r !== undefined) details[c.name] = r.detail
    })
    const errors = errorsOf(checks, results)
    return { healthy: errors.length === 0, flags, details, errors }
  }

  // Reports are memoised on the identity of their results: while every result comes from the
  // cache, every caller gets the same frozen report object.
  function memo<R> (build: (results: readonly CheckResult[]) => R) {
    let lastResults: readonly CheckResult[] = []
    let lastReport: R | undefined
    return (results: readonly CheckResult[]): R => {
      if (lastReport !== undefined && results.length === lastResults.length && results.every((r, i) => r === lastResults[i])) {
        return lastReport
      }
      lastResults = results
      lastReport = build(results)
      return lastReport
    }
  }

  // The failing set each probe last reported: undefined before the first run, '' when healthy.
  const lastFailing: Record<string, string | undefined> = {}
  function observe (probe: 'liveness' | 'readiness' | 'startup', checks: readonly Check[], results: readonly CheckResult[]): void {
    const failing = checks.filter((_, i) => results[i]?.ok !== true).map((c) => c.name)
    const key = failing.join(',')
    const before = lastFailing[probe]
    if (key === before) return
    lastFailing[probe] = key
    if (logger === undefined) return
    if (failing.length > 0) {
      const reasons = results.filter((r) => !r.ok).map((r) => r.error)
      logger.warn({ probe, failing, reasons }, `${probe} is unhealthy: ${failing.join(', ')} failed`)
    } else if (before !== undefined) {
      logger.info({ probe }, `${probe} recovered: all checks pass`)
    }
  }

  // A report over a subset of a probe's checks (exclude, only): the same builder, not memoised.
  function select (all: readonly Check[], o: ProbeOptions | undefined): readonly Check[] {
    if (o === undefined || (o.only === undefined && (o.exclude === undefined || o.exclude.length === 0))) return all
    const names = all.map((c) => c.name)
    const asked = o.only !== undefined ? [o.only] : o.exclude ?? []
    const unknown = [...new Set(asked.filter((n) => !names.includes(n)))]
    if (unknown.length > 0) {
      // Echo a few of the unknown names, not all of them: a query string can hold thousands.
      const shown = unknown.slice(0, 5).map((n) => n.length > 40 ? `${n.slice(0, 39)}…` : n).join(', ')
      throw new UnknownCheckError(`no such check: ${shown}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} (this probe has ${names.join(', ')})`)
    }
    const chosen = o.only !== undefined ? all.filter((c) => c.name === o.only) : all.filter((c) => !asked.includes(c.name))
    // No check left is no answer: a 200 with `checks: {}` would say healthy having checked nothing.
    if (chosen.length === 0) throw new UnknownCheckError(`exclude leaves no check to run (this probe has ${names.join(', ')})`)
    return chosen
  }

  function readyReport (checks: readonly Check[], results: readonly CheckResult[]): ReadyReport {
    const b = body(checks, results)
    const report: ReadyReport = { status: b.healthy ? 'ready' : 'not_ready', check: 'readiness', checks: b.flags }
    if (!b.healthy) report.errors = b.errors
    if (opts.databaseOnly) report.mode = 'database_only'
    report.details = b.details
    return deepFreeze(report)
  }

  function startupReport (checks: readonly Check[], results: readonly CheckResult[]): StartupReport {
    const b = body(checks, results)
    const report: StartupReport = { status: b.healthy ? 'started' : 'starting', check: 'startup', checks: b.flags }
    if (!b.healthy) report.errors = b.errors
    report.details = b.details
    return deepFreeze(report)
  }

  function liveReport (checks: readonly Check[], results: readonly CheckResult[]): LiveReport {
    const b = body(checks, results)
    const report: LiveReport = b.healthy
      ? { status: 'ok', check: 'liveness', message: 'Process is alive', checks: b.flags }
      : { status: 'not_alive', check: 'liveness', message: `Process is not alive: ${checks.filter((_, i) => results[i]?.ok !== true).map((c) => c.name).join(', ')} failed`, checks: b.flags, errors: b.errors }
    report.details = b.details
    return deepFreeze(report)
  }

  const buildLive = memo((results) => liveReport(liveChecks, results))
  const buildReady = memo((results) => readyReport(readyChecks, results))
  const buildStartup = memo((results) => startupReport(startupChecks, results))

  let drainReport: ReadyReport | undefined
  function drained (): ReadyReport {
    if (drainReport === undefined) {
      // The last known results; a check that never ran says so instead of a false it never earned.
      const checks: Record<string, boolean> = {}
      const never: string[] = []
      for (const c of readyChecks) {
        const last = states.get(c)?.last
        checks[c.name] = last?.ok === true
        if (last === undefined) never.push(c.name)
      }
      const errors = never.length > 0 ? [DRAIN_ERROR, `not checked before the drain: ${never.join(', ')}`] : [DRAIN_ERROR]
      drainReport = deepFreeze({ status: 'not_ready', check: 'readiness', checks, errors, ...(opts.databaseOnly ? { mode: 'database_only' as const } : {}) })
    }
    return drainReport
  }

  return {
    async live () {
      if (liveChecks.length === 0) return LIVE_REPORT
      const ran = runAll(liveChecks)
      const results = ran instanceof Promise ? await ran : ran
      observe('liveness', liveChecks, results)
      return buildLive(results)
    },
    async ready (o) {
      const checks = select(readyChecks, o)
      if (draining) return drained()
      const ran = runAll(checks)
      const results = ran instanceof Promise ? await ran : ran
      if (draining) return drained()
      if (checks !== readyChecks) return readyReport(checks, results)
      observe('readiness', readyChecks, results)
      return buildReady(results)
    },
    async startup (o) {
      const checks = select(startupChecks, o)
      if (checks !== startupChecks) {
        const ran = runAll(checks)
        return startupReport(checks, ran instanceof Promise ? await ran : ran)
      }
      if (latched !== undefined) return latched
      const ran = runAll(startupChecks)
      const results = ran instanceof Promise ? await ran : ran
      observe('startup', startupChecks, results)
      const report = buildStartup(results)
      if (opts.startupLatch && report.status === 'started') latched = report
      return report
    },
    checks: Object.freeze({
      live: Object.freeze(liveChecks.map((c) => c.name)),
      ready: Object.freeze(readyChecks.map((c) => c.name)),
      startup: Object.freeze(startupChecks.map((c) => c.name))
    }),
    get draining () { return draining },
    beginDrain () {
      draining = true
    },
    async close () {
      if (closed) return
      closed = true
      draining = true
      await opts.onClose?.()
    }
  }
}

function withoutUndefined<T extends object> (o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

function deepFreeze<T> (o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}
