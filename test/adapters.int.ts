// One contract, three databases: every adapter is run through the same cases against the real
// server (MariaDB, PostgreSQL) or file (SQLite), with the faults made real by a TCP proxy that
// stalls the server's answers, and by a second connection that holds SQLite's lock.
//   - a signal aborted before the call: it rejects at once and opens nothing;
//   - a connection that arrives after the abort is given back (released, or closed), not leaked;
//   - an abort while a query runs destroys that connection, and the call settles at the abort;
//   - after all of it the adapter still works, and closing it leaves nothing open.
import { readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { createPool } from 'mysql2'
import pg from 'pg'
import { mysqlAdapter, postgresAdapter, sqliteAdapter, type DatabaseAdapter } from '../lib/index.js'
import { resolveDatabase } from '../lib/db/resolve.js'
import { botsEnv } from './helpers/app.js'
import { makeSqliteDb, writableSqlite } from './helpers/cli.js'
import { BOTS_TABLES, createTestDatabase, mysqlUrlFor, type TestDatabase } from './helpers/mysql.js'
import { mysqlProxy, type MysqlProxy } from './helpers/net.js'
import { createTestPgDatabase, pgUrlFor, type TestPgDatabase } from './helpers/postgres.js'

let my: TestDatabase
let pgdb: TestPgDatabase
t.before(async () => {
  my = await createTestDatabase('adapters')
  pgdb = await createTestPgDatabase('adapters', BOTS_TABLES)
})
t.teardown(async () => {
  await my.drop()
  await pgdb.drop()
})

/** An adapter over a pool through a proxy, and what the test needs to see of the pool. */
interface Subject {
  adapter: DatabaseAdapter
  proxy: MysqlProxy
  /** A connection of its own per attempt (closed after it), not one from the pool. */
  perAttempt: boolean
  /** Connections the pool holds, and how many of them are idle. */
  held (): { total: number, idle: number }
}

const aborted = (): AbortSignal => AbortSignal.abort(new Error('deadline exceeded'))
/** A signal that aborts after `ms`. */
const abortAfter = (ms: number): AbortSignal => AbortSignal.timeout(ms)
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function until (t: Test, what: string, ok: () => boolean, withinMs = 5000): Promise<void> {
  const started = Date.now()
  while (!ok() && Date.now() - started < withinMs) await sleep(20)
  t.ok(ok(), what)
}

async function mysqlSubject (t: Test): Promise<Subject> {
  const proxy = await mysqlProxy(Number(new URL(my.url).port))
  t.teardown(() => proxy.close())
  const pool = createPool({ uri: mysqlUrlFor(my.name, proxy.port), connectionLimit: 2 })
  t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
  const internals = pool as unknown as { _allConnections: { length: number }, _freeConnections: { length: number } }
  return { adapter: mysqlAdapter(pool), proxy, perAttempt: false, held: () => ({ total: internals._allConnections.length, idle: internals._freeConnections.length }) }
}

async function postgresSubject (t: Test, o: { connectionTimeoutMillis?: number } = { connectionTimeoutMillis: 10_000 }): Promise<Subject> {
  const proxy = await mysqlProxy(Number(new URL(pgdb.url).port))
  t.teardown(() => proxy.close())
  const pool = new pg.Pool({ connectionString: pgUrlFor(pgdb.name, proxy.port), max: 2, ...o })
  pool.on('error', () => {})
  t.teardown(() => pool.end())
  return { adapter: postgresAdapter(pool), proxy, perAttempt: o.connectionTimeoutMillis === undefined, held: () => ({ total: pool.totalCount, idle: pool.idleCount }) }
}

const SUBJECTS: [string, (t: Test) => Promise<Subject>][] = [
  ['MySQL', mysqlSubject],
  ['PostgreSQL (a pool with a connect timeout)', (t) => postgresSubject(t)],
  ['PostgreSQL (a pool without one: a connection of its own per attempt)', (t) => postgresSubject(t, {})]
]

for (const [label, make] of SUBJECTS) {
  t.test(`${label}: a signal aborted before the call rejects at once and opens nothing`, async (t) => {
    const s = await make(t)
    await t.rejects(s.adapter.ping(aborted()), /deadline exceeded/)
    await t.rejects(s.adapter.listTables(aborted()), /deadline exceeded/)
    t.equal(s.proxy.accepted, 0, 'no connection was made')
  })

  t.test(`${label}: a connection that arrives after the abort is given back, not leaked`, async (t) => {
    const s = await make(t)
    s.proxy.delayMs = 400
    await t.rejects(s.adapter.ping(abortAfter(50)), /aborted|deadline|timeout/i, 'the call settles at the abort')
    s.proxy.delayMs = 0
    // Once the late connection is in, the pool holds it idle (or, per attempt, it is closed).
    if (s.perAttempt) {
      await until(t, 'the late connection, once it came, is closed', () => s.proxy.accepted === 1 && s.proxy.open === 0)
    } else {
      await until(t, 'the late connection is in the pool, idle', () => s.held().total === 1 && s.held().idle === 1)
    }
    await s.adapter.ping(new AbortController().signal)
    t.ok(s.proxy.accepted <= 2, `one connection for the late attempt, at most one more: ${s.proxy.accepted}`)
  })

  t.test(`${label}: an abort while the query runs destroys that connection, and the call settles at the abort`, async (t) => {
    const s = await make(t)
    await s.adapter.ping(new AbortController().signal)
    const before = s.proxy.accepted
    s.proxy.delayMs = 60_000
    const started = Date.now()
    await t.rejects(s.adapter.listTables(abortAfter(100)), /aborted|deadline|timeout/i)
    t.ok(Date.now() - started < 30_000, 'settled at the abort, long before the stalled answer')
    await until(t, 'the stalled connection is gone from the pool', () => s.held().total === s.held().idle)
    s.proxy.delayMs = 0
    await until(t, 'and its socket is closed', () => s.proxy.open <= s.held().total)
    const tables = await s.adapter.listTables(new AbortController().signal)
    t.same([...tables.names].sort(), [...BOTS_TABLES].sort(), 'the adapter works again, on a fresh connection')
    t.ok(s.proxy.accepted > before, 'which was opened anew')
  })
}

t.test('adapters the package opens itself (a URL, { mysql }) close their pool with the service', async (t) => {
  for (const [label, option] of [
    ['mysql://', my.url],
    ['{ mysql }', { mysql: { host: '127.0.0.1', port: Number(new URL(my.url).port), user: 'root', database: my.name } }],
    ['postgres://', pgdb.url]
  ] as const) {
    const adapter = await resolveDatabase(option, 500)
    await adapter.ping(new AbortController().signal)
    t.type(adapter.close, 'function', `${label}: owned, so closable`)
    await adapter.close?.()
  }
  const borrowed = createPool({ uri: my.url, connectionLimit: 1 })
  t.teardown(() => new Promise<void>((resolve) => borrowed.end(() => resolve())))
  t.equal((await resolveDatabase(borrowed, 500)).close, undefined, 'a pool of yours is borrowed: never closed by us')
})

/** The descriptors of this process open on `path`. */
function openOn (path: string): number {
  let n = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    try { if (readlinkSync(join('/proc/self/fd', fd)) === path) n++ } catch {}
  }
  return n
}

