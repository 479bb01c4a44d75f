import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { botsEnv, healthApp } from './helpers/app.js'
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyMysql from '@fastify/mysql'
import { createPool } from 'mysql2'
import { healthPlugin, type HealthPluginOptions, type HealthService, type LiveReport } from '../lib/index.js'
import { createTestDatabase, type TestDatabase } from './helpers/mysql.js'
import { closedPort, hungServer, mysqlProxy } from './helpers/net.js'
import { schemaErrors } from './helpers/schema.js'
import { memoryAdapter } from './helpers/memory-adapter.js'

let db: TestDatabase
t.before(async () => { db = await createTestDatabase('plugin') })
t.teardown(async () => { await db.drop() })

/** The app with @fastify/mysql registered first, unless the test gives the database. */
async function app (t: Test, opts: Partial<HealthPluginOptions> & { mysqlUrl?: string } = {}): Promise<FastifyInstance> {
  const { mysqlUrl, ...health } = opts
  return await healthApp(t, health, { before: async (f) => { if (health.database === undefined) await f.register(fastifyMysql, { connectionString: mysqlUrl ?? db.url }) } })
}

const env = botsEnv

t.test('ping answers ok as text/plain without running a check', async (t) => {
  const fastify = await app(t, { configDir: env(t).configDir })
  const res = await fastify.inject('/health/ping')
  t.equal(res.statusCode, 200)
  t.equal(res.body, 'ok')
  t.match(res.headers['content-type'], /^text\/plain/)
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('live answers the seed body and never touches a dependency', async (t) => {
  const port = await closedPort()
  const fastify = await app(t, { database: { url: `mysql://root@127.0.0.1:${port}/x` }, botssys: '/nonexistent/a', usersys: '/nonexistent/b' })
  const res = await fastify.inject('/health/live')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok', check: 'liveness', message: 'Process is alive' })
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(schemaErrors('BotsHealthLiveReport', res.json()), '')
})

t.test('ready is 200 with database, botssys, usersys and config on a healthy setup', async (t) => {
  const e = env(t)
  const fastify = await app(t, { configDir: e.configDir })
  const res = await fastify.inject('/health/ready')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.status, 'ready')
  t.equal(body.check, 'readiness')
  t.same(body.checks, { database: true, botssys: true, usersys: true, config: true })
  t.notOk('errors' in body, 'errors only when there is an error')
  t.equal(schemaErrors('BotsHealthReadyReport', body), '')
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('startup is 200 with every check passing', async (t) => {
  const fastify = await app(t, { configDir: env(t).configDir })
  const res = await fastify.inject('/health/startup')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.status, 'started')
  t.equal(body.check, 'startup')
  t.same(body.checks, { database: true, tables: true, botssys: true, usersys: true, config: true })
  t.equal(schemaErrors('BotsHealthStartupReport', body), '')
})

t.test('ready is 503 when the database refuses connections', async (t) => {
  const port = await closedPort()
  const fastify = await app(t, { configDir: env(t).configDir, mysqlUrl: undefined, database: { url: `mysql://root@127.0.0.1:${port}/test` } })
  const res = await fastify.inject('/health/ready')
  t.equal(res.statusCode, 503)
  const body = res.json()
  t.equal(body.status, 'not_ready')
  t.same(body.checks, { database: false, botssys: true, usersys: true, config: true })
  t.match(body.errors, [/^Database check failed: .*ECONNREFUSED/])
  t.equal(schemaErrors('BotsHealthReadyReport', body), '')
})

t.test('ready is 503 inside the deadline when the database accepts TCP and never answers', async (t) => {
  const hung = await hungServer()
  // the driver would give up at its connect timeout, 20 s: the answer comes at the deadline
  const pool = createPool({ host: '127.0.0.1', port: hung.port, user: 'root', connectTimeout: 20_000 })
  t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
  // closed before the pool (teardowns run last first): mysql2's end() waits for a pending connect
  t.teardown(() => hung.close())
  const fastify = await app(t, { configDir: env(t).configDir, database: pool, timeoutMs: 200 })
  const started = Date.now()
  const res = await fastify.inject('/health/ready')
  const elapsed = Date.now() - started
  t.equal(res.statusCode, 503)
  t.ok(elapsed >= 195 && elapsed < 200 + 1500, `answered in ${elapsed} ms, deadline 200 ms`)
  t.match(res.json().errors, ['Database check failed: timed out after 200 ms'])
  t.equal(schemaErrors('BotsHealthReadyReport', res.json()), '')
})

for (const table of ['channel', 'routes', 'ta', 'mutex']) {
  t.test(`startup is 503 when table ${table} is missing`, async (t) => {
    const own = await createTestDatabase(`miss_${table}`, ['channel', 'routes', 'ta', 'mutex'].filter((x) => x !== table))
    t.teardown(() => own.drop())
    const fastify = await app(t, { configDir: env(t).configDir, mysqlUrl: own.url })
    const res = await fastify.inject('/health/startup')
    t.equal(res.statusCode, 503)
    const body = res.json()
    t.equal(body.status, 'starting')
    t.equal(body.checks.tables, false)
    t.equal(body.checks.database, true)
    t.same(body.errors, [`Missing tables: ${table}`])
    t.equal(schemaErrors('BotsHealthStartupReport', body), '')
    // readiness does not look at tables
    t.equal((await fastify.inject('/health/ready')).statusCode, 200)
  })
}

t.test('startup names every missing table in order', async (t) => {
  const own = await createTestDatabase('empty', [])
  t.teardown(() => own.drop())
  const fastify = await app(t, { configDir: env(t).configDir, mysqlUrl: own.url })
  const res = await fastify.inject('/health/startup')
  t.same(res.json().errors, ['Missing tables: channel, routes, ta, mutex'])
})

t.test('requiredTables replaces the default list', async (t) => {
  const fastify = await app(t, { configDir: env(t).configDir, requiredTables: ['channel', 'partner'] })
  const res = await fastify.inject('/health/startup')
  t.equal(res.statusCode, 503)
  t.same(res.json().errors, ['Missing tables: partner'])
})

t.test('ready and startup are 503 when botssys is missing', async (t) => {
  const e = env(t, { botssys: false })
  const fastify = await app(t, { configDir: e.configDir })
  const ready = await fastify.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.same(ready.json().checks, { database: true, botssys: false, usersys: true, config: true })
  t.same(ready.json().errors, [`botssys directory not found: ${e.botssys}`])
  const startup = await fastify.inject('/health/startup')
  t.equal(startup.statusCode, 503)
  t.equal(startup.json().checks.botssys, false)
})

t.test('startup is 503 when botssys/data is missing, and ready does not care', async (t) => {
  const e = env(t, { data: false })
  const fastify = await app(t, { configDir: e.configDir })
  t.equal((await fastify.inject('/health/ready')).statusCode, 200)
  const res = await fastify.inject('/health/startup')
  t.equal(res.statusCode, 503)
  t.equal(res.json().checks.botssys, false)
  t.same(res.json().errors, [`botssys/data directory not found: ${join(e.botssys, 'data')}`])
})

t.test('ready is 503 when usersys is missing', async (t) => {
  const e = env(t, { usersys: false })
  const fastify = await app(t, { configDir: e.configDir })
  const res = await fastify.inject('/health/ready')
  t.equal(res.statusCode, 503)
  t.same(res.json().errors, [`usersys directory not found: ${e.usersys}`])
  t.equal(schemaErrors('BotsHealthReadyReport', res.json()), '')
})

t.test('a missing bots.ini fails config and falls back to the default directories', async (t) => {
  const e = env(t, { ini: null })
  const fastify = await app(t, { configDir: e.configDir })
  const res = await fastify.inject('/health/startup')
  t.equal(res.statusCode, 503)
  t.same(res.json().checks, { database: true, tables: true, botssys: true, usersys: true, config: false })
  t.same(res.json().errors, [`bots.ini not found: ${join(e.configDir, 'bots.ini')}`])
})

t.test('a malformed bots.ini fails config with the file and line', async (t) => {
  const e = env(t, { ini: '[directories]\nbotssys = botssys\nthis line has no delimiter\n' })
  const fastify = await app(t, { configDir: e.configDir })
  const res = await fastify.inject('/health/startup')
  t.equal(res.statusCode, 503)
  t.equal(res.json().checks.config, false)
  t.match(res.json().errors, [`${join(e.configDir, 'bots.ini')} line 3: expected "key = value", "key: value" or "[section]" (configparser's ParsingError), got: a line of 26 characters (withheld: it may hold a secret)`])
  t.equal((await fastify.inject('/health/ready')).statusCode, 503, 'a Bots process without a valid bots.ini is not ready either')
})

t.test('a bots.ini without [directories] fails config', async (t) => {
  const e = env(t, { ini: '[settings]\nmaxdays = 30\n' })
  const fastify = await app(t, { configDir: e.configDir })
  const res = await fastify.inject('/health/startup')
  t.equal(res.json().checks.config, false)
  t.same(res.json().errors, [`bots.ini has no [directories] section (Bots stops with NoSectionError): ${join(e.configDir, 'bots.ini')}`])
})

t.test('relative directories resolve against the bots environment, absolute ones are used as they are', async (t) => {
  const e = env(t)
  const elsewhere = env(t)
  writeFileSync(join(e.configDir, 'bots.ini'), `[directories]\nbotssys = ${elsewhere.botssys}\nusersys = usersys\n`)
  rmSync(e.botssys, { recursive: true })
  const cwd = process.cwd()
  process.chdir(elsewhere.root)
  t.teardown(() => process.chdir(cwd))
  const fastify = await app(t, { configDir: e.configDir })
  const res = await fastify.inject('/health/ready')
  t.equal(res.statusCode, 200, JSON.stringify(res.json()))
  rmSync(e.usersys, { recursive: true })
  const again = await fastify.inject('/health/ready')
  t.same(again.json().errors, [`usersys directory not found: ${e.usersys}`], 'usersys is looked for in the bots environment, not the working directory')
})

t.test('explicit botssys and usersys work without a config dir', async (t) => {
  const e = env(t)
  const fastify = await app(t, { botssys: e.botssys, usersys: e.usersys })
  const res = await fastify.inject('/health/startup')
  t.equal(res.statusCode, 200)
  t.same(res.json().checks, { database: true, tables: true, botssys: true, usersys: true })
})

t.test('BOTS_CONFIG_DIR is the fallback for configDir', async (t) => {
  const e = env(t)
  const fastify = await app(t, { env: { BOTS_CONFIG_DIR: e.configDir } })
  t.equal((await fastify.inject('/health/startup')).statusCode, 200)
})

t.test('a trailing slash and HEAD are answered', async (t) => {
  const fastify = await app(t, { configDir: env(t).configDir })
  for (const path of ['/health/ping/', '/health/live/', '/health/ready/', '/health/startup/']) {
    t.equal((await fastify.inject(path)).statusCode, 200, path)
  }
  const head = await fastify.inject({ method: 'HEAD', url: '/health/ready' })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  const headDown = await (await app(t, { botssys: '/nonexistent/x', usersys: '/nonexistent/y' })).inject({ method: 'HEAD', url: '/health/ready' })
  t.equal(headDown.statusCode, 503)
})

t.test('the prefix option moves the routes', async (t) => {
  const fastify = await app(t, { configDir: env(t).configDir, prefix: '/bots/health' })
  t.equal((await fastify.inject('/bots/health/ready')).statusCode, 200)
  t.equal((await fastify.inject('/health/ready')).statusCode, 404)
})

t.test('a second mount reuses the service', async (t) => {
  const fastify = Fastify()
  t.teardown(() => fastify.close())
  await fastify.register(fastifyMysql, { connectionString: db.url })
  await fastify.register(healthPlugin, { configDir: env(t).configDir })
  await fastify.register(async (child) => { await child.register(healthPlugin, { prefix: '/bots/health', service: fastify.health }) })
  t.equal((await fastify.inject('/health/ready')).statusCode, 200)
  t.equal((await fastify.inject('/bots/health/ready')).statusCode, 200)
})

t.test('beside service, every option that builds or drains a service is refused, by name', async (t) => {
  const owner = Fastify()
  t.teardown(() => owner.close())
  await owner.register(healthPlugin, { database: { sqlite: ':memory:' }, botssys: '/tmp', usersys: '/tmp' })
  const service = owner.health
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ timeoutMs: -1, configDir: 42, database: 'redis://x' }, /^fastify-bots-health: service does not go with database, configDir, timeoutMs: the service was built with its own options/],
    [{ jobqueue: true }, /service does not go with jobqueue:/],
    [{ checks: [] }, /service does not go with checks:/],
    [{ env: {} }, /service does not go with env:/],
    [{ drainDelayMs: 100 }, /drainDelayMs does not go with service/],
    [{ log: false }, /log does not go with service/]
  ]
  for (const [extra, message] of cases) {
    const fastify = Fastify()
    t.teardown(() => fastify.close())
    await t.rejects(async () => { await fastify.register(healthPlugin, { service, ...extra } as HealthPluginOptions).ready() }, { code: 'FST_BOTS_HEALTH_OPTIONS', message }, JSON.stringify(extra))
  }
  const fine = Fastify()
  t.teardown(() => fine.close())
  await fine.register(healthPlugin, { service, prefix: '/bots/health', routeLogLevel: 'info' })
  t.equal((await fine.inject('/bots/health/live')).statusCode, 200, 'the route options go with it')
})

