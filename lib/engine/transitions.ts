import type { Check } from '../check.js'
import { type Probe, REPORT_NAMES } from './report.js'
import type { CheckResult } from './runner.js'

/** pino's signature, which `fastify.log` has; any object with these two methods works. */
export interface HealthLogger {
  warn (obj: object, msg: string): void
  info (obj: object, msg: string): void
}

/**
 * Tells the logger once when a probe's failing set changes: a warning naming what fails, and one
 * line when all pass again; and, apart, once when the set of checks that warn changes. A probe
 * that has always passed without a warning logs nothing.
 */
export function transitionLog (logger: HealthLogger | undefined): (probe: Probe, checks: readonly Check[], results: readonly CheckResult[]) => void {
  // The failing set each probe last reported: undefined before the first run, '' when healthy.
  const lastFailing: Partial<Record<Probe, string>> = {}
  const lastWarning: Partial<Record<Probe, string>> = {}
  return (name, checks, results) => {
    // Logs name the probe as its report does (`readiness`).
    const probe = REPORT_NAMES[name]
    const warning = checks.filter((_, i) => results[i]?.status === 'warn').map((c) => c.name)
    const warnKey = warning.join(',')
    const warnedBefore = lastWarning[name] ?? ''
    if (warnKey !== warnedBefore) {
      lastWarning[name] = warnKey
      if (warning.length > 0) {
        const reasons = results.filter((r) => r.status === 'warn').map((r) => r.warning)
        logger?.warn({ probe, warning, reasons }, `${probe} warns: ${warning.join(', ')}`)
      } else {
        logger?.info({ probe }, `${probe}: no check warns any more`)
      }
    }
    const failing = checks.filter((_, i) => results[i]?.ok !== true).map((c) => c.name)
    const key = failing.join(',')
    const before = lastFailing[name]
    if (key === before) return
    lastFailing[name] = key
    if (logger === undefined) return
    if (failing.length > 0) {
      const reasons = results.filter((r) => !r.ok).map((r) => r.error)
      logger.warn({ probe, failing, reasons }, `${probe} is unhealthy: ${failing.join(', ')} failed`)
    } else if (before !== undefined) {
      logger.info({ probe }, `${probe} recovered: all checks pass`)
    }
  }
}
