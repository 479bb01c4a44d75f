import { REASON_WITHHELD, type Report } from '../engine/report.js'
import { generalErrors, isHealthy } from './status.js'

/**
 * kube-apiserver's `?verbose` text: `[+]name ok` / `[-]name failed: reason`, with
 * `[!]name warn: reason` for a check that passes with a warning, then
 * `<route> check passed|failed`.
 */
export function toVerbose (r: Report, route: string): string {
  const lines: string[] = []
  if (r.checks !== undefined) {
    for (const [name, ok] of Object.entries(r.checks)) {
      const detail = r.details?.[name]
      if (!ok) lines.push(`[-]${name} failed: ${detail?.error ?? REASON_WITHHELD}`)
      else if (detail?.status === 'warn') lines.push(`[!]${name} warn: ${detail.warning ?? REASON_WITHHELD}`)
      else lines.push(`[+]${name} ok`)
    }
    for (const e of generalErrors(r)) lines.push(`[-]${e.replace(/\s+/g, '-')} failed: ${e}`)
  }
  lines.push(`${route} check ${isHealthy(r) ? 'passed' : 'failed'}`)
  return lines.join('\n') + '\n'
}