t.test('a service of your own making is routed through its methods, its rejections answered as JSON errors', async (t) => {
  const ready = { status: 'ready', check: 'readiness', checks: { database: true } } as const
  const mine: HealthService = {
    // another promise library's: a thenable that is no native Promise
    live: () => ({ then: (resolve: (r: LiveReport) => void) => { resolve({ status: 'ok', check: 'liveness', message: 'Process is alive' }) } }) as unknown as Promise<LiveReport>,
    ready: async (o) => { if (o?.exclude?.includes('database') === true) throw Object.assign(new Error('not today'), { statusCode: 400 }); return ready },
    startup: async () => { throw new Error('broken service') },
    checks: { live: [], ready: ['database'], startup: ['database'] },
    componentTypes: { database: 'datastore' },
    draining: false,
    beginDrain () {},
    close: async () => {}
  }
  const fastify = Fastify()
  t.teardown(() => fastify.close())
  await fastify.register(healthPlugin, { service: mine })
  const r = await fastify.inject('/health/ready')
  t.equal(r.statusCode, 200)
  t.same(r.json(), ready)
  t.equal(r.headers['cache-control'], 'no-store')
  t.equal((await fastify.inject('/health/live')).json().status, 'ok')
  const refused = await fastify.inject('/health/ready?exclude=database')
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { statusCode: 400, message: 'fastify-bots-health: not today' })
  const broken = await fastify.inject('/health/startup')
  t.equal(broken.statusCode, 500)
  t.match(broken.json(), { statusCode: 500, message: 'fastify-bots-health: broken service' })
  t.equal(broken.headers['cache-control'], 'no-store')
})

