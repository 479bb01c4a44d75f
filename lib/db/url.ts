import { isAbsolute, resolve } from 'node:path'
import type { DatabaseAdapter } from './adapter.js'
import { credentialsOf, redact, safeUrl, urlSecrets } from '../redact.js'
import { HealthOptionsError } from '../errors.js'
import { openMysql, openPostgres } from './open.js'

/** True for `sqlite:PATH` and for a plain file path. */
export function isSqliteUrl (url: string): boolean {
  return /^sqlite:/i.test(url) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)
}

export function sqlitePathOf (url: string, cwd = process.cwd()): string {
  let path = url.replace(/^sqlite:(\/\/(?=\/))?/i, '')
  if (path === '') throw new HealthOptionsError('database', 'is a sqlite: URL without a path: use sqlite:/path/to/botsdb')
  try {
    path = decodeURIComponent(path)
  } catch {
    throw new HealthOptionsError('database', `is a sqlite: URL whose path ${JSON.stringify(path)} has a "%" that starts no escape: write it as %25`)
  }
  return isAbsolute(path) ? path : resolve(cwd, path)
}

/**
 * An adapter for a database URL: `mysql://` or `mariadb://` (mysql2), `sqlite:PATH` or a file
 * path (`postgres://` with pg). A probe loads only the driver it uses.
 */
export async function adapterFromUrl (url: string, options: { timeoutMs: number, cwd?: string }): Promise<DatabaseAdapter> {
  if (isSqliteUrl(url)) {
    const { sqliteAdapter } = await import('./sqlite.js')
    return sqliteAdapter(sqlitePathOf(url, options.cwd))
  }
  // The password, as written and decoded, even where the URL is malformed: no error may echo it.
  const secrets = urlSecrets(url)
  const raw = credentialsOf(url)?.password ?? ''
  if (/%(?![0-9A-Fa-f]{2})/.test(raw)) {
    throw new HealthOptionsError('database', `URL's password holds a "%" that starts no escape (the driver would fail at every probe): percent-encode it as %25, e.g. ${redact(safeUrl(url), secrets)} with the password encoded by encodeURIComponent`)
  }
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new HealthOptionsError('database', `URL is not a valid URL (percent-encode a password that holds / @ # ? % or a space): ${redact(safeUrl(url), secrets)}`)
  }
  let password = u.password
  try { password = decodeURIComponent(u.password) } catch {}
  for (const s of [password, u.password]) if (s !== '' && !secrets.includes(s)) secrets.push(s)
  const scheme = u.protocol.replace(/:$/, '').toLowerCase()
  if (scheme === 'mysql' || scheme === 'mariadb') {
    return await openMysql({
      host: u.hostname.replace(/^\[|\]$/g, ''),
      ...(u.port !== '' ? { port: Number(u.port) } : {}),
      user: safeDecode(u.username),
      password,
      database: safeDecode(u.pathname.replace(/^\//, ''))
    }, options.timeoutMs, secrets)
  }
  if (scheme === 'postgres' || scheme === 'postgresql') return await openPostgres(url, options.timeoutMs, secrets)
  throw new HealthOptionsError('database', `URL has an unsupported scheme "${scheme}:" (${redact(safeUrl(url), secrets)}): use mysql://, mariadb://, postgres://, sqlite:PATH or a file path`)
}

function safeDecode (s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
