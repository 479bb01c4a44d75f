import type { DatabaseAdapter } from './adapter.js'
import { abortError } from './adapter.js'

// Structural types of what we use of `pg`: a Pool whose clients run queries.
interface PgClient {
  query (sql: string): Promise<{ rows: Record<string, unknown>[] }>
  release (destroy?: boolean | Error): void
}
interface PgPool {
  connect (): Promise<PgClient>
  end? (): Promise<void>
}

export function isPgPool (value: unknown): boolean {
  const v = value as Partial<PgPool> & { idleCount?: unknown, totalCount?: unknown } | null
  return typeof v === 'object' && v !== null && typeof v.connect === 'function' && typeof v.idleCount === 'number' && typeof v.totalCount === 'number'
}

const TABLES_SQL = 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()'

/**
 * The PostgreSQL adapter on a `pg` Pool. A client that arrives after the deadline goes back to
 * the pool at once; a query still running at the deadline has its client destroyed.
 */
export function postgresAdapter (pool: object, options: { owned?: boolean } = {}): DatabaseAdapter {
  if (!isPgPool(pool)) throw new TypeError('not a pg Pool')
  const p = pool as PgPool

  async function query (signal: AbortSignal, sql: string): Promise<Record<string, unknown>[]> {
    if (signal.aborted) throw abortError(signal)
    const client = await p.connect()
    if (signal.aborted) {
      client.release()
      throw abortError(signal)
    }
    let destroyed = false
    const onAbort = (): void => {
      destroyed = true
      client.release(true)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const result = await query1(client, sql, signal)
      return result.rows
    } catch (err) {
      if (!destroyed) {
        destroyed = true
        client.release(true)
      }
      throw signal.aborted ? abortError(signal) : err
    } finally {
      signal.removeEventListener('abort', onAbort)
      if (!destroyed) client.release()
    }
  }

  // pg rejects a query of a destroyed client only once its socket closes; settle at the abort.
  function query1 (client: PgClient, sql: string, signal: AbortSignal): Promise<{ rows: Record<string, unknown>[] }> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(abortError(signal)), { once: true })
      client.query(sql).then(resolve, reject)
    })
  }

  const adapter: DatabaseAdapter = {
    kind: 'postgres',
    async ping (signal) {
      await query(signal, 'SELECT 1')
    },
    async listTables (signal) {
      const rows = await query(signal, TABLES_SQL)
      // Django creates lower-case names, and PostgreSQL folds unquoted names to lower case.
      return { names: rows.map((r) => String(r.name)), caseInsensitive: false }
    }
  }
  if (options.owned === true) adapter.close = async () => { await p.end?.() }
  return adapter
}