t.test('ignoreTrailingSlash apps get the same routes', async (t) => {
  const fastify = Fastify({ routerOptions: { ignoreTrailingSlash: true } })
  t.teardown(() => fastify.close())
  await fastify.register(fastifyMysql, { connectionString: db.url })
  await fastify.register(healthPlugin, { configDir: env(t).configDir })
  t.equal((await fastify.inject('/health/ready/')).statusCode, 200)
})

t.test('HEALTH_CHECK_DB_ONLY limits readiness to the database', async (t) => {
  for (const value of ['true', 'TRUE', 'True']) {
    const fastify = await app(t, { botssys: '/nonexistent/x', usersys: '/nonexistent/y', env: { HEALTH_CHECK_DB_ONLY: value } })
    const res = await fastify.inject('/health/ready')
    t.equal(res.statusCode, 200, value)
    t.same(res.json().checks, { database: true })
    t.equal(res.json().mode, 'database_only')
    t.equal(schemaErrors('BotsHealthReadyReport', res.json()), '')
  }
  const off = await app(t, { botssys: '/nonexistent/x', usersys: '/nonexistent/y', env: { HEALTH_CHECK_DB_ONLY: 'enabled' } })
  t.equal((await off.inject('/health/ready')).statusCode, 503, 'a value that is no boolean leaves it off')
  const option = await app(t, { botssys: '/nonexistent/x', usersys: '/nonexistent/y', databaseOnly: true })
  t.equal((await option.inject('/health/ready')).json().mode, 'database_only')
})

