import type { Report } from '../engine/report.js'
import type { HealthJson } from '../schemas.js'
import { generalErrors, isHealthy } from './status.js'

export const HEALTH_JSON = 'application/health+json'

/**
 * draft-inadarei-api-health-check-06: `status` pass/fail, `checks` keyed `component:measurement`
 * with arrays of objects, `output` on failure. `componentTypes` says what each check is
 * (`service.componentTypes`); a check it does not name is a `component`.
 */
export function toHealthJson (r: Report, componentTypes: Readonly<Record<string, string>> = {}): HealthJson {
  // The draft's `warn`: healthy (a 2xx) with something to look at.
  const status = !isHealthy(r) ? 'fail' : (r.warnings?.length ?? 0) > 0 ? 'warn' : 'pass'
  if (r.check === 'liveness' && r.checks === undefined) return { status, description: r.message }
  if (r.checks === undefined) return { status, description: r.check }
  const checks: HealthJson['checks'] = {}
  for (const [name, ok] of Object.entries(r.checks)) {
    const detail = r.details?.[name]
    checks[`${name}:responseTime`] = [{
      componentType: componentTypes[name] ?? 'component',
      ...(detail !== undefined ? { observedValue: detail.durationMs, observedUnit: 'ms', time: detail.checkedAt } : {}),
      status: !ok ? 'fail' : detail?.status === 'warn' ? 'warn' : 'pass',
      ...(!ok && detail?.error !== undefined ? { output: detail.error } : {}),
      ...(ok && detail?.warning !== undefined ? { output: detail.warning } : {})
    }]
  }
  const general = generalErrors(r)
  const out: HealthJson = { status, description: r.check === 'liveness' ? r.message : r.check, checks }
  if (r.check === 'readiness' && r.mode !== undefined) out.notes = [`mode: ${r.mode}`]
  if (status === 'fail') out.output = (general.length > 0 ? general : r.errors ?? []).join('; ')
  if (status === 'warn') out.output = (r.warnings ?? []).join('; ')
  return out
}
