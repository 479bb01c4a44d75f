import type { DatabaseAdapter } from './adapter.js'
import { abortError } from './adapter.js'
import { urlSecrets } from '../redact.js'
import { HealthOptionsError } from '../errors.js'

// Structural types of what we use of `pg`: a Pool whose clients run queries.
interface PgClient {
  query (sql: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  release (destroy?: boolean | Error): void
  on (event: 'error', listener: (err: Error) => void): void
  removeListener (event: 'error', listener: (err: Error) => void): void
}
interface PgStandaloneClient {
  connect (): Promise<void>
  query (sql: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  end (): Promise<void>
  on (event: 'error', listener: (err: Error) => void): void
  connection?: { stream?: { destroy (): void } }
}
interface PgPool {
  connect (): Promise<PgClient>
  end? (): Promise<void>
  options?: Record<string, unknown> & { connectionTimeoutMillis?: number }
  Client?: new (options: object) => PgStandaloneClient
}

// A connection that fails while we hold it emits 'error'; with no listener that is an uncaught
// exception, and the app dies. This one only keeps it from being unhandled: the query's own
// rejection carries the reason.
const swallow = (): void => {}

/** A `pg` Pool, as far as the type of the `database` option goes. */
export interface PgPoolLike {
  connect (...args: never[]): unknown
  readonly totalCount: number
  readonly idleCount: number
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
export function postgresAdapter (pool: PgPoolLike | object, options: { owned?: boolean, secrets?: readonly string[] } = {}): DatabaseAdapter {
  if (!isPgPool(pool)) throw new HealthOptionsError('pool', 'of postgresAdapter must be a pg Pool (new pg.Pool(…))')
  const p = pool as PgPool

  // pg's default connectionTimeoutMillis is 0: a connect to a server that never answers waits
  // for ever, and holds a slot of the app's pool while it does. Without a connect timeout, probe
  // on a connection of our own per attempt instead, which the deadline destroys.
  const standalone = p.Client !== undefined && !(Number(p.options?.connectionTimeoutMillis) > 0)

  async function queryStandalone (signal: AbortSignal, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
    if (signal.aborted) throw abortError(signal)
    const Client = p.Client as NonNullable<PgPool['Client']>
    const client = new Client({ ...p.options })
    client.on('error', swallow)
    const onAbort = (): void => {
      client.connection?.stream?.destroy()
      client.end().catch(swallow)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      await settleOnAbort(client.connect(), signal)
      return (await settleOnAbort(client.query(sql, [...params]), signal)).rows
    } finally {
      signal.removeEventListener('abort', onAbort)
      if (!signal.aborted) client.end().catch(swallow)
    }
  }

  async function query (signal: AbortSignal, sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    if (standalone) return await queryStandalone(signal, sql, params)
    if (signal.aborted) throw abortError(signal)
    const client = await p.connect()
    if (signal.aborted) {
      client.release()
      throw abortError(signal)
    }
    client.on('error', swallow)
    let destroyed = false
    const onAbort = (): void => {
      destroyed = true
      client.release(true)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      // pg rejects a query of a destroyed client only once its socket closes; settle at the abort.
      const result = await settleOnAbort(client.query(sql, [...params]), signal)
      return result.rows
    } catch (err) {
      if (!destroyed) {
        destroyed = true
        client.release(true)
      }
      throw signal.aborted ? abortError(signal) : err
    } finally {
      signal.removeEventListener('abort', onAbort)
      // A destroyed client keeps the listener: its socket may still report an error.
      if (!destroyed) {
        client.removeListener('error', swallow)
        client.release()
      }
    }
  }

  const adapter: DatabaseAdapter = {
    kind: 'postgres',
    secrets: [...new Set([...passwordsOf(p.options), ...(options.secrets ?? [])])],
    async ping (signal) {
      await query(signal, 'SELECT 1')
    },
    async listTables (signal) {
      const rows = await query(signal, TABLES_SQL)
      // Django creates lower-case names, and PostgreSQL folds unquoted names to lower case.
      return { names: rows.map((r) => String(r.name)), caseInsensitive: false }
    },
    query: async (signal, sql, params) => await query(signal, sql, params)
  }
  if (options.owned === true) adapter.close = async () => { await p.end?.() }
  return adapter
}

/** `promise`, or a rejection as soon as `signal` aborts, whichever comes first. */
function settleOnAbort<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal))
    const onAbort = (): void => reject(abortError(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** The password a pool was configured with, given alone or in its connection string. */
function passwordsOf (options: PgPool['options']): string[] {
  const secrets = typeof options?.password === 'string' && options.password !== '' ? [options.password] : []
  if (typeof options?.connectionString === 'string') secrets.push(...urlSecrets(options.connectionString))
  return secrets
}
