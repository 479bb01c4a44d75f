import type { Report } from '../engine/report.js'
import { HEALTH_JSON, toHealthJson } from './health-json.js'
import { toVerbose } from './verbose.js'

// The HTTP writers: which format a request asks for, and each format's content type and text.

export type Format = 'json' | 'health+json' | 'text'

export interface WriteContext {
  /** The probe's path under the prefix, for the verbose text's last line (`ready/database`). */
  readonly route: string
  /** The service's `componentTypes`, for health+json. */
  readonly componentTypes: Readonly<Record<string, string>>
}

export interface Writer {
  readonly contentType: string
  render (report: Report, context: WriteContext): string
}

export const WRITERS: Readonly<Record<Format, Writer>> = Object.freeze({
  json: { contentType: 'application/json; charset=utf-8', render: (r) => JSON.stringify(r) },
  'health+json': { contentType: `${HEALTH_JSON}; charset=utf-8`, render: (r, c) => JSON.stringify(toHealthJson(r, c.componentTypes)) },
  text: { contentType: 'text/plain; charset=utf-8', render: (r, c) => toVerbose(r, c.route) }
})

const OFFERS: readonly [Format, string, string][] = [['json', 'application', 'json'], ['health+json', 'application', 'health+json'], ['text', 'text', 'plain']]

/** `?verbose` wins; else the Accept header. */
export function formatOf (verbose: unknown, accept: string | undefined): Format {
  return verbose !== undefined ? 'text' : negotiate(accept)
}

/**
 * The format the Accept header prefers (RFC 9110: media types case-insensitive, q-values,
 * wildcards); plain JSON when it names none of ours, on a tie, or when there is no header.
 */
export function negotiate (accept: string | undefined): Format {
  if (accept === undefined || accept === '' || accept === '*/*') return 'json'
  // The kubelet and most clients name neither of the other two: answer them without parsing.
  const lower = accept.toLowerCase()
  if (!lower.includes('health+json') && !lower.includes('text/')) return 'json'
  let best: Format = 'json'
  let bestQ = -1
  let bestSpecific = -1
  for (const [format, type, subtype] of OFFERS) {
    let q = -1
    let specific = -1
    for (const part of lower.split(',')) {
      const [range = '', ...params] = part.split(';').map((p) => p.trim())
      const [t = '', st = ''] = range.split('/')
      const level = t === type && st === subtype ? 2 : t === type && st === '*' ? 1 : t === '*' && st === '*' ? 0 : -1
      if (level < 0 || level < specific) continue
      const qp = params.find((p) => p.startsWith('q='))
      const value = qp === undefined ? 1 : Number(qp.slice(2))
      specific = level
      q = Number.isFinite(value) ? value : 0
    }
    // A wildcard alone does not make a later offer win over plain JSON.
    if (q > bestQ || (q === bestQ && specific > bestSpecific && specific === 2)) {
      best = format
      bestQ = q
      bestSpecific = specific
    }
  }
  return bestQ > 0 ? best : 'json'
}
