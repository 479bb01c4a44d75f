import { stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { DatabaseAdapter } from './adapter.js'
import { abortError } from './adapter.js'

interface Statement { get (): unknown, all (): unknown[] }
interface Database { prepare (sql: string): Statement, close (): void }
type DatabaseConstructor = new (path: string, options: { readonly: boolean, fileMustExist: boolean, timeout: number, nativeBinding?: string }) => Database

/**
 * The addon's path, so that better-sqlite3 need not search for it with `bindings` (a few ms of
 * every CLI probe). Where the build lives elsewhere, better-sqlite3 finds it itself.
 */
function nativeBinding (): { nativeBinding?: string } {
  try {
    return { nativeBinding: createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node') }
  } catch {
    return {}
  }
}

let driver: Promise<DatabaseConstructor> | undefined

/** better-sqlite3 is an optional dependency, loaded only when SQLite is used. */
async function loadDriver (): Promise<DatabaseConstructor> {
  // A variable specifier keeps the optional driver out of the type check and the bundle graph.
  const specifier = 'better-sqlite3'
  driver ??= import(specifier).then(
    (m: { default: unknown }) => m.default as DatabaseConstructor,
    (err: unknown) => {
      driver = undefined
      const detail = err instanceof Error ? err.message.split('\n')[0] : String(err)
      throw new Error(`SQLite support needs the optional dependency better-sqlite3 12: run \`npm install better-sqlite3@12\` (${detail})`)
    }
  )
  return await driver
}

/**
 * Bots' default database. Opened read-only and only if the file exists: a probe never creates
 * an empty database where Bots expects its own (the seed did).
 */
export function sqliteAdapter (path: string, options: { busyTimeoutMs?: number } = {}): DatabaseAdapter {
  let db: Database | undefined

  async function open (signal: AbortSignal): Promise<Database> {
    if (db !== undefined) return db
    try {
      const st = await stat(path)
      if (!st.isFile()) throw new Error(`SQLite database is not a file: ${path}`)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`SQLite database not found: ${path}`)
      throw err
    }
    const Driver = await loadDriver()
    if (signal.aborted) throw abortError(signal)
    // A busy timeout blocks the event loop while it waits, so keep it short.
    db = new Driver(path, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 100, ...nativeBinding() })
    return db
  }

  function run<T> (conn: Database, fn: (conn: Database) => T): T {
    try {
      return fn(conn)
    } catch (err) {
      // A file replaced or corrupted under us: reopen next time.
      if (db === conn) {
        db = undefined
        try { conn.close() } catch {}
      }
      throw err
    }
  }

  return {
    kind: 'sqlite',
    async ping (signal) {
      const conn = await open(signal)
      run(conn, (c) => c.prepare('SELECT 1').get())
    },
    async listTables (signal) {
      const conn = await open(signal)
      const rows = run(conn, (c) => c.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()) as { name: string }[]
      // SQLite compares identifiers case-insensitively.
      return { names: rows.map((r) => r.name), caseInsensitive: true }
    },
    async close () {
      const conn = db
      db = undefined
      conn?.close()
    }
  }
}
