// Bots' transactions (table ta, its own DDL on each database), left OPEN or OK the way a run that
// was killed leaves them, written in Bots' time zone and probed from one 22 hours away.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createBotsHealth } from '../lib/bots/compose.js'
import { wallTimeIn } from '../lib/bots/tables.js'
import { stuckTransactionsCheck } from '../lib/bots/transactions.js'
import { sqliteAdapter } from '../lib/db/sqlite.js'
import { botsEnv, healthApp } from './helpers/app.js'
import { TA_DDL } from './helpers/bots-ddl.js'
import { makeSqliteDb, spawnCli } from './helpers/cli.js'
import { createTestDatabase } from './helpers/mysql.js'
import { createTestPgDatabase } from './helpers/postgres.js'
import { serve } from './helpers/serve.js'

const BOTS_ZONE = 'Pacific/Auckland'
const PROBE_ZONE = 'Pacific/Honolulu'
const OPEN = 0
const ERROR = 1
const OK = 2
const DONE = 3

function env (t: Parameters<typeof botsEnv>[0]) {
  const e = botsEnv(t)
  writeFileSync(join(e.configDir, 'settings.py'), `TIME_ZONE = '${BOTS_ZONE}'\nUSE_TZ = False\n`)
  return e
}

interface Db {
  url: string
  /** The engine writes a transaction with this statust, `ageMinutes` ago (its default time, moved back). */
  add (statust: number, ageMinutes: number): Promise<void>
}