t.test('SQLite: the same contract on a file', async (t) => {
  const e = botsEnv(t)
  const path = makeSqliteDb(e.botssys)
  const adapter = sqliteAdapter(path)
  t.teardown(() => adapter.close?.())
  await t.rejects(adapter.ping(aborted()), /deadline exceeded/, 'aborted before the call: rejects')
  t.equal(openOn(path), 0, 'and opens nothing')

  // A second connection holds the write lock: reads wait, asynchronously, until the abort.
  const Db = writableSqlite()
  const locker = new Db(path)
  t.teardown(() => { try { locker.close() } catch {} })
  locker.exec('BEGIN EXCLUSIVE')
  let ticks = 0
  const ticker = setInterval(() => { ticks++ }, 10)
  await t.rejects(adapter.ping(abortAfter(150)), /database is locked \(SQLITE_BUSY\) until the deadline/, 'a locked file: the call settles at the abort')
  clearInterval(ticker)
  t.ok(ticks >= 3, `the event loop ran meanwhile (${ticks} ticks of 10 ms)`)
  locker.exec('COMMIT')
  locker.close()
  await adapter.ping(new AbortController().signal)
  t.equal(openOn(path), 1, 'after the lock is gone it works, on one handle')
  await adapter.close?.()
  t.equal(openOn(path), 0, 'and close() releases it')
})
