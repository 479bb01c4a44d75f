import type { Check } from '../check.js'
import type { CheckDetail, LiveReport, ReadyReport, StartupReport } from '../schemas.js'
import { type CheckResult, REASON_WITHHELD } from './runner.js'

// Pure report builders: checks and their results in, a frozen report out. No clock, no state.

export type Report = LiveReport | ReadyReport | StartupReport

export interface ReportOptions {
  /** Put failure reasons in `errors`; when false each reads `name: reason withheld`. */
  readonly exposeReasons: boolean
  /** Stamped on readiness reports (`database_only`). */
  readonly mode?: ReadyReport['mode']
}

/** The answer of a liveness probe that runs no check. */
export const LIVE_REPORT: LiveReport = Object.freeze({ status: 'ok', check: 'liveness', message: 'Process is alive' })

/** The first line of `errors` while draining; the report also says `draining: true`. */
export const DRAINING_ERROR = 'shutting down'

interface Body {
  healthy: boolean
  flags: Record<string, boolean>
  details: Record<string, CheckDetail>
  errors: string[]
  failing: string[]
}

function body (checks: readonly Check[], results: readonly CheckResult[], o: ReportOptions): Body {
  const flags: Record<string, boolean> = {}
  const details: Record<string, CheckDetail> = {}
  const errors: string[] = []
  const failing: string[] = []
  checks.forEach((c, i) => {
    const r = results[i]
    flags[c.name] = r?.ok === true
    if (r === undefined) return
    details[c.name] = r.detail
    if (r.ok) return
    failing.push(c.name)
    errors.push(o.exposeReasons ? (r.error ?? 'failed') : `${c.name}: ${REASON_WITHHELD}`)
  })
  return { healthy: failing.length === 0, flags, details, errors, failing }
}

export function liveReport (checks: readonly Check[], results: readonly CheckResult[], o: ReportOptions): LiveReport {
  if (checks.length === 0) return LIVE_REPORT
  const b = body(checks, results, o)
  const report: LiveReport = b.healthy
    ? { status: 'ok', check: 'liveness', message: 'Process is alive', checks: b.flags }
    : { status: 'not_alive', check: 'liveness', message: `Process is not alive: ${b.failing.join(', ')} failed`, checks: b.flags, errors: b.errors }
  report.details = b.details
  return deepFreeze(report)
}

export function readyReport (checks: readonly Check[], results: readonly CheckResult[], o: ReportOptions): ReadyReport {
  const b = body(checks, results, o)
  const report: ReadyReport = { status: b.healthy ? 'ready' : 'not_ready', check: 'readiness', checks: b.flags }
  if (!b.healthy) report.errors = b.errors
  if (o.mode !== undefined) report.mode = o.mode
  report.details = b.details
  return deepFreeze(report)
}

export function startupReport (checks: readonly Check[], results: readonly CheckResult[], o: ReportOptions): StartupReport {
  const b = body(checks, results, o)
  const report: StartupReport = { status: b.healthy ? 'started' : 'starting', check: 'startup', checks: b.flags }
  if (!b.healthy) report.errors = b.errors
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
  return deepFreeze({ status: 'not_ready', check: 'readiness', checks: flags, errors, draining: true, ...(o.mode !== undefined ? { mode: o.mode } : {}) })
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

/** The checks a probe runs for `only`/`exclude`; the same array when neither narrows it. */
export function selectChecks (all: readonly Check[], o: ProbeOptions | undefined): readonly Check[] {
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

/**
 * Memoises a builder on the identity of its results: while every result comes from the cache,
 * every caller gets the same frozen report object.
 */
export function memoOnResults<R> (build: (results: readonly CheckResult[]) => R): (results: readonly CheckResult[]) => R {
  let lastResults: readonly CheckResult[] = []
  let lastReport: R | undefined
  return (results) => {
    if (lastReport !== undefined && results.length === lastResults.length && results.every((r, i) => r === lastResults[i])) return lastReport
    lastResults = results
    lastReport = build(results)
    return lastReport
  }
}

export function deepFreeze<T> (o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}
