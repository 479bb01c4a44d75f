// Each finding of the adversarial pass, reproduced on the real part where there is one: a proxy
// that cuts PostgreSQL mid-query, a PostgreSQL that hangs and comes back, SQLite files deleted,
// replaced, corrupted and locked by another process, malformed URLs with the password in every
// position, a wall clock stepping back, and options of the wrong type.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, openSync, renameSync, rmSync, unlinkSync, writeSync, closeSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createHttpServer } from 'node:http'
import { connect, createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { memoryAdapter } from './helpers/memory-adapter.js'
import { botsEnv } from './helpers/app.js'
import Fastify from 'fastify'
import pg from 'pg'
import { createHealthService, healthPlugin, type Check } from '../lib/index.js'
import { createBotsHealth } from '../lib/bots/compose.js'
import { resolveDatabase } from '../lib/db/resolve.js'
import { postgresAdapter } from '../lib/db/postgres.js'
import { sqliteAdapter } from '../lib/db/sqlite.js'
import { databaseCheck } from '../lib/checks/database.js'
import { redact, safeUrl } from '../lib/redact.js'
import { makeSqliteDb, runCli } from './helpers/cli.js'
import { closedPort, mysqlProxy } from './helpers/net.js'
import { createTestPgDatabase, type TestPgDatabase } from './helpers/postgres.js'
import { PYTHON } from './helpers/xmlrpc.js'

let pgdb: TestPgDatabase
t.before(async () => { pgdb = await createTestPgDatabase('hard', ['channel', 'routes', 'ta', 'mutex']) })
t.teardown(async () => { await pgdb.drop() })

function pgUrlVia (port: number): string {
  const u = new URL(pgdb.url)
  u.port = String(port)
  return u.toString()
}

function dbService (check: Check, timeoutMs = 400) {
  return createHealthService({ ready: [check], startup: [], timeoutMs, cacheTtlMs: 0, failureCacheTtlMs: 0 })
}

// --- High 1: PostgreSQL dropped mid-query -------------------------------------------------------
t.test('PostgreSQL: a link cut while a probe\'s query runs fails that probe, never the process', async (t) => {
  for (const connectionTimeoutMillis of [1000, 0]) {
    const proxy = await mysqlProxy(Number(new URL(pgdb.url).port || 5432))
    t.teardown(() => proxy.close())
    const pool = new pg.Pool({ connectionString: pgUrlVia(proxy.port), max: 2, connectionTimeoutMillis })
    pool.on('error', () => {}) // the app's own pool listener, as the finding had it
    t.teardown(() => pool.end().catch(() => {}))
    const service = dbService(databaseCheck(postgresAdapter(pool)), 1500)
    t.match(await service.ready(), { status: 'ready' }, `connectionTimeoutMillis ${connectionTimeoutMillis}: healthy first`)
    proxy.delayMs = 400
    const probe = service.ready()
    // the pooled client is connected already; a probe's own connection first takes a round trip
    await new Promise((resolve) => setTimeout(resolve, connectionTimeoutMillis > 0 ? 150 : 600))
    proxy.cut()
    const report = await probe
    t.equal(report.status, 'not_ready', `connectionTimeoutMillis ${connectionTimeoutMillis}: the cut probe is a 503`)
    proxy.restore()
    proxy.delayMs = 0
    t.match(await service.ready(), { status: 'ready' }, 'and the next one recovers')
  }
})

t.test('PostgreSQL: pg_terminate_backend during a probe fails it, the process lives', async (t) => {
  const proxy = await mysqlProxy(Number(new URL(pgdb.url).port || 5432))
  t.teardown(() => proxy.close())
  const pool = new pg.Pool({ connectionString: pgUrlVia(proxy.port), max: 1, connectionTimeoutMillis: 1000 })
  pool.on('error', () => {})
  t.teardown(() => pool.end().catch(() => {}))
  const service = dbService(databaseCheck(postgresAdapter(pool)), 1500)
  t.match(await service.ready(), { status: 'ready' })
  proxy.delayMs = 300
  const probe = service.ready()
  await new Promise((resolve) => setTimeout(resolve, 100))
  await pgdb.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name = \'\'', [pgdb.name])
  const report = await probe
  t.ok(report.status === 'not_ready' || report.status === 'ready', `answered ${report.status}, no crash`)
  proxy.delayMs = 0
  t.match(await service.ready(), { status: 'ready' })
})

