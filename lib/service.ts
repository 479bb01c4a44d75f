import type { Check } from './check.js'
import { drainReport, LIVE_REPORT, liveReport, memoOnResults, type ProbeOptions, readyReport, type ReportOptions, selectChecks, startupReport } from './engine/report.js'
import { createRunner, type CheckResult } from './engine/runner.js'
import { transitionLog } from './engine/transitions.js'
import { type HealthServiceOptions, resolveServiceOptions, type ResolvedServiceOptions } from './options.js'
import type { LiveReport, ReadyReport, StartupReport } from './schemas.js'

// The health service: three probes over the check runner. It adds what is per probe: which
// checks (only, exclude), the startup latch, draining, transition logs and memoised reports.

export type { HealthLogger, HealthServiceOptions } from './options.js'
export type { ProbeOptions } from './engine/report.js'
export { UnknownCheckError } from './engine/report.js'

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
  return serviceOf(resolveServiceOptions(options))
}

/** The service over options already resolved (the Bots composition validates them once). */
export function serviceOf (o: ResolvedServiceOptions): HealthService {
  const runner = createRunner(o)
  const observe = transitionLog(o.logger)
  const reportOptions: ReportOptions = { exposeReasons: o.exposeReasons, ...(o.readyMode !== undefined ? { mode: o.readyMode } : {}) }
  const { live: liveChecks, ready: readyChecks, startup: startupChecks } = o
  const buildLive = memoOnResults((results) => liveReport(liveChecks, results, reportOptions))
  const buildReady = memoOnResults((results) => readyReport(readyChecks, results, reportOptions))
  const buildStartup = memoOnResults((results) => startupReport(startupChecks, results, reportOptions))
  let draining = false
  let closed = false
  let latched: StartupReport | undefined
  let drained: ReadyReport | undefined
  const drainedReport = (): ReadyReport => (drained ??= drainReport(readyChecks, readyChecks.map((c) => runner.last(c)), reportOptions))

  const settled = async (checks: readonly Check[]): Promise<readonly CheckResult[]> => {
    const ran = runner.runAll(checks)
    return ran instanceof Promise ? await ran : ran
  }

  const componentTypes: Record<string, string> = {}
  for (const c of [...liveChecks, ...readyChecks, ...startupChecks]) componentTypes[c.name] ??= c.componentType ?? 'component'

  return {
    async live () {
      if (liveChecks.length === 0) return LIVE_REPORT
      const results = await settled(liveChecks)
      observe('liveness', liveChecks, results)
      return buildLive(results)
    },
    async ready (p) {
      const checks = selectChecks(readyChecks, p)
      if (draining) return drainedReport()
      const results = await settled(checks)
      if (draining) return drainedReport()
      if (checks !== readyChecks) return readyReport(checks, results, reportOptions)
      observe('readiness', readyChecks, results)
      return buildReady(results)
    },
    async startup (p) {
      const checks = selectChecks(startupChecks, p)
      if (checks !== startupChecks) return startupReport(checks, await settled(checks), reportOptions)
      if (latched !== undefined) return latched
      const results = await settled(startupChecks)
      observe('startup', startupChecks, results)
      const report = buildStartup(results)
      if (o.startupLatch && report.status === 'started') latched = report
      return report
    },
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
}
