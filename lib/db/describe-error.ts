import { errorCode, errorText, safeGet } from '../error-text.js'
import { cut } from '../redact.js'

/** The seed cut a driver's reason to 100 characters. */
export const REASON_MAX = 100

/**
 * A stable reason for a driver error: its code plus its message. It is not cut here: the service
 * cuts it (the seed's 100 characters) after redacting it, so that no cut splits a secret.
 */
export function describeDbError (err: unknown, max = Number.POSITIVE_INFINITY): string {
  let message = errorText(err)
  // AggregateError (e.g. a refused connection tried on ::1 and 127.0.0.1) has an empty message.
  const inner = safeGet(err, 'errors')
  if (message === '' && Array.isArray(inner) && inner[0] !== undefined) message = errorText(inner[0])
  const code = errorCode(err)
  const name = safeGet(err, 'name')
  const text = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message || code || (typeof name === 'string' ? name : 'error')
  return cut(text, max)
}
