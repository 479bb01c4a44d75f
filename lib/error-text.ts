// Describing an error must never throw: a check may reject with anything (a null-prototype
// object, an object whose toString or message getter throws, a revoked Proxy), and the probe
// must still answer.

function attempt<T> (f: () => T): T | undefined {
  try { return f() } catch { return undefined }
}

/** A property read that cannot throw (a getter that throws, a revoked Proxy). */
export function safeGet (value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined
  return attempt(() => (value as Record<string, unknown>)[key])
}

/** The text of whatever was thrown: an Error's message, a string, or what can be told of the value. */
export function errorText (err: unknown): string {
  if (typeof err === 'string') return err
  if (err === null || err === undefined || typeof err === 'number' || typeof err === 'boolean' || typeof err === 'bigint') return String(err)
  if (typeof err === 'symbol') return attempt(() => err.toString()) ?? 'symbol'
  const message = safeGet(err, 'message')
  if (typeof message === 'string') return message
  const text = attempt(() => String(err))
  if (typeof text === 'string' && text !== '[object Object]') return text
  return attempt(() => Object.prototype.toString.call(err)) ?? 'unknown error'
}

/** An error's `code` when it is a string (`ECONNREFUSED`, `ER_ACCESS_DENIED_ERROR`). */
export function errorCode (err: unknown): string | undefined {
  const code = safeGet(err, 'code')
  return typeof code === 'string' ? code : undefined
}