// --- High 2: PostgreSQL hung, then back --------------------------------------------------------
/** Accepts and holds connections while hung; once restored, forwards new ones to PostgreSQL. */
async function switchable (target: URL): Promise<{ port: number, hung: boolean, held: number, close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const state = { hung: true, held: 0 }
  const server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => {})
    if (state.hung) {
      state.held++
      client.resume()
      return
    }
    const up = connect(Number(target.port || 5432), target.hostname)
    sockets.add(up)
    up.on('error', () => client.destroy())
    client.on('error', () => up.destroy())
    client.pipe(up).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    get hung () { return state.hung },
    set hung (v: boolean) { state.hung = v },
    get held () { return state.held },
    close: () => { for (const s of sockets) s.destroy(); return new Promise((resolve) => server.close(() => resolve())) }
  }
}

t.test('PostgreSQL: after a hung outage a borrowed pool without connectionTimeoutMillis is not filled, and readiness recovers', async (t) => {
  const link = await switchable(new URL(pgdb.url))
  t.teardown(() => link.close())
  const pool = new pg.Pool({ connectionString: pgUrlVia(link.port), max: 2 }) // pg's default connectionTimeoutMillis: 0
  pool.on('error', () => {})
  t.teardown(() => pool.end().catch(() => {}))
  const service = dbService(databaseCheck(postgresAdapter(pool)), 200)
  for (let i = 0; i < 4; i++) {
    t.match(await service.ready(), { status: 'not_ready', errors: [/timed out after 200 ms/] }, `hung probe ${i + 1}: 503 by the deadline`)
    await new Promise((resolve) => setTimeout(resolve, 60))
  }
  t.equal(pool.totalCount, 0, 'the app\'s pool holds none of the probes\' connections')
  link.hung = false
  t.match(await service.ready(), { status: 'ready' }, 'the first probe after the server is back answers 200')
  const r = await pool.query('SELECT 1 AS one')
  t.equal(r.rows[0]?.one, 1, 'the app\'s own query gets its answer')
})

// --- High 3: bots.ini that never ends ---------------------------------------------------------
t.test('a FIFO or /dev/zero as bots.ini or as a manifest: refused at once, in the plugin and the CLI', async (t) => {
  const e = botsEnv(t, { ini: null })
  const ini = join(e.configDir, 'bots.ini')
  execFileSync('mkfifo', [ini])
  const started = Date.now()
  const r = await runCli(['--check', 'ready', '--timeout', '500', '--config-dir', e.configDir, '--json'])
  t.equal(r.code, 1)
  t.ok((JSON.parse(r.stdout) as { errors: string[] }).errors.some((e) => /bots\.ini is not a regular file/.test(e)), r.stdout)
  t.ok(Date.now() - started < 5000, 'the CLI finished')
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(healthPlugin, { configDir: e.configDir, database: memoryAdapter({ tables: [] }) })
  t.match((await app.inject('/health/startup')).json(), { checks: { config: false } }, 'register did not block')
  const fifo = join(e.root, 'm.yaml')
  execFileSync('mkfifo', [fifo])
  for (const file of [fifo, '/dev/zero']) {
    const lint = await runCli(['lint', file])
    t.equal(lint.code, 2, `lint ${file}`)
    t.match(lint.stderr, 'not a regular file')
  }
})

// --- High 4: secrets --------------------------------------------------------------------------
t.test('a password that is not percent-encoded never shows, wherever it stands in the URL', async (t) => {
  const port = await closedPort()
  const passwords = ['se/cret99', 'p@ss:w/rd%#x y?&=', 'Sec#ret?x', '100%secret', 'a b@c']
  for (const password of passwords) {
    for (const scheme of ['mysql', 'postgres']) {
      const url = `${scheme}://adv_sp:${password}@127.0.0.1:${port}/x`
      const leaks = (text: string): boolean => text.includes(password) || (password.length > 6 && text.includes(password.slice(0, 6)))
      const cli = await runCli(['--check', 'ready', '--database-url', url, '--json'])
      t.notOk(leaks(cli.stdout + cli.stderr), `CLI --database-url ${scheme} ${JSON.stringify(password)}: ${cli.stdout}${cli.stderr}`)
      const env = await runCli(['--check', 'ready'], { env: { DATABASE_URL: url } })
      t.notOk(leaks(env.stdout + env.stderr), `CLI DATABASE_URL ${JSON.stringify(password)}`)
      const app = Fastify()
      let message = ''
      try {
        await app.register(healthPlugin, { botssys: '/', usersys: '/', database: url })
        await app.ready()
        message = JSON.stringify((await app.inject('/health/ready')).json())
      } catch (err) {
        message = (err as Error).message
      }
      await app.close()
      t.notOk(leaks(message), `plugin ${scheme} ${JSON.stringify(password)}: ${message}`)
    }
  }
  t.equal(safeUrl('mysql://u:p@ss:w/rd%#x y?&=@db:3306/x'), 'mysql://***@db:3306/x')
})

