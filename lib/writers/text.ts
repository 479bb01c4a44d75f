import type { Report } from '../engine/report.js'

// The CLI's writer: the seed's text, and the exit codes.

export type { Report }

export const EXIT_HEALTHY = 0
export const EXIT_UNHEALTHY = 1
export const EXIT_ERROR = 2

/** The seed's text: `Health Check:`, `Status:`, then `Checks:` with ✓/✗ (! for a warning), `Errors:` and `Warnings:`. */
export function render (report: Report): string {
  const lines = [`Health Check: ${report.check}`, `Status: ${report.status}`]
  if (report.checks === undefined) return lines.join('\n') + '\n'
  if (report.check === 'readiness' && report.mode !== undefined) lines.push(`Mode: ${report.mode}`)
  lines.push('', 'Checks:')
  for (const [name, ok] of Object.entries(report.checks)) lines.push(`  ${!ok ? '✗' : report.details?.[name]?.status === 'warn' ? '!' : '✓'} ${name}`)
  if (report.errors !== undefined && report.errors.length > 0) {
    lines.push('', 'Errors:')
    for (const e of report.errors) lines.push(`  - ${e}`)
  }
  if (report.warnings !== undefined && report.warnings.length > 0) {
    lines.push('', 'Warnings:')
    for (const w of report.warnings) lines.push(`  - ${w}`)
  }
  return lines.join('\n') + '\n'
}
