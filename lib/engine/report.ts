import type { Check } from '../check.js'
import type { CheckDetail, LiveReport, ReadyReport, StartupReport } from '../schemas.js'
import type { CheckResult } from './runner.js'

// Pure report builders: checks and their raw results in, a frozen report out. What a reader may
// see of a reason (exposeReasons), each check's details, and the drain are decided here only.

export type Report = LiveReport | ReadyReport | StartupReport

/** The probes as the code names them, and as reports and logs name them (the seed's `check`). */
export type Probe = 'live' | 'ready' | 'startup'
export const REPORT_NAMES = Object.freeze({ live: 'liveness', ready: 'readiness', startup: 'startup' } as const)

export interface ReportOptions {
  /** Put failure reasons in `errors` and `details`; when false each reads `reason withheld`. */
  readonly exposeReasons: boolean
  /** Stamped on readiness reports as `mode`, as the layer that built the service set it. */
  readonly mode?: string
}

/** What a report says in place of a reason it does not expose. */
export const REASON_WITHHELD = 'reason withheld'

/** The first line of `errors` while draining; the report also says `draining: true`, which writers read. */
export const DRAINING_ERROR = 'shutting down'

/** The answer of a liveness probe that runs no check. */
export const LIVE_REPORT: LiveReport = Object.freeze({ status: 'ok', check: 'liveness', message: 'Process is alive' })

interface Body {
  healthy: boolean
  flags: Record<string, boolean>
  details: Record<string, CheckDetail>
  errors: string[]
  warnings: string[]
  failing: string[]
}

/** A check's detail as a report shows it. */
export function detailOf (r: CheckResult, o: ReportOptions): CheckDetail {
  const checkedAt = new Date(r.checkedAt).toISOString()
  if (r.status === 'pass') return { status: 'pass', durationMs: r.durationMs, checkedAt }
  if (r.status === 'warn') return { status: 'warn', durationMs: r.durationMs, checkedAt, warning: o.exposeReasons ? (r.warning ?? 'warning') : REASON_WITHHELD }
  return { status: 'fail', durationMs: r.durationMs, checkedAt, error: o.exposeReasons ? (r.error ?? 'failed') : REASON_WITHHELD }
}

function body (checks: readonly Check[], results: readonly CheckResult[], o: ReportOptions): Body {
  const flags: Record<string, boolean> = {}
  const details: Record<string, CheckDetail> = {}
  const errors: string[] = []
  const warnings: string[] = []
  const failing: string[] = []
  checks.forEach((c, i) => {
    const r = results[i]
    flags[c.name] = r?.ok === true
    if (r === undefined) return
    details[c.name] = detailOf(r, o)
    if (r.status === 'warn') warnings.push(o.exposeReasons ? (r.warning ?? 'warning') : `${c.name}: ${REASON_WITHHELD}`)
    if (r.ok) return
    failing.push(c.name)
    errors.push(o.exposeReasons ? (r.error ?? 'failed') : `${c.name}: ${REASON_WITHHELD}`)
  })
  return { healthy: failing.length === 0, flags, details, errors, warnings, failing }
}

export function liveReport (checks: readonly Check[], results: readonly CheckResult[], o: ReportOptions): LiveReport {
  if (checks.length === 0) return LIVE_REPORT
  const b = body(checks, results, o)
  const report: LiveReport = b.healthy
    ? { status: 'ok', check: REPORT_NAMES.live, message: 'Process is alive', checks: b.flags }
    : { status: 'not_alive', check: REPORT_NAMES.live, message: `Process is not alive: ${b.failing.join(', ')} failed`, checks: b.flags, errors: b.errors }
  if (b.warnings.length > 0) report.warnings = b.warnings
  report.details = b.details
  return deepFreeze(report)
}

export function readyReport (checks: readonly Check[], results: readonly CheckResult[], o: ReportOptions): ReadyReport {
  const b = body(checks, results, o)
  const report: ReadyReport = { status: b.healthy ? 'ready' : 'not_ready', check: REPORT_NAMES.ready, checks: b.flags }
  if (!b.healthy) report.errors = b.errors
  if (b.warnings.length > 0) report.warnings = b.warnings
  if (o.mode !== undefined) report.mode = o.mode
  report.details = b.details
  return deepFreeze(report)
}

export function startupReport (checks: readonly Check[], results: readonly CheckResult[], o: ReportOptions): StartupReport {
  const b = body(checks, results, o)
  const report: StartupReport = { status: b.healthy ? 'started' : 'starting', check: REPORT_NAMES.startup, checks: b.flags }
  if (!b.healthy) report.errors = b.errors
  if (b.warnings.length > 0) report.warnings = b.warnings
  report.details = b.details
  return deepFreeze(report)
}

/**
 * Readiness while draining: 503 whatever the checks say, with each check's last known result.
 * A check that never ran says so instead of a false it never earned.
 */
export function drainReport (checks: readonly Check[], lastResults: readonly (CheckResult | undefined)[], o: ReportOptions): ReadyReport {
  const flags: Record<string, boolean> = {}
  const never: string[] = []
  checks.forEach((c, i) => {
    const last = lastResults[i]
    flags[c.name] = last?.ok === true
    if (last === undefined) never.push(c.name)
  })
  const errors = never.length > 0 ? [DRAINING_ERROR, `not checked before the drain: ${never.join(', ')}`] : [DRAINING_ERROR]
  return deepFreeze({ status: 'not_ready', check: REPORT_NAMES.ready, checks: flags, errors, draining: true, ...(o.mode !== undefined ? { mode: o.mode } : {}) })
}

export function deepFreeze<T> (o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}
