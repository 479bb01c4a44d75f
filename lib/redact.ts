// What must never leave the process: credentials in URLs, `password=…` style pairs, bearer
// tokens, and every secret the caller knows of (a configured password).
//
// Every step is linear in the length of the text (a driver's error or a user check's message can
// be hundreds of KB, and all of this runs on the event loop). Known secrets are replaced in the
// whole text first; then a long text is cut at a token boundary, never inside a token, so that no
// cut can leave half a secret out of the patterns; then the patterns run on what is left.

/** Longer texts are cut (safely) before the patterns run: reports keep 500 characters at most. */
export const REDACT_MAX = 4096

const KEY_VALUE_SECRET = /(password|passwd|pwd|secret|token|api[_-]?key|authorization)("?\s*[=:]\s*)(?!(?:YES|NO)\))("[^"]*(?:"|$)|'[^']*(?:'|$)|[^\s;,&)]+)/gi
const BEARER = /\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}/gi
const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi
const SENSITIVE_PARAM = /pass|pwd|secret|token|key|auth|sig|credential/i
const ALNUM = /[A-Za-z0-9]/

/** Each known secret, where it stands as a token of its own (a password `a` must not garble every `a`). */
function replaceSecrets (text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of [...new Set(secrets)].sort((a, b) => b.length - a.length)) {
    if (secret.length === 0 || !out.includes(secret)) continue
    let result = ''
    let from = 0
    for (let at = out.indexOf(secret); at >= 0; at = out.indexOf(secret, at + secret.length)) {
      const before = out[at - 1]
      const after = out[at + secret.length]
      if ((before !== undefined && ALNUM.test(before)) || (after !== undefined && ALNUM.test(after))) continue
      result += out.slice(from, at) + '***'
      from = at + secret.length
    }
    out = result + out.slice(from)
  }
  return out
}

/**
 * `scheme://user:pass@host` → `scheme://***@host`, in one pass: in each run of non-blank
 * characters, everything between the first `scheme://` and the last `@` after it goes (a
 * password may hold `@`).
 */
function replaceUrlCredentials (text: string): string {
  let out = ''
  let from = 0
  SCHEME.lastIndex = 0
  for (let m = SCHEME.exec(text); m !== null; m = SCHEME.exec(text)) {
    const start = m.index + m[0].length
    let end = start
    while (end < text.length && !/\s/.test(text[end] as string)) end++
    const at = text.lastIndexOf('@', end - 1)
    if (at >= start) {
      out += text.slice(from, start) + '***'
      from = at
    }
    SCHEME.lastIndex = end
  }
  return out + text.slice(from)
}

/**
 * A long text cut to `max` characters without splitting a token: the last, partial run of
 * non-blank characters is dropped whole (it may hold the start of a URL or a `password=`).
 */
function cutAtToken (text: string, max: number): string {
  if (text.length <= max) return text
  const head = text.slice(0, max)
  if (/\s/.test(text[max] as string)) return head + ' …'
  const blank = head.search(/\s\S*$/)
  return (blank < 0 ? '' : head.slice(0, blank)) + ' …'
}

/** Known secrets, then URL credentials, bearer tokens and `key=value` secrets, in linear time. */
export function redact (text: string, secrets: readonly string[] = []): string {
  const cutText = cutAtToken(replaceSecrets(text, secrets), REDACT_MAX)
  return replaceUrlCredentials(cutText)
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

/**
 * The password of a URL for a secrets list: raw, percent-decoded, as a URL parser reads it, and
 * each piece of it between `/ ? # @` and blanks (a driver that parses a URL whose password is not
 * encoded takes a piece of it for the password, and may quote that piece).
 */
export function urlSecrets (url: string): string[] {
  const password = credentialsOf(url)?.password ?? ''
  if (password === '') return []
  const found = [password]
  try { found.push(decodeURIComponent(password)) } catch {}
  try {
    const parsed = new URL(url).password
    found.push(parsed)
    try { found.push(decodeURIComponent(parsed)) } catch {}
  } catch {}
  for (const piece of password.split(/[/?#@\s]+/)) if (piece.length >= 3) found.push(piece)
  return [...new Set(found.filter((s) => s !== ''))]
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