t.test('--url hides credentials, secret query values and secrets in the body, in text and JSON', async (t) => {
  const server = createHttpServer((_req, res) => {
    res.statusCode = 503
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ status: 'not_ready', check: 'readiness', checks: { database: false }, errors: ['connect mysql://root:BodySecret1@db failed; password=BodyPass22; Authorization: Bearer abcdefghijklmnop'] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const port = (server.address() as AddressInfo).port
  const url = `http://admin:UrlSecret9@127.0.0.1:${port}/health/ready?token=TokSecret8&password=QuerySecret7&verbose=1`
  for (const args of [['--url', url], ['--url', url, '--json']]) {
    const r = await runCli(args)
    t.equal(r.code, 1)
    for (const secret of ['UrlSecret9', 'TokSecret8', 'QuerySecret7', 'BodySecret1', 'BodyPass22', 'abcdefghijklmnop']) t.notMatch(r.stdout + r.stderr, secret, `${args.join(' ')}: no ${secret}`)
    t.match(r.stdout, 'verbose=1', 'what is not secret stays')
  }
})

t.test('redaction runs before the cut: a URL or a password near the cut point does not survive in part', async (t) => {
  for (const at of [60, 75, 85, 90, 95, 99]) {
    const pad = 'x'.repeat(at)
    const adapter = memoryAdapter({ tables: [], down: `${pad} mysql://botsuser:AdapterSecret99@db:3306/x` })
    const known = memoryAdapter({ tables: [], down: `${pad} login with Hunter2Hunter2 refused` })
    const a = await createHealthService({ ready: [databaseCheck(adapter)], startup: [], cacheTtlMs: 0, failureCacheTtlMs: 0 }).ready()
    t.notMatch(JSON.stringify(a), /AdapterS|Adapte|botsuser:A/, `URL at ${at}`)
    const b = await createHealthService({ ready: [databaseCheck(known)], startup: [], cacheTtlMs: 0, failureCacheTtlMs: 0, secrets: ['Hunter2Hunter2'] }).ready()
    t.notMatch(JSON.stringify(b), /Hunter/, `password at ${at}`)
    t.ok((a.errors?.[0]?.length ?? 0) <= 'Database check failed: '.length + 100, 'still cut to the seed\'s 100 characters')
  }
})

t.test('the password of a pg Pool given a connectionString is a secret', async (t) => {
  const pool = new pg.Pool({ connectionString: 'postgres://bots:PgSecret77@127.0.0.1:1/x' })
  t.teardown(() => pool.end())
  const r = await resolveDatabase(pool, 500)
  t.ok(r.secrets?.includes('PgSecret77'), 'the adapter carries it')
})

t.test('a short or common password does not garble the messages', async (t) => {
  const adapter = memoryAdapter({ tables: [], down: 'Database unavailable at a bots host, password a' })
  for (const secret of ['a', '1', '0', 'bots']) {
    const r = await createHealthService({ ready: [databaseCheck(adapter)], startup: [], cacheTtlMs: 0, failureCacheTtlMs: 0, secrets: [secret] }).ready()
    t.match(r.errors?.[0], /^Database check failed: Database unavailable at /, `secret ${JSON.stringify(secret)}: ${r.errors?.[0] ?? ''}`)
  }
  t.equal(redact('user bots, password bots@x', ['bots']), 'user ***, password ***@x')
})

// --- High 5: SQLite under the open connection ---------------------------------------------------
function sqliteEnv (t: Test): { dir: string, path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-hard-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return { dir, path: makeSqliteDb(dir) }
}

t.test('SQLite: a file deleted, replaced or corrupted while the service runs is seen at once', async (t) => {
  const { dir, path } = sqliteEnv(t)
  const adapter = sqliteAdapter(path)
  t.teardown(() => adapter.close?.())
  const service = dbService(databaseCheck(adapter))
  t.match(await service.ready(), { status: 'ready' })
  // replaced: a new file, with no tables, renamed over the old one
  const other = makeSqliteDb(join(dir, 'other'), [])
  renameSync(other, path)
  t.match(await service.ready(), { status: 'ready' }, 'the replacement is a database too')
  t.same((await adapter.listTables(new AbortController().signal)).names, [], 'and it is the new file that answers')
  // corrupted in place
  const fd = openSync(path, 'r+')
  writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0)
  closeSync(fd)
  t.match(await service.ready(), { status: 'not_ready', errors: [/Database check failed: .*(not a database|SQLITE_NOTADB)/] })
  // deleted
  unlinkSync(path)
  t.match(await service.ready(), { status: 'not_ready', errors: [`Database check failed: SQLite database not found: ${path}`] })
})

t.test('SQLite: a file locked by another process fails by the deadline without blocking the event loop', { skip: PYTHON === undefined ? 'python3 not found' : false }, async (t) => {
  const { path } = sqliteEnv(t)
  // an already open connection, which used to answer SELECT 1 from memory through the lock
  const adapter = sqliteAdapter(path)
  t.teardown(() => adapter.close?.())
  const service = dbService(databaseCheck(adapter), 300)
  t.match(await service.ready(), { status: 'ready' })
  const holder = spawn('python3', ['-c', `import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN EXCLUSIVE')
print('locked', flush=True)
time.sleep(30)`, path], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { holder.kill('SIGKILL') })
  await new Promise((resolve) => holder.stdout.once('data', resolve))
  let ticked = false
  setTimeout(() => { ticked = true }, 20)
  const report = await service.ready()
  t.match(report, { status: 'not_ready', errors: ['Database check failed: timed out after 300 ms'] })
  t.ok(ticked, 'a 20 ms timer fired while the probe waited on the lock')
  holder.kill('SIGKILL')
  await new Promise((resolve) => holder.once('exit', resolve))
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.match(await service.ready(), { status: 'ready' }, 'ready once the lock is gone')
})

t.test('pools the plugin opens from a URL have a connect timeout near the deadline', async (t) => {
  const { adapterFromUrl } = await import('../lib/db/url.js')
  const started = Date.now()
  const hung = createServer((s) => { s.resume() })
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve))
  t.teardown(() => hung.close())
  const viaHung = await adapterFromUrl(`mysql://u:p@127.0.0.1:${(hung.address() as AddressInfo).port}/x`, { timeoutMs: 300 })
  t.teardown(() => viaHung.close?.())
  await t.rejects(viaHung.ping(new AbortController().signal), /ETIMEDOUT|timeout/i, 'with no deadline of ours, the connect still ends: at connectTimeout')
  t.ok(Date.now() - started < 5000, `in ${Date.now() - started} ms (connectTimeout = max(1 s, 2 × timeoutMs), not mysql2's 10 s)`)
})

