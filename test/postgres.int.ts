import t, { type Test } from 'tap'
import { botsEnv, healthApp } from './helpers/app.js'
import pg from 'pg'
import type { HealthPluginOptions } from '../lib/index.js'
import { runCli } from './helpers/cli.js'
import { BOTS_TABLES } from './helpers/mysql.js'
import { closedPort, hungServer } from './helpers/net.js'
import { createTestPgDatabase, pgUrlFor, type TestPgDatabase } from './helpers/postgres.js'
import { schemaErrors } from './helpers/schema.js'

let db: TestPgDatabase
t.before(async () => { db = await createTestPgDatabase('pg', BOTS_TABLES) })
t.teardown(async () => { await db.drop() })

function pool (t: Test, url: string, extra: pg.PoolConfig = {}): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2000, ...extra })
  p.on('error', () => {})
  let ended = false
  t.teardown(async () => { if (!ended) await p.end() })
  const end = p.end.bind(p)
  p.end = (async () => { ended = true; await end() }) as typeof p.end
  return p
}

async function app (t: Test, database: HealthPluginOptions['database'], opts: Partial<HealthPluginOptions> = {}) {
  return await healthApp(t, { database, timeoutMs: 300, ...opts })
}

t.test('a pg Pool: ready and startup 200', async (t) => {
  const fastify = await app(t, pool(t, db.url))
  const ready = await fastify.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.same(ready.json().checks, { database: true, botssys: true, usersys: true, config: true })
  const startup = await fastify.inject('/health/startup')
  t.equal(startup.statusCode, 200)
  t.equal(schemaErrors('BotsHealthStartupReport', startup.json()), '')
})

t.test('a missing table on PostgreSQL is named', async (t) => {
  const own = await createTestPgDatabase('pg_miss', ['channel', 'routes', 'ta'])
  t.teardown(() => own.drop())
  const p = pool(t, own.url)
  const fastify = await app(t, p)
  const res = await fastify.inject('/health/startup')
  t.equal(res.statusCode, 503)
  t.same(res.json().errors, ['Missing tables: mutex'])
  // closed before the database is dropped, whose FORCE would cut the pool's connections
  await fastify.close()
  await p.end()
})

t.test('tables are looked for in the current schema only', async (t) => {
  const own = await createTestPgDatabase('pg_schema', [])
  t.teardown(() => own.drop())
  await own.admin.query('CREATE SCHEMA other')
  for (const name of BOTS_TABLES) await own.admin.query(`CREATE TABLE other."${name}" (id INT)`)
  const p = pool(t, own.url)
  const fastify = await app(t, p)
  const res = await fastify.inject('/health/startup')
  t.same(res.json().errors, ['Missing tables: channel, routes, ta, mutex'], 'tables of another schema do not count')
  await fastify.close()
  await p.end()
})

t.test('PostgreSQL refused, hung, wrong database: 503 on time', async (t) => {
  const port = await closedPort()
  const refused = await (await app(t, pool(t, pgUrlFor(db.name, port)))).inject('/health/ready')
  t.equal(refused.statusCode, 503)
  t.match(refused.json().errors, [/^Database check failed: .*ECONNREFUSED/])
  const hung = await hungServer()
  const fastify = await app(t, pool(t, pgUrlFor(db.name, hung.port), { connectionTimeoutMillis: 5000 }))
  t.teardown(() => hung.close())
  const started = Date.now()
  const res = await fastify.inject('/health/ready')
  const ms = Date.now() - started
  t.equal(res.statusCode, 503)
  t.ok(ms < 300 + 800, `answered in ${ms} ms, deadline 300 ms (a hang would last the connect timeout)`)
  t.same(res.json().errors, ['Database check failed: timed out after 300 ms'])
  const unknown = await (await app(t, pool(t, pgUrlFor('bh_does_not_exist')))).inject('/health/ready')
  t.equal(unknown.statusCode, 503)
  t.match(unknown.json().errors, [/^Database check failed: .*"bh_does_not_exist" does not exist/])
})

t.test('a postgres:// URL, in the plugin and the CLI; no password in the output', async (t) => {
  const fastify = await app(t, db.url)
  t.equal((await fastify.inject('/health/startup')).statusCode, 200)
  const e = botsEnv(t)
  const ok = await runCli(['--check', 'startup', '--config-dir', e.configDir, '--database-url', db.url])
  t.equal(ok.code, 0, ok.stdout + ok.stderr)
  const viaEnv = await runCli(['--check', 'ready', '--config-dir', e.configDir], { env: { DATABASE_URL: db.url.replace(/^postgres:/, 'postgresql:') } })
  t.equal(viaEnv.code, 0)
  await db.admin.query('DROP TABLE ta')
  t.teardown(() => db.admin.query('CREATE TABLE IF NOT EXISTS ta (id INT PRIMARY KEY)'))
  const dropped = await runCli(['--check', 'startup', '--json', '--config-dir', e.configDir, '--database-url', db.url])
  t.equal(dropped.code, 1)
  t.same(JSON.parse(dropped.stdout).errors, ['Missing tables: ta'])
  const u = new URL(db.url)
  u.username = 'bots_nobody'
  u.password = 'Pg-Secret-99'
  const denied = await runCli(['--check', 'ready', '--config-dir', e.configDir, '--database-url', u.toString()])
  t.equal(denied.code, 1)
  t.notMatch(denied.stdout + denied.stderr, 'Pg-Secret-99')
})
