import { cut } from '../redact.js'

/** A short, stable reason for a driver error: its code plus a short message, as the seed cut them. */
export function describeDbError (err: unknown, max = 100): string {
  if (!(err instanceof Error)) return cut(String(err), max)
  const e = err as Error & { code?: unknown, errors?: unknown }
  let message = e.message
  // AggregateError (e.g. a refused connection tried on ::1 and 127.0.0.1) has an empty message.
  if (message === '' && Array.isArray(e.errors) && e.errors[0] instanceof Error) message = e.errors[0].message
  const code = typeof e.code === 'string' ? e.code : undefined
  const text = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message || code || e.name
  return cut(text, max)
}
