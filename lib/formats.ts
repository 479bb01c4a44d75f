import type { HealthJson, LiveReport, ReadyReport, StartupReport } from './schemas.js'
import { DRAIN_ERROR } from './service.js'

// The same report, in the formats its other readers speak. Each is derived from the seed's
// report alone, so every front end renders the one set of checks.

type Report = LiveReport | ReadyReport | StartupReport

export const HEALTH_JSON = 'application/health+json'

/** What each check is, in the IETF draft's terms: `component:measurement` and a componentType. */
const COMPONENTS: Record<string, { measurement: string, componentType: string }> = {
  database: { measurement: 'responseTime', componentType: 'datastore' },
  tables: { measurement: 'responseTime', componentType: 'datastore' },
  botssys: { measurement: 'responseTime', componentType: 'system' },
  usersys: { measurement: 'responseTime', componentType: 'system' },
  config: { measurement: 'responseTime', componentType: 'component' }
}

/** The one rule of which reports are healthy (200) and which are not (503). */
export const isHealthy = (r: Report): boolean => r.status === 'ok' || r.status === 'ready' || r.status === 'started'

/** The one error the service reports that belongs to no check: draining. */
function generalErrors (r: Report): string[] {
  return r.errors?.includes(DRAIN_ERROR) === true ? [DRAIN_ERROR] : []
}

/**
 * draft-inadarei-api-health-check-06: `status` pass/fail, `checks` keyed `component:measurement`
 * with arrays of objects, `output` on failure.
 */
export function toHealthJson (r: Report): HealthJson {
  const status = isHealthy(r) ? 'pass' : 'fail'
  if (r.check === 'liveness' && r.checks === undefined) return { status, description: r.message }
  if (r.checks === undefined) return { status, description: r.check }
  const checks: HealthJson['checks'] = {}
  for (const [name, ok] of Object.entries(r.checks)) {
    const detail = r.details?.[name]
    const c = COMPONENTS[name] ?? { measurement: 'responseTime', componentType: 'component' }
    checks[`${name}:${c.measurement}`] = [{
      componentType: c.componentType,
      ...(detail !== undefined ? { observedValue: detail.durationMs, observedUnit: 'ms', time: detail.checkedAt } : {}),
      status: ok ? 'pass' : 'fail',
      ...(!ok && detail?.error !== undefined ? { output: detail.error } : {})
    }]
  }
  const general = generalErrors(r)
  const out: HealthJson = { status, description: r.check === 'liveness' ? r.message : r.check, checks }
  if (r.check === 'readiness' && r.mode !== undefined) out.notes = [`mode: ${r.mode}`]
  if (status === 'fail') out.output = (general.length > 0 ? general : r.errors ?? []).join('; ')
  return out
}

/**
 * kube-apiserver's `?verbose` text: `[+]name ok` / `[-]name failed: reason`, then
 * `<route> check passed|failed`.
 */
export function toVerbose (r: Report, route: string): string {
  const lines: string[] = []
  if (r.checks !== undefined) {
    for (const [name, ok] of Object.entries(r.checks)) {
      lines.push(ok ? `[+]${name} ok` : `[-]${name} failed: ${r.details?.[name]?.error ?? 'reason withheld'}`)
    }
    for (const e of generalErrors(r)) lines.push(`[-]${e.replace(/\s+/g, '-')} failed: ${e}`)
  }
  lines.push(`${route} check ${isHealthy(r) ? 'passed' : 'failed'}`)
  return lines.join('\n') + '\n'
}