const databases: [string, (t: Parameters<typeof botsEnv>[0], botssys: string) => Promise<Db>][] = [
  ['MariaDB', async (t) => {
    const db = await createTestDatabase('ta', ['channel', 'routes', 'mutex'])
    t.teardown(() => db.drop())
    for (const sql of TA_DDL.mysql) await db.admin.query(sql)
    return {
      url: db.url,
      async add (statust, age) {
        const conn = await db.admin.getConnection()
        try {
          await conn.query("SET time_zone = '+13:00'")
          const [r] = await conn.query('INSERT INTO ta (statust, status, idroute) VALUES (?, 200, \'r1\')', [statust]) as unknown as [{ insertId: number }]
          await conn.query('UPDATE ta SET ts = ? WHERE idta = ?', [wallTimeIn('Etc/GMT-13', Date.now() - age * 60_000), r.insertId])
        } finally {
          conn.release()
        }
      }
    }
  }],
  ['PostgreSQL', async (t) => {
    const db = await createTestPgDatabase('ta', ['channel', 'routes', 'mutex'])
    t.teardown(() => db.drop())
    for (const sql of TA_DDL.postgres) await db.admin.query(sql)
    return {
      url: db.url,
      async add (statust, age) {
        const client = await db.admin.connect()
        try {
          await client.query(`SET TIME ZONE '${BOTS_ZONE}'`)
          const { rows } = await client.query<{ idta: number }>('INSERT INTO ta (statust, status, idroute) VALUES ($1, 200, \'r1\') RETURNING idta', [statust])
          await client.query(`UPDATE ta SET ts = ts - interval '${age} minutes' WHERE idta = $1`, [rows[0]?.idta])
        } finally {
          client.release()
        }
      }
    }
  }],
  ['SQLite', async (_t, botssys) => {
    const path = makeSqliteDb(botssys, ['channel', 'routes', 'mutex'])
    const engine = (sql: string): void => { execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()', path, sql], { env: { PATH: process.env.PATH ?? '', TZ: BOTS_ZONE } }) }
    engine(TA_DDL.sqlite.join(';\n') + ';')
    return {
      url: `sqlite:${path}`,
      async add (statust, age) { engine(`INSERT INTO ta (statust, status, idroute) VALUES (${statust}, 200, 'r1'); UPDATE ta SET ts = datetime(ts, '-${age} minutes') WHERE idta = last_insert_rowid();`) }
    }
  }]
]

for (const [label, make] of databases) {
  t.test(`${label}: transactions passes on finished and young ones, warns (200, exit 0) on OPEN and OK ones older than the limit`, async (t) => {
    const e = env(t)
    const db = await make(t, e.botssys)
    const health = await createBotsHealth({ database: db.url, configDir: e.configDir, stuckTransactions: '2h', timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
    t.teardown(() => health.close())
    const empty = await health.ready()
    t.match(empty, { status: 'ready', details: { transactions: { status: 'pass' } } }, 'an empty ta')
    t.notOk('warnings' in empty)
    await db.add(DONE, 600)
    await db.add(ERROR, 500)
    await db.add(OPEN, 30)
    await db.add(OK, 90)
    t.match(await health.ready(), { status: 'ready', details: { transactions: { status: 'pass' } } }, 'old DONE and ERROR rows, a run in progress')
    await db.add(OPEN, 200)
    await db.add(OK, 300)
    await db.add(OK, 130)
    const stuck = await health.ready()
    t.match(stuck, { status: 'ready', checks: { transactions: true }, details: { transactions: { status: 'warn' } } })
    t.match(stuck.warnings, [/^3 transactions older than 120 min left unfinished: 1 OPEN \(a severe error in a run\), 2 OK never picked up \(stuck\); the oldest for (299|30\d) min \(of the newest 100000 transactions\)$/])
    const cli = await spawnCli(['--timeout', '5000', '--check', 'ready', '--stuck-transactions', '2h', '--config-dir', e.configDir, '--database-url', db.url, '--json'], { env: { TZ: PROBE_ZONE } })
    t.equal(cli.code, 0, `a warning exits 0: ${cli.stderr}`)
    t.match(JSON.parse(cli.stdout), { status: 'ready', warnings: [/^3 transactions older than 120 min/] })
    const longer = await spawnCli(['--timeout', '5000', '--check', 'ready', '--stuck-transactions', '6h', '--config-dir', e.configDir, '--database-url', db.url, '--json'], { env: { TZ: PROBE_ZONE } })
    t.notOk('warnings' in JSON.parse(longer.stdout), 'none is older than 6 h')
  })
}

t.test('transactions reads only the newest rows by the primary key; a missing ta fails, naming it', async (t) => {
  const e = env(t)
  const path = makeSqliteDb(e.botssys, ['channel', 'routes', 'mutex'])
  const engine = (sql: string): void => { execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()', path, sql], { env: { PATH: process.env.PATH ?? '', TZ: BOTS_ZONE } }) }
  const db = sqliteAdapter(path)
  t.teardown(() => db.close?.())
  const health = await createBotsHealth({ database: { sqlite: path }, configDir: e.configDir, stuckTransactions: '1h', timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  t.teardown(() => health.close())
  t.match((await health.ready()).errors, [/^transactions: cannot read Bots' transactions \(table ta\): .*no such table: ta/])
  engine(TA_DDL.sqlite.join(';\n') + `; INSERT INTO ta (statust) VALUES (${OPEN}); UPDATE ta SET ts = datetime(ts, '-300 minutes');` + `INSERT INTO ta (statust) VALUES (${DONE});`.repeat(5))
  const run = async (scanned: number): Promise<unknown> => await stuckTransactionsCheck(db, { olderThanMs: 3_600_000, scanned, timeZone: BOTS_ZONE }).run(AbortSignal.timeout(5000))
  t.match(await run(6), { warn: /^1 transaction older than 60 min left unfinished: 1 OPEN/, measures: { bots_transactions_stuck: 1 } }, 'within the newest 6')
  t.same(await run(5), { measures: { bots_transactions_stuck: 0 } }, 'the newest 5 are all DONE: the old row is not read')
  const plan = db.query !== undefined ? await db.query(AbortSignal.timeout(5000), 'EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ta WHERE idta > ? AND statust IN (0, 2)', [1]) : []
  t.match(JSON.stringify(plan), /SEARCH ta USING INTEGER PRIMARY KEY \(rowid>\?\)/, 'a range of the rowid')
})

t.test('transactions through the plugin and serve: 200 with the warning', async (t) => {
  const e = env(t)
  const db = await (databases[1] as (typeof databases)[number])[1](t, e.botssys)
  await db.add(OK, 400)
  const app = await healthApp(t, { timeoutMs: 5000, database: db.url, configDir: e.configDir, stuckTransactions: '2h' })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready', warnings: [/^1 transaction older than 120 min left unfinished: 1 OK never picked up/] })
  t.match((await app.inject({ url: '/health/ready', headers: { accept: 'application/health+json' } })).json(), { status: 'warn' })
  const served = await serve(t, ['--timeout', '5000', '--stuck-transactions', '2h', '--config-dir', e.configDir, '--database-url', db.url])
  const res = await fetch(`${served.base}/ready`)
  t.equal(res.status, 200)
  t.match(await res.json(), { status: 'ready', warnings: [/^1 transaction older than 120 min/] })
})
