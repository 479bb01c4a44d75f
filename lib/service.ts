import { memoOnResults } from './engine/memo.js'
import { drainReport, LIVE_REPORT, liveReport, readyReport, type ReportOptions, startupReport } from './engine/report.js'
import { createRunner } from './engine/runner.js'
import { type ProbeOptions, selectChecks } from './engine/select.js'
import { transitionLog } from './engine/transitions.js'
import type { LiveReport, ReadyReport, StartupReport } from './schemas.js'
import { type HealthServiceOptions, resolveServiceOptions, type ResolvedServiceOptions } from './service-options.js'

// The health service: three probes over the check runner. It adds what is per probe: which
// checks (only, exclude), the startup latch, draining, transition logs and memoised reports.

export type { HealthLogger, HealthServiceOptions } from './service-options.js'
export type { ProbeOptions } from './engine/select.js'

export interface HealthService {
  live (): Promise<LiveReport>
  ready (options?: ProbeOptions): Promise<ReadyReport>
  startup (options?: ProbeOptions): Promise<StartupReport>
  /** The check names of each probe, in report order. */
  readonly checks: { readonly live: readonly string[], readonly ready: readonly string[], readonly startup: readonly string[] }
  /** Each check's `componentType` (health+json), keyed by name; `component` where a check sets none. */
  readonly componentTypes: Readonly<Record<string, string>>
  /** True once draining has begun: readiness answers 503 `shutting down`, liveness stays 200. */
  readonly draining: boolean
  beginDrain (): void
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
  const runner = createRunner(o)
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
      return then(runner.runAll(liveChecks), buildLive)
    },
    ready (p) {
      const checks = selectChecks(readyChecks, p)
      if (draining) return drainedReport()
      return then(runner.runAll(checks), (results) => {
        if (draining) return drainedReport()
        if (checks !== readyChecks) return readyReport(checks, results, reportOptions)
        return buildReady(results)
      })
    },
    startup (p) {
      const checks = selectChecks(startupChecks, p)
      if (checks !== startupChecks) return then(runner.runAll(checks), (results) => startupReport(checks, results, reportOptions))
      if (latched !== undefined) return latched
      return then(runner.runAll(startupChecks), (results) => {
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
    get draining () { return draining },
    beginDrain () {
      draining = true
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