t.test('the decorator gives the same reports as the routes', async (t) => {
  const fastify = await app(t, { configDir: env(t).configDir, cacheTtlMs: 60_000 })
  const ready = await fastify.health.ready()
  t.same((await fastify.inject('/health/ready')).json(), ready)
  t.same(await fastify.health.live(), { status: 'ok', check: 'liveness', message: 'Process is alive' })
  t.same(fastify.health.checks, { live: [], ready: ['database', 'botssys', 'usersys', 'config'], startup: ['database', 'tables', 'botssys', 'usersys', 'config'] })
})

t.test('the promise flavour of @fastify/mysql and a bare mysql2 pool both work', async (t) => {
  const fastify = Fastify()
  t.teardown(() => fastify.close())
  await fastify.register(fastifyMysql, { connectionString: db.url, promise: true })
  await fastify.register(healthPlugin, { configDir: env(t).configDir, database: 'mysql' })
  t.equal((await fastify.inject('/health/startup')).statusCode, 200)
  const pool = createPool({ uri: db.url })
  t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
  const bare = await app(t, { configDir: env(t).configDir, database: pool.promise() })
  t.equal((await bare.inject('/health/startup')).statusCode, 200)
})

t.test('N concurrent probes cost one query (single-flight), counted at a proxy', async (t) => {
  const proxy = await mysqlProxy(Number(new URL(db.url).port || 3306))
  t.teardown(() => proxy.close())
  const u = new URL(db.url)
  u.port = String(proxy.port)
  const pool = createPool({ uri: u.toString(), connectionLimit: 5 })
  t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
  const fastify = await app(t, { botssys: env(t).botssys, usersys: env(t).usersys, database: pool, cacheTtlMs: 0 })
  await fastify.inject('/health/ready') // open the connection
  const before = proxy.queries
  const results = await Promise.all(Array.from({ length: 50 }, () => fastify.inject('/health/ready')))
  t.ok(results.every((r) => r.statusCode === 200))
  t.equal(proxy.queries - before, 1, '50 concurrent probes, one SELECT 1')
})

