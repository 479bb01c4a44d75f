// The engine lock as Bots leaves it: its own DDL on each database, the lock written the way Bots
// writes it (its default time, in the session and process time zone Django gives it), and a
// probe whose own time zone is far from it: the age is computed where the time was written.
import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createBotsHealth } from '../lib/bots/compose.js'
import { wallTimeIn } from '../lib/bots/tables.js'
import { botsEnv, healthApp } from './helpers/app.js'
import { DEFAULT_INI } from './helpers/bots-env.js'
import { LOCK_SQL, MUTEX_DDL } from './helpers/bots-ddl.js'
import { CLI, makeSqliteDb, spawnCli } from './helpers/cli.js'
import { createTestDatabase } from './helpers/mysql.js'
import { createTestPgDatabase } from './helpers/postgres.js'
import { closedPort } from './helpers/net.js'
import { serve } from './helpers/serve.js'

// Bots' time zone (Django's TIME_ZONE; +12/+13), and the probe's (-10): 22-23 hours apart.
const BOTS_ZONE = 'Pacific/Auckland'
const PROBE_ZONE = 'Pacific/Honolulu'

function env (t: Parameters<typeof botsEnv>[0], maxruntime?: number) {
  const e = botsEnv(t)
  writeFileSync(join(e.configDir, 'settings.py'), `# Bots' settings.py, cut down\nTIME_ZONE = '${BOTS_ZONE}'\n# Bots engine always use localtime\nUSE_TZ = False\n`)
  if (maxruntime !== undefined) writeFileSync(join(e.configDir, 'bots.ini'), DEFAULT_INI.replace('[settings]\n', `[settings]\nmaxruntime = ${maxruntime}\n`))
  return e
}

interface Db {
  url: string
  /** Bots takes its lock now; `ageMinutes` moves its time back, as a run that started then. */
  lock (ageMinutes: number): Promise<void>
  unlock (): Promise<void>
}

