import { cut } from '../redact.js'

/** The seed cut a driver's reason to 100 characters. */
export const REASON_MAX = 100

/**
 * A stable reason for a driver error: its code plus its message. It is not cut here: the service
 * cuts it (the seed's 100 characters) after redacting it, so that no cut splits a secret.
 */
export function describeDbError (err: unknown, max = Number.POSITIVE_INFINITY): string {
  if (!(err instanceof Error)) return cut(String(err), max)
  const e = err as Error & { code?: unknown, errors?: unknown }
  let message = e.message
  // AggregateError (e.g. a refused connection tried on ::1 and 127.0.0.1) has an empty message.
  if (message === '' && Array.isArray(e.errors) && e.errors[0] instanceof Error) message = e.errors[0].message
  const code = typeof e.code === 'string' ? e.code : undefined
  const text = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message || code || e.name
  return cut(text, max)
}
