import { REASON_WITHHELD, type Report } from '../engine/report.js'
import { generalErrors, isHealthy } from './status.js'

/**
 * kube-apiserver's `?verbose` text: `[+]name ok` / `[-]name failed: reason`, then
 * `<route> check passed|failed`.
 */
export function toVerbose (r: Report, route: string): string {
  const lines: string[] = []
  if (r.checks !== undefined) {
    for (const [name, ok] of Object.entries(r.checks)) {
      lines.push(ok ? `[+]${name} ok` : `[-]${name} failed: ${r.details?.[name]?.error ?? REASON_WITHHELD}`)
    }
    for (const e of generalErrors(r)) lines.push(`[-]${e.replace(/\s+/g, '-')} failed: ${e}`)
  }
  lines.push(`${route} check ${isHealthy(r) ? 'passed' : 'failed'}`)
  return lines.join('\n') + '\n'
}