const databases: [string, (t: Parameters<typeof botsEnv>[0], botssys: string) => Promise<Db>][] = [
  ['MariaDB', async (t) => {
    const db = await createTestDatabase('lock', ['channel', 'routes', 'ta'])
    t.teardown(() => db.drop())
    await db.admin.query(MUTEX_DDL.mysql)
    return {
      url: db.url,
      async lock (ageMinutes) {
        // Bots' session in its own zone writes its local time: TIMESTAMP keeps the instant.
        const conn = await db.admin.getConnection()
        try {
          await conn.query("SET time_zone = '+13:00'")
          await conn.query(LOCK_SQL)
          await conn.query('UPDATE mutex SET ts = ? WHERE mutexk = 1', [wallTimeIn('Etc/GMT-13', Date.now() - ageMinutes * 60_000)])
        } finally {
          conn.release()
        }
      },
      async unlock () { await db.admin.query('DELETE FROM mutex WHERE mutexk=1') }
    }
  }],
  ['PostgreSQL', async (t) => {
    const db = await createTestPgDatabase('lock', ['channel', 'routes', 'ta'])
    t.teardown(() => db.drop())
    await db.admin.query(MUTEX_DDL.postgres)
    return {
      url: db.url,
      async lock (ageMinutes) {
        // Django sets the session's time zone to TIME_ZONE (USE_TZ = False): the default
        // CURRENT_TIMESTAMP becomes Bots' local time in a column without a zone.
        const client = await db.admin.connect()
        try {
          await client.query(`SET TIME ZONE '${BOTS_ZONE}'`)
          await client.query(LOCK_SQL)
          await client.query(`UPDATE mutex SET ts = ts - interval '${ageMinutes} minutes' WHERE mutexk = 1`)
        } finally {
          client.release()
        }
      },
      async unlock () { await db.admin.query('DELETE FROM mutex WHERE mutexk=1') }
    }
  }],
  ['SQLite', async (_t, botssys) => {
    const path = makeSqliteDb(botssys, ['channel', 'routes', 'ta'])
    // The engine is another process, whose local time is Bots' zone (Django sets TZ to it).
    const engine = (sql: string): void => { execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()', path, sql], { env: { PATH: process.env.PATH ?? '', TZ: BOTS_ZONE } }) }
    engine(MUTEX_DDL.sqlite)
    return {
      url: `sqlite:${path}`,
      async lock (ageMinutes) { engine(`${LOCK_SQL}; UPDATE mutex SET ts = datetime(ts, '-${ageMinutes} minutes') WHERE mutexk = 1;`) },
      async unlock () { engine('DELETE FROM mutex WHERE mutexk=1;') }
    }
  }]
]

for (const [label, make] of databases) {
  t.test(`${label}: engine_lock passes without a lock and with a young one, warns (200, exit 0) on one older than maxruntime`, async (t) => {
    const e = env(t)
    const db = await make(t, e.botssys)
    const health = await createBotsHealth({ database: db.url, configDir: e.configDir, engineLock: true, timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
    t.teardown(() => health.close())
    const none = await health.ready()
    t.match(none, { status: 'ready', checks: { engine_lock: true }, details: { engine_lock: { status: 'pass' } } }, 'no lock')
    t.notOk('warnings' in none)
    await db.lock(10)
    t.match(await health.ready(), { status: 'ready', details: { engine_lock: { status: 'pass' } } }, 'a run in progress for 10 min')
    await db.unlock()
    await db.lock(125)
    const stale = await health.ready()
    t.match(stale, { status: 'ready', checks: { engine_lock: true }, details: { engine_lock: { status: 'warn' } } })
    t.match(stale.warnings, [/^engine lock held for 12[45] min, longer than maxruntime \(60 min\)/])
    // The exec probe, in a time zone 22 hours from Bots': the same answer.
    const cli = await spawnCli(['--timeout', '5000', '--check', 'ready', '--engine-lock', '--config-dir', e.configDir, '--database-url', db.url, '--json'], { env: { TZ: PROBE_ZONE } })
    t.equal(cli.code, 0, `a warning exits 0: ${cli.stderr}`)
    t.match(JSON.parse(cli.stdout), { status: 'ready', warnings: [/^engine lock held for 12[45] min/] })
    const text = await spawnCli(['--timeout', '5000', '--check', 'ready', '--engine-lock', '--config-dir', e.configDir, '--database-url', db.url], { env: { TZ: PROBE_ZONE } })
    t.match(text.stdout, /\n {2}! engine_lock\n[\s\S]*\nWarnings:\n {2}- engine lock held for/)
    await db.unlock()
    t.match(await health.ready(), { details: { engine_lock: { status: 'pass' } } }, 'the lock removed: passes again')
  })

  t.test(`${label}: maxruntime comes from bots.ini`, async (t) => {
    const e = env(t, 180)
    const db = await make(t, e.botssys)
    const health = await createBotsHealth({ database: db.url, configDir: e.configDir, engineLock: true, timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
    t.teardown(() => health.close())
    await db.lock(125)
    t.match(await health.ready(), { details: { engine_lock: { status: 'pass' } } }, '125 min under a maxruntime of 180')
    await db.unlock()
    await db.lock(200)
    t.match((await health.ready()).warnings, [/^engine lock held for (199|20\d) min, longer than maxruntime \(180 min\)/])
  })
}

t.test('engine_lock without its table fails, saying what it could not read; an adapter that cannot query says so', async (t) => {
  const e = env(t)
  const path = makeSqliteDb(e.botssys, ['channel', 'routes', 'ta'])
  const health = await createBotsHealth({ database: { sqlite: path }, configDir: e.configDir, engineLock: true, timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  t.teardown(() => health.close())
  const r = await health.ready()
  t.equal(r.status, 'not_ready')
  t.match(r.errors, [/^engine_lock: cannot read Bots' lock \(table mutex\): .*no such table: mutex/])
  const own = await createBotsHealth({ database: { kind: 'mine', ping: async () => {}, listTables: async () => ({ names: [], caseInsensitive: false }) }, configDir: e.configDir, engineLock: true })
  t.teardown(() => own.close())
  t.match((await own.ready()).errors, [/engine_lock: the mine adapter cannot run queries/])
})

t.test('engine_lock through the plugin and serve: 200 with the warning in every format', async (t) => {
  const e = env(t)
  const db = await (databases[0] as (typeof databases)[number])[1](t, e.botssys)
  await db.lock(90)
  const app = await healthApp(t, { timeoutMs: 5000, database: db.url, configDir: e.configDir, engineLock: true })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready', warnings: [/^engine lock held for (89|9\d) min/] })
  t.match((await app.inject({ url: '/health/ready', headers: { accept: 'application/health+json' } })).json(), { status: 'warn', checks: { 'engine_lock:responseTime': [{ status: 'warn' }] } })
  t.match((await app.inject('/health/ready/engine_lock?verbose')).body, /^\[!\]engine_lock warn: engine lock held for/)
  const served = await serve(t, ['--timeout', '5000', '--engine-lock', '--config-dir', e.configDir, '--database-url', db.url])
  const res = await fetch(`${served.base}/ready`)
  t.equal(res.status, 200)
  t.match(await res.json(), { status: 'ready', warnings: [/^engine lock held for/] })
})

for (const [label, make] of databases) {
  t.test(`${label}: wait-engine-idle exits 0 once no run holds the lock, 1 when --timeout passes first`, async (t) => {
    const e = env(t)
    const db = await make(t, e.botssys)
    const idle = (timeout: string) => spawnCli(['wait-engine-idle', '--timeout', timeout, '--config-dir', e.configDir, '--database-url', db.url])
    t.match(await idle('5'), { code: 0, stdout: 'no engine run holds the lock\n' })
    await db.lock(1)
    const held = await idle('1')
    t.equal(held.code, 1, held.stdout + held.stderr)
    t.match(held.stdout, /^an engine run holds the lock: waiting up to 1 s for it to end\ngave up after \d+\.\d s \(--timeout 1\): an engine run still holds the lock\n$/)
    // The run ends while the hook waits: once the hook has said it waits, however late it started.
    const hook = spawn(process.execPath, [CLI, 'wait-engine-idle', '--timeout', '30', '--config-dir', e.configDir, '--database-url', db.url], { env: { PATH: process.env.PATH ?? '' } })
    t.teardown(() => hook.kill('SIGKILL'))
    let out = ''
    const exited = new Promise<number | null>((resolve) => hook.once('exit', resolve))
    await new Promise<void>((resolve) => {
      hook.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('waiting up to 30 s')) resolve() })
      exited.then(() => resolve(), () => resolve())
    })
    await db.unlock()
    t.equal(await exited, 0, out)
    t.match(out, /^an engine run holds the lock: waiting up to 30 s for it to end\nthe engine run ended after \d+\.\d s: no lock is held\n$/)
  })
}

t.test('wait-engine-idle: --timeout is required, and a database that cannot be read is an error (exit 2), without its password', async (t) => {
  const e = env(t)
  const none = await spawnCli(['wait-engine-idle', '--config-dir', e.configDir])
  t.equal(none.code, 2)
  t.match(none.stderr, /wait-engine-idle needs --timeout SECONDS/)
  const down = await spawnCli(['wait-engine-idle', '--timeout', '5', '--config-dir', e.configDir, '--database-url', `mysql://u:pw-Secret9@127.0.0.1:${await closedPort()}/x`])
  t.equal(down.code, 2)
  t.match(down.stderr, /^bots-healthcheck: error: wait-engine-idle: cannot read Bots' lock \(table mutex\): .*ECONNREFUSED/)
  t.notMatch(down.stdout + down.stderr, 'pw-Secret9')
  t.notMatch(down.stderr, /\n\s+at /, 'no stack trace')
})
