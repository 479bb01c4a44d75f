// What must never leave the process: credentials in URLs, `password=…` style pairs, bearer
// tokens, and every secret the caller knows of (a configured password). Redaction always runs
// before a text is cut, so that a cut cannot split a secret out of its pattern.

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)\S*@/gi
const KEY_VALUE_SECRET = /\b(\w*(?:password|passwd|pwd|secret|token|api[_-]?key|authorization))("?\s*[=:]\s*)(?!(?:YES|NO)\))("[^"]*"|'[^']*'|[^\s;,&)]+)/gi
const BEARER = /\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}/gi
const SENSITIVE_PARAM = /pass|pwd|secret|token|key|auth|sig|credential/i

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Replaces each known secret where it stands as a token of its own (not inside a longer word:
 * a password `a` must not garble every `a` of a message), then the patterns above.
 */
export function redact (text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escape(secret)}(?![A-Za-z0-9])`, 'g'), '***')
  }
  return out
    .replace(URL_CREDENTIALS, '$1***@')
    .replace(BEARER, '$1 ***')
    .replace(KEY_VALUE_SECRET, '$1$2***')
}

/** Cuts a reason to `max` characters, as the seed did (so reports stay short and stable). */
export function cut (text: string, max = 100): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= max ? oneLine : oneLine.slice(0, max - 1) + '…'
}

/**
 * The user information of a URL-like string, split as a person would write it: everything
 * between `scheme://` and the last `@`, the password after its first `:`. Works on strings
 * `new URL` refuses (a password with `/`, `@`, `#` or a space in it, not percent-encoded).
 */
export function credentialsOf (url: string): { user: string, password: string } | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([\s\S]*)$/i.exec(url)
  if (m === null) return undefined
  const rest = m[1] ?? ''
  const at = rest.lastIndexOf('@')
  if (at < 0) return undefined
  const info = rest.slice(0, at)
  const colon = info.indexOf(':')
  return colon < 0 ? { user: info, password: '' } : { user: info.slice(0, colon), password: info.slice(colon + 1) }
}

/** The password of a URL, raw and percent-decoded, for a secrets list. */
export function urlSecrets (url: string): string[] {
  const password = credentialsOf(url)?.password ?? ''
  if (password === '') return []
  let decoded = password
  try { decoded = decodeURIComponent(password) } catch {}
  return [...new Set([password, decoded])]
}

/**
 * A URL fit for a message: no user name or password, and the values of query parameters that
 * look secret (`token`, `password`, `api_key`, `sig`…) replaced. A string `new URL` refuses keeps
 * only what follows its last `@`.
 */
export function safeUrl (url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    const m = /^([a-z][a-z0-9+.-]*:\/\/)([\s\S]*)$/i.exec(url)
    if (m === null) return redact(url)
    const rest = m[2] ?? ''
    const at = rest.lastIndexOf('@')
    return redact(at < 0 ? url : `${m[1] ?? ''}***@${rest.slice(at + 1)}`)
  }
  u.username = ''
  u.password = ''
  for (const key of [...u.searchParams.keys()]) if (SENSITIVE_PARAM.test(key)) u.searchParams.set(key, '***')
  return redact(u.toString())
}