// --- High 6: timers too long ------------------------------------------------------------------
t.test('a timeout longer than a timer holds is refused, in the options and the CLI', async (t) => {
  const db = memoryAdapter({ tables: [] })
  for (const name of ['timeoutMs', 'cacheTtlMs', 'failureCacheTtlMs']) {
    await t.rejects(createBotsHealth({ database: db, botssys: '/', usersys: '/', [name]: 1e10 }), new RegExp(`${name} must be at most 2147483647 ms`))
  }
  const app = Fastify()
  await t.rejects(async () => { await app.register(healthPlugin, { database: db, botssys: '/', usersys: '/', drainDelayMs: 1e10 }); await app.ready() }, /drainDelayMs must be at most 2147483647/)
  await app.close()
  for (const value of ['3000000000', '9999999999']) {
    const r = await runCli(['--url', 'http://127.0.0.1:1/', '--timeout', value])
    t.equal(r.code, 2)
    t.match(r.stderr, `--timeout must be at most 2147483647, got ${value}`)
  }
})

// --- High 7: the wall clock steps back ---------------------------------------------------------
t.test('a wall clock stepping back an hour does not keep a cached pass fresh', async (t) => {
  let up = true
  const check: Check = { name: 'database', run: async () => { if (!up) throw new Error('down') } }
  const service = createHealthService({ ready: [check], startup: [], cacheTtlMs: 100, failureCacheTtlMs: 0 })
  t.match(await service.ready(), { status: 'ready' })
  const realNow = Date.now
  Date.now = () => realNow() - 3_600_000
  t.teardown(() => { Date.now = realNow })
  up = false
  await new Promise((resolve) => setTimeout(resolve, 150))
  t.match(await service.ready(), { status: 'not_ready' }, 'the pass expired after 100 ms of monotonic time')
})

