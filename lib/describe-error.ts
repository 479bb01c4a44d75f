import { errorCode, errorText, safeGet } from './error-text.js'
import { cut } from './redact.js'

// The one way an error becomes a reason in a report: a database driver's, a socket's, a
// request's. It never throws (error-text.ts) and is not cut here: the runner cuts the reason
// after redacting it, so that no cut splits a secret.

/** The seed cut a driver's reason to 100 characters. */
export const REASON_MAX = 100

/** A stable reason for any error: its code plus its message. */
export function describeError (err: unknown, max = Number.POSITIVE_INFINITY): string {
  let message = errorText(err)
  // AggregateError (e.g. a refused connection tried on ::1 and 127.0.0.1) has an empty message.
  const inner = safeGet(err, 'errors')
  if (message === '' && Array.isArray(inner) && inner[0] !== undefined) message = errorText(inner[0])
  const code = errorCode(err)
  const name = safeGet(err, 'name')
  const text = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message || code || (typeof name === 'string' ? name : 'error')
  return cut(text, max)
}

/** True for the error of an aborted request or a timed-out signal. */
export function isAbort (err: unknown): boolean {
  const name = safeGet(err, 'name')
  return name === 'AbortError' || name === 'TimeoutError' || errorCode(err) === 'ABORT_ERR'
}

/** The reason a network call to `what` failed, in words for a report. */
export function describeNetError (err: unknown, what: string): string {
  if (isAbort(err)) return `${what}: no answer`
  const code = errorCode(err)
  if (code === 'ECONNREFUSED') return `${what}: connection refused`
  if (code === 'ECONNRESET' || code === 'EPIPE') return `${what}: connection reset`
  return `${what}: ${describeError(err)}`
}
