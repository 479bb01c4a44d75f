// npm run bench:queries (node --import tsx, for Bots' DDL from the tests' helper) — what the checks that read Bots' tables cost on a `ta` of a million rows
// (Bots' own DDL: no index on statust or ts) and a `report` of 100,000, on MariaDB, PostgreSQL and
// SQLite. Each check's query runs through its adapter, as a probe runs it, taking turns with a
// full scan of the same condition (what a query without the primary-key window would do), so that
// the ratio is taken side by side. The plans each database chose are printed beside.
//
// Needs MariaDB (BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306/test) and PostgreSQL
// (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres); a server that does not
// answer is left out, and said so. `--rows N` changes the size of ta (default 1,000,000).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPool } from 'mysql2/promise'
import pg from 'pg'
import { engineLockCheck } from '../dist/bots/engine-lock.js'
import { engineRunsCheck } from '../dist/bots/engine-runs.js'
import { stuckTransactionsCheck } from '../dist/bots/transactions.js'
import { mysqlAdapter } from '../dist/db/mysql.js'
import { postgresAdapter } from '../dist/db/postgres.js'
import { sqliteAdapter } from '../dist/db/sqlite.js'
import { fmt, median, table } from './lib.mjs'
import { MUTEX_DDL, REPORT_DDL, TA_DDL } from '../test/helpers/bots-ddl.ts'

const at = process.argv.indexOf('--rows')
const ROWS = at > 0 ? Number(process.argv[at + 1]) : 1_000_000
const REPORTS = Math.min(100_000, ROWS)
const RUNS = 15
const SCANNED = 100_000
const mysqlUrl = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
const pgUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const name = `bh_queries_${process.pid}`

// The stuck rows: 40 OPEN or OK among a million DONE, spread over the last day and the month.
const STUCK_EVERY = Math.floor(ROWS / 40)

/** Runs each case in turn, RUNS rounds, and the medians. */
async function sideBySide (cases) {
  const times = cases.map(() => [])
  for (let r = 0; r < RUNS; r++) {
    for (const [i, c] of cases.entries()) {
      const t0 = performance.now()
      await c.run()
      times[i].push(performance.now() - t0)
    }
  }
  return times.map((ms) => median(ms))
}

const signal = () => AbortSignal.timeout(60_000)