// --- Medium: options accepted silently --------------------------------------------------------
t.test('options of the wrong type fail at register and name the option', async (t) => {
  const db = memoryAdapter({ tables: [] })
  const base = { database: db, botssys: '/', usersys: '/' }
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ handleSignals: 'yes' }, /handleSignals must be true or false, got "yes"/],
    [{ log: 'no' }, /log must be true or false, got "no"/],
    [{ routeLogLevel: 'loud' }, /routeLogLevel must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/],
    [{ env: 'x' }, /env must be an object of environment variables/],
    [{ secrets: 'abc' }, /secrets must be an array of strings, got "abc"/],
    [{ secrets: [42] }, /secrets must be an array of strings, got \[42\]/],
    [{ service: {} }, /service must be a health service/],
    [{ database: '' }, /database is an empty URL/]
  ]
  for (const [opts, message] of cases) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(healthPlugin, { ...base, ...opts } as never); await app.ready() }, message, JSON.stringify(opts))
    await app.close()
  }
  const app = Fastify()
  t.teardown(() => app.close())
  // A stray % in the password: refused at register, naming the option, without the password.
  const stray = app.register(healthPlugin, { botssys: '/', usersys: '/', database: `mysql://u:100%secret@127.0.0.1:${await closedPort()}/x`, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  const err = await stray.ready().then(() => undefined, (e: unknown) => e as Error & { code?: string })
  t.equal(err?.code, 'FST_BOTS_HEALTH_OPTIONS')
  t.match(err?.message, /^fastify-bots-health: database URL's password holds a "%" that starts no escape .*percent-encode it as %25/)
  t.notMatch(err?.message, '100%secret')
  t.notMatch(err?.message, 'secret')
})

// --- Medium: https with a self-signed certificate ---------------------------------------------
t.test('--url https:// to a self-signed server counts as the kubelet counts it; --strict-tls verifies', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' })
  const server = createHttpsServer({ key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) }, (_req, res) => res.end('ok'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/health/live`
  t.equal((await runCli(['--url', url])).code, 0)
  const strict = await runCli(['--url', url, '--strict-tls'])
  t.equal(strict.code, 2)
  t.match(strict.stdout, /self[- ]signed/i)
})

// --- Low ---------------------------------------------------------------------------------------
t.test('a 400 from the querystring is a real body with Cache-Control: no-store; unknown names are not echoed by the thousand', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(healthPlugin, { botssys: '/', usersys: '/', database: memoryAdapter({ tables: [] }) })
  const twice = await app.inject('/health/ready?verbose&verbose')
  t.equal(twice.statusCode, 400)
  t.equal(twice.headers['cache-control'], 'no-store')
  t.match(twice.json(), { statusCode: 400, error: 'Bad Request', message: /verbose must be given at most once/ })
  const many = await app.inject(`/health/ready?${Array.from({ length: 10_000 }, (_, i) => `exclude=n${i}`).join('&')}`)
  t.equal(many.statusCode, 400)
  t.ok(many.body.length < 1024, `${many.body.length} bytes`)
  const fifty = await app.inject(`/health/ready?${Array.from({ length: 50 }, (_, i) => `exclude=n${i}`).join('&')}`)
  t.equal(fifty.statusCode, 400)
  t.match(fifty.json().message, /no such check: n0, n1, n2, n3, n4 and 45 more \(this probe has database, botssys, usersys\)/)
  const all = await app.inject('/health/ready?exclude=database&exclude=botssys&exclude=usersys')
  t.equal(all.statusCode, 400, 'excluding every check is no 200')
  t.match(all.json().message, /exclude leaves no check to run/)
})
