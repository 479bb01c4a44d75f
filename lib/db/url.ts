import { isAbsolute, resolve } from 'node:path'
import type { DatabaseAdapter } from './adapter.js'
import { redact, safeUrl, urlSecrets } from '../redact.js'

export interface UrlAdapter {
  adapter: DatabaseAdapter
  /** The password in the URL, to be redacted from every output. */
  secrets: string[]
}

/** True for `sqlite:PATH` and for a plain file path. */
export function isSqliteUrl (url: string): boolean {
  return /^sqlite:/i.test(url) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)
}

export function sqlitePathOf (url: string, cwd = process.cwd()): string {
  let path = url.replace(/^sqlite:(\/\/(?=\/))?/i, '')
  if (path === '') throw new Error('sqlite: URL without a path: use sqlite:/path/to/botsdb')
  try {
    path = decodeURIComponent(path)
  } catch {
    throw new Error(`sqlite: the path ${JSON.stringify(path)} has a "%" that starts no escape: write it as %25`)
  }
  return isAbsolute(path) ? path : resolve(cwd, path)
}

/**
 * An adapter for a database URL: `mysql://` or `mariadb://` (mysql2), `sqlite:PATH` or a file
 * path. Drivers load only here, so a probe pays only for the one it uses.
 */
export async function adapterFromUrl (url: string, options: { timeoutMs: number, cwd?: string }): Promise<UrlAdapter> {
  if (isSqliteUrl(url)) {
    const { sqliteAdapter } = await import('./sqlite.js')
    return { adapter: sqliteAdapter(sqlitePathOf(url, options.cwd)), secrets: [] }
  }
  // The password, as written and decoded, even where the URL is malformed: no error may echo it.
  const secrets = urlSecrets(url)
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new Error(`database URL is not a valid URL (percent-encode a password that holds / @ # ? % or a space): ${redact(safeUrl(url), secrets)}`)
  }
  let password = u.password
  try { password = decodeURIComponent(u.password) } catch {}
  for (const s of [password, u.password]) if (s !== '' && !secrets.includes(s)) secrets.push(s)
  const scheme = u.protocol.replace(/:$/, '').toLowerCase()
  if (scheme === 'mysql' || scheme === 'mariadb') {
    const { createPool } = await import('mysql2').catch((err: unknown) => {
      throw new Error(`MySQL support needs the optional dependency mysql2: run \`npm install mysql2\` (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`)
    })
    const pool = createPool({
      host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: u.port !== '' ? Number(u.port) : 3306,
      user: safeDecode(u.username) || undefined,
      password: password || undefined,
      database: safeDecode(u.pathname.replace(/^\//, '')) || undefined,
      connectionLimit: 2,
      maxIdle: 1,
      // A connect that hangs is abandoned at the deadline and settles at connectTimeout.
      connectTimeout: Math.max(1000, options.timeoutMs * 2)
    })
    const { mysqlAdapter } = await import('./mysql.js')
    return { adapter: mysqlAdapter(pool, { owned: true }), secrets }
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const pg = await import('pg').catch((err: unknown) => {
      throw new Error(`PostgreSQL support needs the optional dependency pg: run \`npm install pg\` (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`)
    }) as unknown as { default: { Pool: new (o: object) => object } }
    const pool = new pg.default.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: Math.max(1000, options.timeoutMs * 2) })
    // an idle client's socket error must not crash the process
    ;(pool as { on (e: string, f: () => void): void }).on('error', () => {})
    const { postgresAdapter } = await import('./postgres.js')
    return { adapter: postgresAdapter(pool, { owned: true }), secrets }
  }
  throw new Error(`unsupported database URL scheme "${scheme}:" in ${safeUrl(url)}: use mysql://, mariadb://, postgres://, sqlite:PATH or a file path`)
}

function safeDecode (s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