async function databases () {
  const found = []
  try {
    const server = createPool({ uri: mysqlUrl, connectionLimit: 1, connectTimeout: 3000 })
    await server.query(`CREATE DATABASE \`${name}\``)
    await server.end()
    const u = new URL(mysqlUrl)
    u.pathname = `/${name}`
    const pool = createPool({ uri: u.toString(), connectionLimit: 2 })
    for (const sql of [MUTEX_DDL.mysql, ...REPORT_DDL.mysql, ...TA_DDL.mysql]) await pool.query(sql)
    await pool.query(`INSERT INTO ta (statust, status, idroute, ts) SELECT IF(seq % ${STUCK_EVERY} = 0, IF(seq % 2 = 0, 0, 2), 3), 200, 'r1', NOW() - INTERVAL (${ROWS} - seq) * 3 SECOND FROM seq_1_to_${ROWS}`)
    await pool.query(`INSERT INTO report (idta, lastreceived, lastdone, lastopen, lastok, lasterror, send, processerrors, ts, type, status) SELECT seq, 1, 1, 0, 0, 0, 0, 0, NOW() - INTERVAL (${REPORTS} - seq) * 30 SECOND, 'new', 1 FROM seq_1_to_${REPORTS}`)
    await pool.query('ANALYZE TABLE ta, report')
    found.push({
      label: 'MariaDB',
      db: mysqlAdapter(pool),
      explain: async (sql, params) => (await pool.query(`EXPLAIN ${sql}`, params))[0].map((r) => `${r.table}: ${r.type} on ${r.key ?? 'no index'}, ${r.rows} rows`).join('; '),
      fullScan: async (seconds) => await pool.query('SELECT COUNT(*) AS n FROM ta WHERE statust IN (0, 2) AND TIMESTAMPDIFF(SECOND, ts, CURRENT_TIMESTAMP) > ?', [seconds]),
      async drop () { await pool.query(`DROP DATABASE \`${name}\``); await pool.end() }
    })
  } catch (err) {
    console.log(`MariaDB left out: ${err.code ?? err.message}`)
  }
  try {
    const admin = new pg.Client({ connectionString: pgUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const u = new URL(pgUrl)
    u.pathname = `/${name}`
    const pool = new pg.Pool({ connectionString: u.toString(), max: 2, connectionTimeoutMillis: 2000 })
    for (const sql of [MUTEX_DDL.postgres, ...REPORT_DDL.postgres, ...TA_DDL.postgres]) await pool.query(sql)
    await pool.query(`INSERT INTO ta (statust, status, idroute, ts) SELECT CASE WHEN g % ${STUCK_EVERY} = 0 THEN (CASE WHEN g % 2 = 0 THEN 0 ELSE 2 END) ELSE 3 END, 200, 'r1', LOCALTIMESTAMP - make_interval(secs => (${ROWS} - g) * 3) FROM generate_series(1, ${ROWS}) g`)
    await pool.query(`INSERT INTO report (idta, lastreceived, lastdone, lastopen, lastok, lasterror, send, processerrors, ts, type, status) SELECT g, 1, 1, 0, 0, 0, 0, 0, CURRENT_TIMESTAMP - make_interval(secs => (${REPORTS} - g) * 30), 'new', true FROM generate_series(1, ${REPORTS}) g`)
    await pool.query('VACUUM ANALYZE ta')
    await pool.query('VACUUM ANALYZE report')
    found.push({
      label: 'PostgreSQL',
      db: postgresAdapter(pool),
      explain: async (sql, params) => (await pool.query(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN'].trim()).filter((l) => /Scan|->/.test(l)).join('; '),
      fullScan: async (seconds) => await pool.query('SELECT COUNT(*) AS n FROM ta WHERE statust IN (0, 2) AND EXTRACT(EPOCH FROM (LOCALTIMESTAMP - ts)) > $1', [seconds]),
      async drop () {
        await pool.end()
        const a = new pg.Client({ connectionString: pgUrl })
        await a.connect()
        await a.query(`DROP DATABASE ${name}`)
        await a.end()
      }
    })
  } catch (err) {
    console.log(`PostgreSQL left out: ${err.code ?? err.message}`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'bh-queries-'))
  const path = join(dir, 'botsdb')
  const { default: Database } = await import('better-sqlite3')
  const raw = new Database(path)
  raw.exec([MUTEX_DDL.sqlite, ...REPORT_DDL.sqlite, ...TA_DDL.sqlite].join(';\n'))
  raw.exec(`WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${ROWS}) INSERT INTO ta (statust, status, idroute, ts) SELECT CASE WHEN g % ${STUCK_EVERY} = 0 THEN (CASE WHEN g % 2 = 0 THEN 0 ELSE 2 END) ELSE 3 END, 200, 'r1', datetime('now', 'localtime', '-' || ((${ROWS} - g) * 3) || ' seconds') FROM s`)
  raw.exec(`WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${REPORTS}) INSERT INTO report (idta, lastreceived, lastdone, lastopen, lastok, lasterror, send, processerrors, ts, type, status) SELECT g, 1, 1, 0, 0, 0, 0, 0, strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime', '-' || ((${REPORTS} - g) * 30) || ' seconds'), 'new', 1 FROM s`)
  raw.exec('ANALYZE')
  found.push({
    label: 'SQLite',
    db: sqliteAdapter(path),
    explain: async (sql, params) => raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((r) => r.detail).join('; '),
    fullScan: async (seconds) => raw.prepare("SELECT COUNT(*) AS n FROM ta WHERE statust IN (0, 2) AND (julianday('now', 'localtime') - julianday(ts)) * 86400 > ?").get(seconds),
    async drop () { raw.close(); rmSync(dir, { recursive: true, force: true }) }
  })
  return found
}

console.log(`ta: ${ROWS} rows (Bots' DDL), report: ${REPORTS}; ${RUNS} runs of each, taking turns; medians.\n`)
const rows = []
const plans = []
for (const d of await databases()) {
  try {
    const tx = stuckTransactionsCheck(d.db, { olderThanMs: 2 * 3_600_000, scanned: SCANNED })
    const runs = engineRunsCheck(d.db, { everyMs: 15 * 60_000 })
    const lock = engineLockCheck(d.db, { maxRuntimeMinutes: 60 })
    const outcome = await tx.run(signal())
    const [txMs, fullMs, runsMs, lockMs] = await sideBySide([
      { run: () => tx.run(signal()) },
      { run: () => d.fullScan(7200) },
      { run: () => runs.run(signal()) },
      { run: () => lock.run(signal()) }
    ])
    rows.push([d.label, fmt(txMs), fmt(fullMs), fmt(fullMs / txMs, 1), fmt(runsMs), fmt(lockMs), outcome?.warn?.split(':')[0] ?? 'pass'])
    const from = ROWS - SCANNED
    const q = d.label === 'PostgreSQL' ? 'SELECT COUNT(*) FROM ta WHERE idta > $1 AND statust IN (0, 2)' : 'SELECT COUNT(*) FROM ta WHERE idta > ? AND statust IN (0, 2)'
    plans.push(`- ${d.label}: transactions: ${await d.explain(q, [from])}; engine_runs: ${await d.explain('SELECT ts FROM report ORDER BY idta DESC LIMIT 1', [])}`)
  } finally {
    await d.drop()
  }
}
console.log(table(['database', 'transactions ms', 'full scan ms', '× cheaper', 'engine_runs ms', 'engine_lock ms', 'transactions says'], rows))
console.log('\nPlans:\n' + plans.join('\n'))
