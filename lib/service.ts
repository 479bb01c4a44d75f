import { memoOnResults } from './engine/memo.js'
import { drainReport, LIVE_REPORT, liveReport, readyReport, type ReportOptions, startupReport } from './engine/report.js'
import { type CheckResult, createRunner } from './engine/runner.js'
import { type ProbeOptions, selectChecks } from './engine/select.js'
import { transitionLog } from './engine/transitions.js'
import type { Check } from './check.js'
import type { LiveReport, ReadyReport, StartupReport } from './schemas.js'
import { type HealthServiceOptions, resolveServiceOptions, type ResolvedServiceOptions } from './service-options.js'

// The health service: three probes over the check runner. It adds what is per probe: which
// checks (only, exclude), the startup latch, draining, transition logs and memoised reports.

export type { HealthLogger, HealthServiceOptions } from './service-options.js'
export type { ProbeOptions } from './engine/select.js'
export type { CheckResult } from './engine/runner.js'

export type ProbeName = 'live' | 'ready' | 'startup'

/** One attempt of a check, once its result is known: what metrics count. */
export interface CheckAttempt {
  readonly name: string
  /** The probe whose request started it. */
  readonly probe: ProbeName
  readonly result: CheckResult
}

/** A check of a probe and its last result (undefined until it first settled). */
export interface LastResult {
  readonly name: string
  readonly result: CheckResult | undefined
}

export interface HealthService {
  live (): Promise<LiveReport>
  ready (options?: ProbeOptions): Promise<ReadyReport>
  startup (options?: ProbeOptions): Promise<StartupReport>
  /** The check names of each probe, in report order. */
  readonly checks: { readonly live: readonly string[], readonly ready: readonly string[], readonly startup: readonly string[] }
  /** Each check's `componentType` (health+json), keyed by name; `component` where a check sets none. */
  readonly componentTypes: Readonly<Record<string, string>>
  /** Each check's deadline, ms (optional for a service of your own). */
  readonly timeoutMs?: number
  /** True once draining has begun: readiness answers 503 `shutting down`, liveness stays 200. */
  readonly draining: boolean
  beginDrain (): void
  /**
   * Each probe's checks with their last results, running nothing: what a metrics scrape reads.
   * (Optional for a service of your own; every service this package makes has it.)
   */
  results? (): Readonly<Record<ProbeName, readonly LastResult[]>>
  /**
   * Calls `listener` with every check attempt once its result is known (not with answers from
   * the cache: a thousand probes within one TTL make one attempt). Returns the unsubscribe.
   */
  onAttempt? (listener: (attempt: CheckAttempt) => void): () => void
  close (): Promise<void>
}

export function createHealthService (options: HealthServiceOptions): HealthService {
  return buildService(resolveServiceOptions(options))
}

/**
 * The probes as the service runs them: a report as soon as it is known (every result cached),
 * a promise only while a check runs. The public methods wrap them in a promise; the plugin's
 * routes call them directly, so that a cached answer costs no promise.
 */
export interface DirectProbes {
  live (): LiveReport | Promise<LiveReport>
  ready (options?: ProbeOptions): ReadyReport | Promise<ReadyReport>
  startup (options?: ProbeOptions): StartupReport | Promise<StartupReport>
}

const direct = new WeakMap<HealthService, DirectProbes>()

/**
 * The direct probes of a service this module made. Any other service is used through its public
 * methods, their answers made native promises: it may return any promise library's thenable.
 */
export function directProbes (service: HealthService): DirectProbes {
  return direct.get(service) ?? {
    live: () => Promise.resolve(service.live()),
    ready: (o) => Promise.resolve(service.ready(o)),
    startup: (o) => Promise.resolve(service.startup(o))
  }
}

/** `f` of a value, or of a promise's value once it comes. */
function then<T, R> (v: T | Promise<T>, f: (v: T) => R): R | Promise<R> {
  return v instanceof Promise ? v.then(f) : f(v)
}

/** The service over options already resolved (the Bots composition validates them once). */
export function buildService (o: ResolvedServiceOptions): HealthService {
  const listeners = new Set<(attempt: CheckAttempt) => void>()
  const runner = createRunner({
    ...o,
    onAttempt: (check, result, origin) => {
      for (const l of listeners) l({ name: check.name, probe: origin as ProbeName, result })
    }
  })
  const observe = transitionLog(o.logger)
  const reportOptions: ReportOptions = { exposeReasons: o.exposeReasons, ...(o.readyMode !== undefined ? { mode: o.readyMode } : {}) }
  const { live: liveChecks, ready: readyChecks, startup: startupChecks } = o
  // A report is built, and a transition logged, only when a result changed: the same results
  // give the same report and the same failing set.
  const buildLive = memoOnResults((results) => {
    observe('live', liveChecks, results)
    return liveReport(liveChecks, results, reportOptions)
  })
  const buildReady = memoOnResults((results) => {
    observe('ready', readyChecks, results)
    return readyReport(readyChecks, results, reportOptions)
  })
  const buildStartup = memoOnResults((results) => {
    observe('startup', startupChecks, results)
    return startupReport(startupChecks, results, reportOptions)
  })
  let draining = false
  let closed = false
  let latched: StartupReport | undefined
  let drained: ReadyReport | undefined
  const drainedReport = (): ReadyReport => (drained ??= drainReport(readyChecks, readyChecks.map((c) => runner.last(c)), reportOptions))

  const componentTypes: Record<string, string> = {}
  for (const c of [...liveChecks, ...readyChecks, ...startupChecks]) componentTypes[c.name] ??= c.componentType ?? 'component'

  const probes: DirectProbes = {
    live () {
      if (liveChecks.length === 0) return LIVE_REPORT
      return then(runner.runAll(liveChecks, 'live'), buildLive)
    },
    ready (p) {
      const checks = selectChecks(readyChecks, p)
      if (draining) return drainedReport()
      return then(runner.runAll(checks, 'ready'), (results) => {
        if (draining) return drainedReport()
        if (checks !== readyChecks) return readyReport(checks, results, reportOptions)
        return buildReady(results)
      })
    },
    startup (p) {
      const checks = selectChecks(startupChecks, p)
      if (checks !== startupChecks) return then(runner.runAll(checks, 'startup'), (results) => startupReport(checks, results, reportOptions))
      if (latched !== undefined) return latched
      return then(runner.runAll(startupChecks, 'startup'), (results) => {
        const report = buildStartup(results)
        if (o.startupLatch && report.status === 'started') latched = report
        return report
      })
    }
  }

  const service: HealthService = {
    async live () { return await probes.live() },
    async ready (p) { return await probes.ready(p) },
    async startup (p) { return await probes.startup(p) },
    checks: Object.freeze({
      live: Object.freeze(liveChecks.map((c) => c.name)),
      ready: Object.freeze(readyChecks.map((c) => c.name)),
      startup: Object.freeze(startupChecks.map((c) => c.name))
    }),
    componentTypes: Object.freeze(componentTypes),
    timeoutMs: o.timeoutMs,
    get draining () { return draining },
    beginDrain () {
      draining = true
    },
    results () {
      const last = (checks: readonly Check[]): LastResult[] => checks.map((c) => ({ name: c.name, result: runner.last(c) }))
      return { live: last(liveChecks), ready: last(readyChecks), startup: last(startupChecks) }
    },
    onAttempt (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    async close () {
      if (closed) return
      closed = true
      draining = true
      await o.onClose?.()
    }
  }
  direct.set(service, probes)
  return service
}
