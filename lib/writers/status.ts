import { DRAINING_ERROR, type Report } from '../engine/report.js'

/** The one rule of which reports are healthy (200) and which are not (503). */
export function isHealthy (r: Report): boolean {
  return r.status === 'ok' || r.status === 'ready' || r.status === 'started'
}

/** The HTTP status of a report: 200 when healthy, else 503. */
export function statusCode (r: Report): 200 | 503 {
  return isHealthy(r) ? 200 : 503
}

/** The errors that belong to no check: draining, told by the report's `draining` field. */
export function generalErrors (r: Report): string[] {
  return r.check === 'readiness' && r.draining === true ? [DRAINING_ERROR] : []
}
