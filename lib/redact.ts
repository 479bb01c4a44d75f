const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi
const KEY_VALUE_SECRET = /\b(password|passwd|pwd|secret|token|api[_-]?key|authorization)(\s*[=:]\s*)(?!(?:YES|NO)\))("[^"]*"|'[^']*'|[^\s;,&)]+)/gi
const BEARER = /\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}/gi

/**
 * Removes what must never leave the process: credentials inside URLs, `password=…`
 * style pairs, bearer tokens, and any secret the caller knows of (a configured password).
 */
export function redact (text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***')
  }
  return out
    .replace(URL_CREDENTIALS, '$1***@')
    .replace(KEY_VALUE_SECRET, '$1$2***')
    .replace(BEARER, '$1 ***')
}

/** Cuts a reason to `max` characters, as the seed did (so reports stay short and stable). */
export function cut (text: string, max = 100): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= max ? oneLine : oneLine.slice(0, max - 1) + '…'
}

/** `URL` without its user name and password, for error messages. */
export function safeUrl (url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString()
  } catch {
    return redact(url)
  }
}