t.test('bad options fail at register with a message naming the option', async (t) => {
  const cases: [Partial<HealthPluginOptions>, RegExp][] = [
    [{ timeoutMs: -1 }, /fastify-bots-health: timeoutMs must be a positive number/],
    [{ timeoutMs: 'x' as never }, /timeoutMs/],
    [{ cacheTtlMs: Number.NaN }, /cacheTtlMs/],
    [{ prefix: 'health' }, /prefix must be a path starting with "\/"/],
    [{ drainDelayMs: -5 }, /fastify-bots-health: drainDelayMs must be a non-negative number of milliseconds, got -5/],
    [{ requiredTables: 'channel' as never }, /requiredTables must be an array/],
    [{ configDir: 42 as never }, /configDir must be a non-empty string/],
    [{ database: { nope: true } as never, configDir: '/x' }, /database must be a mysql2 pool/],
    [{ database: 'redis://u:secretpw@h/db', configDir: '/x' }, /database URL has an unsupported scheme "redis:" \(redis:\/\/h\/db\)/],
    [{ database: { sqlite: '/x' } }, /configDir is required/]
  ]
  for (const [opts, message] of cases) {
    const fastify = Fastify()
    t.teardown(() => fastify.close())
    await t.rejects(async () => { await fastify.register(healthPlugin, opts as HealthPluginOptions).ready() }, message, JSON.stringify(opts))
  }
  const noDb = Fastify()
  t.teardown(() => noDb.close())
  await t.rejects(async () => { await noDb.register(healthPlugin, { configDir: '/x' }).ready() }, /database is required: register @fastify\/mysql before this plugin, or pass database/)
})

