import { type DatabaseAdapter, isDatabaseAdapter } from './adapter.js'
import { isMysqlPool, mysqlAdapter, type MysqlPoolLike } from './mysql.js'
import type { MysqlConnection } from './open.js'
import { isPgPool, type PgPoolLike, postgresAdapter } from './postgres.js'
import { HealthOptionsError } from '../errors.js'

/**
 * The database to check: an adapter of your own, a mysql2 pool (either flavour) or the
 * `fastify.mysql` decorator, a `pg` Pool, `{ sqlite: path }`, `{ mysql: { host, port, user,
 * password, database } }`, or a URL (`mysql://`, `mariadb://`, `postgres://`, `sqlite:PATH`) as a
 * string or `{ url }`.
 */
export type DatabaseOption = DatabaseAdapter | MysqlPoolLike | PgPoolLike | { sqlite: string } | { mysql: MysqlConnection } | { url: string } | string

const has = <K extends string>(value: unknown, key: K, type: 'string' | 'object'): value is Record<K, unknown> => {
  if (typeof value !== 'object' || value === null) return false
  const v = (value as Record<string, unknown>)[key]
  return type === 'string' ? typeof v === 'string' : typeof v === 'object' && v !== null
}

/**
 * Turns the `database` option into an adapter, which carries the passwords it connects with.
 * URLs, `{ sqlite }` and `{ mysql }` open a pool that the adapter owns and closes; a pool of
 * yours is borrowed and never closed.
 */
export async function resolveDatabase (database: unknown, timeoutMs: number): Promise<DatabaseAdapter> {
  if (isDatabaseAdapter(database)) return database
  if (database === '' || (has(database, 'url', 'string') && database.url === '')) {
    throw new HealthOptionsError('database', 'is an empty URL: give mysql://, mariadb://, postgres://, sqlite:PATH, a pool or an adapter')
  }
  if (typeof database === 'string' || has(database, 'url', 'string')) {
    const { adapterFromUrl } = await import('./url.js')
    return await adapterFromUrl(typeof database === 'string' ? database : database.url as string, { timeoutMs })
  }
  if (has(database, 'sqlite', 'string')) {
    const { sqliteAdapter } = await import('./sqlite.js')
    return sqliteAdapter(database.sqlite as string)
  }
  if (has(database, 'mysql', 'object') && !isMysqlPool(database.mysql)) {
    const c = database.mysql as MysqlConnection
    const { openMysql } = await import('./open.js')
    return await openMysql(c, timeoutMs, typeof c.password === 'string' && c.password !== '' ? [c.password] : [])
  }
  if (isPgPool(database)) return postgresAdapter(database as object)
  if (isMysqlPool(database)) return mysqlAdapter(database as MysqlPoolLike)
  throw new HealthOptionsError('database', 'must be a mysql2 pool, the fastify.mysql decorator, a pg Pool, { sqlite: path }, { mysql: { host, user, password, database } }, a database URL (mysql://, mariadb://, postgres://, sqlite:PATH) or an adapter with ping() and listTables()')
}
