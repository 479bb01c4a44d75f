// Engine runs as Bots records them: Django's `report` table on each database, rows written in
// Bots' time zone the way Django writes them (USE_TZ = False: naive local times), probed from a
// time zone 22 hours away.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createBotsHealth } from '../lib/bots/compose.js'
import { utcOffsetSeconds, wallTimeIn } from '../lib/bots/tables.js'
import { botsEnv, healthApp } from './helpers/app.js'
import { REPORT_DDL, REPORT_INSERT } from './helpers/bots-ddl.js'
import { makeSqliteDb, runCli, spawnCli } from './helpers/cli.js'
import { createTestDatabase } from './helpers/mysql.js'
import { createTestPgDatabase } from './helpers/postgres.js'
import { serve } from './helpers/serve.js'

const BOTS_ZONE = 'Pacific/Auckland'

interface Db {
  url: string
  /** The engine records a run that ended `ageMinutes` ago, with these counts. */
  run (idta: number, ageMinutes: number, counts?: { errors?: number, process?: number, open?: number }): Promise<void>
}

const row = (idta: number, ts: string, c: { errors?: number, process?: number, open?: number }): string => REPORT_INSERT
  .replace('%IDTA%', String(idta)).replace('%OPEN%', String(c.open ?? 0)).replace('%ERRORS%', String(c.errors ?? 0))
  .replace('%PROCESS%', String(c.process ?? 0)).replace('%TS%', ts).replace('%STATUS%', (c.errors ?? 0) > 0 ? 'false' : 'true')
const wallAgo = (minutes: number): string => wallTimeIn(BOTS_ZONE, Date.now() - minutes * 60_000)

const databases: [string, (t: Parameters<typeof botsEnv>[0], botssys: string) => Promise<Db>][] = [
  ['MariaDB', async (t) => {
    const db = await createTestDatabase('runs', ['channel', 'routes', 'ta', 'mutex'])
    t.teardown(() => db.drop())
    for (const sql of REPORT_DDL.mysql) await db.admin.query(sql)
    return { url: db.url, async run (idta, age, c = {}) { await db.admin.query(row(idta, `'${wallAgo(age)}'`, c).replace(/'(true|false)'|\b(true|false)\b/g, (m) => m.includes('true') ? '1' : '0')) } }
  }],
  ['PostgreSQL', async (t) => {
    const db = await createTestPgDatabase('runs', ['channel', 'routes', 'ta', 'mutex'])
    t.teardown(() => db.drop())
    for (const sql of REPORT_DDL.postgres) await db.admin.query(sql)
    return {
      url: db.url,
      async run (idta, age, c = {}) {
        const client = await db.admin.connect()
        try {
          await client.query(`SET TIME ZONE '${BOTS_ZONE}'`)
          await client.query(row(idta, `'${wallAgo(age)}'`, c))
        } finally {
          client.release()
        }
      }
    }
  }],
  ['SQLite', async (_t, botssys) => {
    const path = makeSqliteDb(botssys)
    const engine = (sql: string): void => { execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()', path, sql], { env: { PATH: process.env.PATH ?? '', TZ: BOTS_ZONE } }) }
    engine(REPORT_DDL.sqlite.join(';\n') + ';')
    return { url: `sqlite:${path}`, async run (idta, age, c = {}) { engine(row(idta, `strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime', '-${age} minutes')`, c).replace(/\b(true|false)\b/g, (m) => m === 'true' ? '1' : '0') + ';') } }
  }]
]

for (const [label, make] of databases) {
  t.test(`${label}: engine_runs warns with no run yet, passes on a recent clean run, warns on an old one and on a run with errors`, async (t) => {
    const e = botsEnv(t)
    writeFileSync(join(e.configDir, 'settings.py'), `TIME_ZONE = '${BOTS_ZONE}'\nUSE_TZ = False\n`)
    const db = await make(t, e.botssys)
    const health = await createBotsHealth({ database: db.url, configDir: e.configDir, engineRuns: '15m', timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
    t.teardown(() => health.close())
    t.match(await health.ready(), { status: 'ready', warnings: ['no engine run recorded yet (table report is empty)'] })
    await db.run(100, 20)
    const old = await health.ready()
    t.match(old, { status: 'ready', details: { engine_runs: { status: 'warn' } }, warnings: [/^no engine run for (19|20) min, expected every 15 min$/] })
    await db.run(200, 5)
    const fresh = await health.ready()
    t.match(fresh, { status: 'ready', details: { engine_runs: { status: 'pass' } } }, 'a clean run 5 min ago')
    t.notOk('warnings' in fresh)
    await db.run(300, 2, { errors: 3, process: 1 })
    t.match((await health.ready()).warnings, [/^the last engine run \(new, [12] min ago\) had 3 errors, 1 process errors$/])
    const cli = await spawnCli(['--timeout', '5000', '--check', 'ready', '--engine-runs', '1m', '--config-dir', e.configDir, '--database-url', db.url, '--json'], { env: { TZ: 'Pacific/Honolulu' } })
    t.equal(cli.code, 0, `a warning exits 0: ${cli.stderr}`)
    t.match(JSON.parse(cli.stdout).warnings, [/^no engine run for [12] min, expected every 1 min; the last engine run \(new, [12] min ago\) had 3 errors, 1 process errors$/])
  })
}

t.test('engine_runs: a duration that is none is refused by name', async (t) => {
  const r = await runCli(['--check', 'ready', '--engine-runs', 'soon'])
  t.equal(r.code, 2)
  t.match(r.stderr, /^bots-healthcheck: --engine-runs must be a duration such as 15m, 90s, 2h or 1h30m/)
  await t.rejects(createBotsHealth({ database: { sqlite: '/nope' }, botssys: '/', usersys: '/', engineRuns: -5 }), { code: 'FST_BOTS_HEALTH_OPTIONS', message: /engineRuns must be a duration/ })
  t.equal(utcOffsetSeconds('UTC'), 0)
  t.equal(utcOffsetSeconds('Etc/GMT-13'), 13 * 3600)
})

t.test('engine_runs through the plugin and serve: 200 with the warning', async (t) => {
  const e = botsEnv(t)
  writeFileSync(join(e.configDir, 'settings.py'), `TIME_ZONE = '${BOTS_ZONE}'\nUSE_TZ = False\n`)
  const db = await (databases[2] as (typeof databases)[number])[1](t, e.botssys)
  await db.run(100, 40, { errors: 1 })
  const app = await healthApp(t, { timeoutMs: 5000, database: db.url, configDir: e.configDir, engineRuns: '15m' })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready', checks: { engine_runs: true }, warnings: [/^no engine run for (39|40) min, expected every 15 min; the last engine run \(new, (39|40) min ago\) had 1 errors$/] })
  t.match((await app.inject({ url: '/health/ready', headers: { accept: 'application/health+json' } })).json(), { status: 'warn' })
  const served = await serve(t, ['--timeout', '5000', '--engine-runs', '15m', '--config-dir', e.configDir, '--database-url', db.url, '--drain-delay', '0'])
  const res = await fetch(`${served.base}/ready`)
  t.equal(res.status, 200)
  t.match(await res.json(), { status: 'ready', warnings: [/^no engine run for (39|40) min/] })
})