t.test('no password reaches a response', async (t) => {
  const fastify = await app(t, { configDir: env(t).configDir, database: { url: `mysql://root:Wr0ngPassw0rd@127.0.0.1:${new URL(db.url).port || 3306}/test` } })
  const res = await fastify.inject('/health/startup')
  t.equal(res.statusCode, 503)
  t.notMatch(res.body, /Wr0ngPassw0rd/)
  t.match(res.json().errors[0], /^Database check failed: ER_ACCESS_DENIED_ERROR/)
})

t.test('a check that warns: 200 in every format, the warning shown in each, liveness untouched, one log line in and one out', async (t) => {
  let warning: string | undefined = 'queue 40 deep (over 25): the launcher is slow'
  const lines: string[] = []
  const queue = { name: 'queue', probes: ['live', 'ready', 'startup'] as const, run: async () => warning !== undefined ? { warn: warning } : undefined }
  const fastify = await healthApp(t, { database: memoryAdapter(), checks: [queue] }, { server: { logger: { level: 'info', stream: { write: (l: string) => lines.push(l) } } } })
  const ready = await fastify.inject('/health/ready')
  t.equal(ready.statusCode, 200, 'a warning keeps readiness 200')
  const body = ready.json()
  t.match(body, { status: 'ready', checks: { queue: true }, warnings: ['queue 40 deep (over 25): the launcher is slow'], details: { queue: { status: 'warn', warning: 'queue 40 deep (over 25): the launcher is slow' } } })
  t.notOk('errors' in body, 'no errors: nothing failed')
  t.equal(schemaErrors('BotsHealthReadyReport', body), '')
  const hj = await fastify.inject({ url: '/health/ready', headers: { accept: 'application/health+json' } })
  t.equal(hj.statusCode, 200)
  t.match(hj.json(), { status: 'warn', output: 'queue 40 deep (over 25): the launcher is slow', checks: { 'queue:responseTime': [{ status: 'warn', output: 'queue 40 deep (over 25): the launcher is slow' }] } })
  t.equal(schemaErrors('BotsHealthHealthJson', hj.json()), '')
  const verbose = await fastify.inject('/health/ready?verbose')
  t.equal(verbose.statusCode, 200)
  t.match(verbose.body, /^\[!\]queue warn: queue 40 deep \(over 25\): the launcher is slow$/m)
  t.match(verbose.body, /ready check passed\n$/)
  const live = await fastify.inject('/health/live')
  t.equal(live.statusCode, 200, 'liveness is never failed by a warning')
  t.match(live.json(), { status: 'ok', checks: { queue: true }, warnings: [/queue 40 deep/] })
  t.equal((await fastify.inject('/health/startup')).statusCode, 200)
  t.equal(lines.filter((l) => l.includes('"msg":"readiness warns: queue"')).length, 1, 'one line into warn')
  warning = undefined
  const clear = await fastify.inject('/health/ready')
  t.equal(clear.statusCode, 200)
  t.notOk('warnings' in clear.json(), 'no warnings key once none warns')
  t.equal(lines.filter((l) => l.includes('"msg":"readiness: no check warns any more"')).length, 1, 'one line out of warn')
  await fastify.inject('/health/ready')
  t.equal(lines.filter((l) => /readiness warns|no check warns/.test(l)).length, 2, 'and nothing more while nothing changes')
})

t.test('a warning\'s reason is redacted, cut, and withheld with exposeReasons: false', async (t) => {
  const noisy = { name: 'noisy', run: async () => ({ warn: `token S3cr3t-T0ken ${'x'.repeat(900)}` }) }
  const open = await healthApp(t, { database: memoryAdapter(), checks: [noisy], secrets: ['S3cr3t-T0ken'] })
  const body = (await open.inject('/health/ready')).json()
  t.notMatch(JSON.stringify(body), 'S3cr3t-T0ken')
  t.ok(body.warnings[0].length <= 500, `cut to ${body.warnings[0].length}`)
  const closed = await healthApp(t, { database: memoryAdapter(), checks: [noisy], exposeReasons: false })
  const withheld = (await closed.inject('/health/ready')).json()
  t.same(withheld.warnings, ['noisy: reason withheld'])
  t.equal(withheld.details.noisy.warning, 'reason withheld')
})
