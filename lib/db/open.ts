import type { DatabaseAdapter } from './adapter.js'
import { MAX_CONNECTION_AGE_MS } from './mysql.js'

// The pools this package opens itself (from a URL or connection options) and so owns: small,
// with a connect timeout tied to the deadline. Drivers are imported only here, on first use.

/** MySQL/MariaDB connection options (`DB_*`, or a URL taken apart). */
export interface MysqlConnection {
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
}

/** A connect that hangs is abandoned at the deadline and settles at this timeout. */
const connectTimeoutOf = (timeoutMs: number): number => Math.max(1000, timeoutMs * 2)

const missing = (what: string, pkg: string) => (err: unknown): never => {
  throw new Error(`${what} support needs the optional dependency ${pkg}: run \`npm install ${pkg}\` (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`)
}

export async function openMysql (c: MysqlConnection, timeoutMs: number, secrets: readonly string[] = []): Promise<DatabaseAdapter> {
  const { createPool } = await import('mysql2').catch(missing('MySQL', 'mysql2'))
  const pool = createPool({
    host: c.host || '127.0.0.1',
    port: c.port ?? 3306,
    user: c.user || undefined,
    password: c.password || undefined,
    database: c.database || undefined,
    connectionLimit: 2,
    // as many idle as open: with fewer, mysql2 wakes every second to close the extra ones
    maxIdle: 2,
    connectTimeout: connectTimeoutOf(timeoutMs)
  })
  const { mysqlAdapter } = await import('./mysql.js')
  return mysqlAdapter(pool, { owned: true, secrets })
}

export async function openPostgres (connectionString: string, timeoutMs: number, secrets: readonly string[] = []): Promise<DatabaseAdapter> {
  const pg = await import('pg').catch(missing('PostgreSQL', 'pg')) as unknown as { default: { Pool: new (o: object) => object } }
  const pool = new pg.default.Pool({ connectionString, max: 2, connectionTimeoutMillis: connectTimeoutOf(timeoutMs), maxLifetimeSeconds: MAX_CONNECTION_AGE_MS / 1000 })
  // an idle client's socket error must not crash the process
  ;(pool as { on (e: string, f: () => void): void }).on('error', () => {})
  const { postgresAdapter } = await import('./postgres.js')
  return postgresAdapter(pool, { owned: true, secrets })
}
