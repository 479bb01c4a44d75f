import type { DatabaseAdapter, TableList } from './adapter.js'
import { abortError } from './adapter.js'
import { HealthOptionsError } from '../errors.js'
import { monotonicMs } from '../monotonic.js'

// Structural types of what we use of mysql2, so that either flavour of pool fits.
interface CoreConnection {
  query (options: { sql: string, values?: unknown[] }, cb: (err: Error | null, rows?: unknown) => void): unknown
  release (): void
  destroy (): void
}
interface CorePool {
  getConnection (cb: (err: Error | null, conn?: CoreConnection) => void): void
  end? (cb?: (err?: Error | null) => void): unknown
}
/** A mysql2 pool (callback or promise flavour) or the `fastify.mysql` decorator of @fastify/mysql. */
/** A mysql2 pool of either flavour, or the `fastify.mysql` decorator: what has `getConnection`. */
export interface MysqlPoolLike {
  getConnection (...args: never[]): unknown
}

/** Finds the callback pool behind a promise pool or the @fastify/mysql decorator. */
export function corePoolOf (value: unknown): CorePool | undefined {
  let p = value as { pool?: unknown, getConnection?: unknown } | null
  for (let i = 0; i < 3 && p !== null && typeof p === 'object'; i++) {
    const inner = p.pool as { getConnection?: unknown } | undefined
    if (inner !== undefined && inner !== null && inner !== p && typeof inner.getConnection === 'function') {
      p = inner
      continue
    }
    if (typeof p.getConnection === 'function' && !isPromiseFlavour(p)) return p as unknown as CorePool
    return undefined
  }
  return undefined
}

function isPromiseFlavour (p: object): boolean {
  return p.constructor?.name === 'PromisePool'
}

export function isMysqlPool (value: unknown): boolean {
  return corePoolOf(value) !== undefined
}

const TABLES_SQL = 'SELECT TABLE_NAME AS name, @@lower_case_table_names AS lctn FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()'
const PING_SQL = 'SELECT DATABASE() AS db, (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()) AS n'
const SCHEMA_SQL = 'SELECT DATABASE() AS db, @@lower_case_table_names AS lctn'

/** How old a connection of a pool this package owns may be before it logs in afresh. */
export const MAX_CONNECTION_AGE_MS = 5000

/**
 * The MySQL/MariaDB adapter on a mysql2 pool. A connection that arrives after the deadline is
 * released at once; a query still running at the deadline has its connection destroyed, so a
 * hung server cannot drain the pool probe by probe.
 */
export function mysqlAdapter (pool: MysqlPoolLike, options: { owned?: boolean, secrets?: readonly string[], maxConnectionAgeMs?: number } = {}): DatabaseAdapter {
  const core = corePoolOf(pool)
  if (core === undefined) throw new HealthOptionsError('pool', 'of mysqlAdapter must be a mysql2 pool (mysql.createPool(…), promise or callback flavour) or the fastify.mysql decorator')
  // A pooled connection keeps answering after the password changes: a pool this adapter owns
  // logs in afresh once its connection is older than this (Bots, through Django, logs in anew
  // for every request). A borrowed pool's connections are the app's, and are left alone.
  const maxAgeMs = options.owned === true ? options.maxConnectionAgeMs ?? MAX_CONNECTION_AGE_MS : Number.POSITIVE_INFINITY
  const born = new WeakMap<CoreConnection, number>()

  function connection (signal: AbortSignal, cb: (err: Error | null, conn?: CoreConnection) => void): void {
    core!.getConnection((err, conn) => {
      if (err || conn === undefined) return cb(err ?? new Error('no connection'))
      const now = monotonicMs()
      const at = born.get(conn)
      if (at === undefined) {
        born.set(conn, now)
      } else if (now - at > maxAgeMs && !signal.aborted) {
        conn.destroy()
        return connection(signal, cb)
      }
      cb(null, conn)
    })
  }

  function query (signal: AbortSignal, sql: string, values: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal))
      // A pending connect is not abandoned at the deadline: the attempt stays in flight (the
      // runner answers "previous attempt still pending" meanwhile) until mysql2's connectTimeout
      // ends it, so that a hung server costs one connect, not one per probe.
      connection(signal, (err, conn) => {
        if (err || conn === undefined) return reject(err ?? new Error('no connection'))
        if (signal.aborted) {
          conn.release()
          return reject(abortError(signal))
        }
        let settled = false
        // mysql2 does not call back a query whose connection is destroyed: once it is, the
        // connection is given back (gone), so the attempt settles here.
        const onAbort = (): void => {
          conn.destroy()
          settled = true
          reject(abortError(signal))
        }
        signal.addEventListener('abort', onAbort, { once: true })
        conn.query({ sql, values: [...values] }, (qerr, rows) => {
          signal.removeEventListener('abort', onAbort)
          if (settled) return
          if (qerr) {
            // A connection whose query failed may be in any state: do not hand it back.
            conn.destroy()
            return reject(signal.aborted ? abortError(signal) : qerr)
          }
          if (signal.aborted) {
            conn.destroy()
            return reject(abortError(signal))
          }
          conn.release()
          resolve(Array.isArray(rows) ? rows as Record<string, unknown>[] : [])
        })
      })
    })
  }

  const adapter: DatabaseAdapter = {
    kind: 'mysql',
    secrets: [...new Set([...passwordOf(core), ...(options.secrets ?? [])])],
    async ping (signal) {
      // More than a round trip: the database itself must still be there for this user (a
      // pooled connection answers `SELECT 1` after DROP DATABASE or a REVOKE; this does not).
      const [row] = await query(signal, PING_SQL)
      if (row?.db !== null && row?.db !== undefined && Number(row.n) === 0) {
        throw new Error(`database ${JSON.stringify(String(row.db))} is gone, or this user may no longer use it`)
      }
    },
    async listTables (signal): Promise<TableList> {
      const rows = await query(signal, TABLES_SQL)
      let lctn = rows[0]?.lctn
      if (rows.length === 0) {
        // No table at all, or no database selected: tell the two apart.
        const [info] = await query(signal, SCHEMA_SQL)
        if (info?.db === null || info?.db === undefined) throw new Error('no database selected: set the database in the connection options')
        lctn = info.lctn
      }
      return { names: rows.map((r) => String(r.name)), caseInsensitive: Number(lctn) !== 0 }
    },
    query: async (signal, sql, params) => await query(signal, sql, params)
  }
  if (options.owned === true) {
    adapter.close = () => new Promise<void>((resolve) => {
      if (typeof core.end !== 'function') return resolve()
      core.end(() => resolve())
    })
  }
  return adapter
}

/** The password a pool was configured with, so that no error can echo it. */
function passwordOf (core: CorePool): string[] {
  const password = (core as { config?: { connectionConfig?: { password?: unknown } } }).config?.connectionConfig?.password
  return typeof password === 'string' && password !== '' ? [password] : []
}
