import { stat } from '../fs-calls.js'
import { createRequire } from 'node:module'
import type { DatabaseAdapter } from './adapter.js'
import { abortError } from './adapter.js'
import { gatedFs, notAnswered } from '../fs-gate.js'

interface Statement { get (): unknown, all (...params: unknown[]): unknown[] }
interface Database { prepare (sql: string): Statement, close (): void }
/** Opens a database read-only, failing when the file is not there. */
type Opener = (path: string, busyTimeoutMs: number) => Database

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

/**
 * Node's own SQLite (`node:sqlite`, no flag from Node 22.13 and 24 on): no native addon to build.
 * Node 22 warns that it is experimental on first load; that one warning is not ours to print.
 */
function builtinOpener (): Opener | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule
  if (typeof getBuiltin !== 'function') return undefined
  const emitWarning = process.emitWarning
  let mod: { DatabaseSync?: new (path: string, o: object) => Database } | undefined
  try {
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      if (String(warning).includes('SQLite is an experimental feature')) return
      ;(emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest)
    }) as typeof process.emitWarning
    mod = getBuiltin.call(process, 'node:sqlite') as typeof mod
  } catch {
    mod = undefined // Node 22.5-22.12 without --experimental-sqlite
  } finally {
    process.emitWarning = emitWarning
  }
  const DatabaseSync = mod?.DatabaseSync
  if (typeof DatabaseSync !== 'function') return undefined
  return (path, busyTimeoutMs) => new DatabaseSync(path, { readOnly: true, timeout: busyTimeoutMs })
}

let driver: Promise<Opener> | undefined

/** node:sqlite where Node has it, else better-sqlite3 (an optional peer), loaded only when SQLite is used. */
async function loadDriver (): Promise<Opener> {
  const builtin = builtinOpener()
  if (builtin !== undefined) return builtin
  // A variable specifier keeps the optional driver out of the type check and the bundle graph.
  const specifier = 'better-sqlite3'
  driver ??= import(specifier).then(
    (m: { default: unknown }) => {
      const Driver = m.default as new (path: string, o: object) => Database
      return (path: string, busyTimeoutMs: number) => new Driver(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs, ...nativeBinding() })
    },
    (err: unknown) => {
      driver = undefined
      const detail = err instanceof Error ? err.message.split('\n')[0] : String(err)
      throw new Error(`SQLite needs Node 22.13 or later (node:sqlite), or better-sqlite3 12 on Node ${process.versions.node}: run \`npm install better-sqlite3@12\` (${detail})`)
    }
  )
  return await driver
}

/**
 * Why SQLite cannot be used here (no node:sqlite and no better-sqlite3), or undefined when it can:
 * said when the service is built, as a missing mysql2 or pg is, not at the first probe.
 */
export async function sqliteDriverProblem (): Promise<string | undefined> {
  try {
    await loadDriver()
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

/** SQLITE_BUSY, as either driver reports it: another process holds a lock. */
function isBusy (err: unknown): boolean {
  const e = err as { code?: unknown, errcode?: unknown, message?: unknown }
  return e.code === 'SQLITE_BUSY' || e.errcode === 5 || /database is locked/i.test(String(e.message))
}

/** How long to wait between two tries while the file is locked. */
const BUSY_RETRY_MS = 20

/**
 * Bots' default database. Opened read-only and only if the file exists: a probe never creates
 * an empty database where Bots expects its own (the seed did).
 * - Every probe reads the file (the schema, on page 1), so a file corrupted in place fails; and
 *   the path is checked first, so a file deleted or replaced under the open connection fails or
 *   is reopened, instead of the old inode answering for it.
 * - The drivers wait for a lock synchronously, blocking the event loop; so the busy timeout is 0
 *   and a locked file is tried again every 20 ms, asynchronously, until the deadline.
 */
export function sqliteAdapter (path: string, options: { busyTimeoutMs?: number } = {}): DatabaseAdapter {
  let db: Database | undefined
  let opened: { dev: number, ino: number } | undefined

  function drop (): void {
    const conn = db
    db = undefined
    opened = undefined
    try { conn?.close() } catch {}
  }

  async function open (signal: AbortSignal): Promise<Database> {
    let st
    try {
      st = await gatedFs(path, signal, () => stat(path))
    } catch (err) {
      if (notAnswered(err, signal)) throw err
      drop()
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`SQLite database not found: ${path}`)
      throw err
    }
    if (!st.isFile()) {
      drop()
      throw new Error(`SQLite database is not a file: ${path}`)
    }
    if (db !== undefined && opened !== undefined && (opened.dev !== st.dev || opened.ino !== st.ino)) drop()
    if (db !== undefined) return db
    const openDb = await loadDriver()
    if (signal.aborted) throw abortError(signal)
    db = openDb(path, options.busyTimeoutMs ?? 0)
    opened = { dev: st.dev, ino: st.ino }
    return db
  }

  async function read<T> (signal: AbortSignal, fn: (conn: Database) => T): Promise<T> {
    for (;;) {
      const conn = await open(signal)
      try {
        return fn(conn)
      } catch (err) {
        if (!isBusy(err)) {
          // corrupted, or not a database: open afresh next time
          if (db === conn) drop()
          throw err
        }
      }
      await new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(new Error('database is locked (SQLITE_BUSY) until the deadline'))
        const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve() }, BUSY_RETRY_MS)
        const onAbort = (): void => { clearTimeout(timer); reject(new Error('database is locked (SQLITE_BUSY) until the deadline')) }
        signal.addEventListener('abort', onAbort, { once: true })
      })
    }
  }

  return {
    kind: 'sqlite',
    async ping (signal) {
      await read(signal, (c) => c.prepare('SELECT count(*) FROM sqlite_master').get())
    },
    async listTables (signal) {
      const rows = await read(signal, (c) => c.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()) as { name: string }[]
      // SQLite compares identifiers case-insensitively.
      return { names: rows.map((r) => r.name), caseInsensitive: true }
    },
    async query (signal, sql, params = []) {
      return await read(signal, (c) => c.prepare(sql).all(...params)) as Record<string, unknown>[]
    },
    async close () {
      drop()
    }
  }
}
