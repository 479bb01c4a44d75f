import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { botsEnv, healthApp } from './helpers/app.js'
import Fastify, { type FastifyInstance } from 'fastify'
import { createPool, type Pool, type PoolConnection } from 'mysql2'
import { healthPlugin, type HealthPluginOptions } from '../lib/index.js'
import { spawnCli, unprivileged } from './helpers/cli.js'
import { createTestDatabase, MYSQL_HOST, MYSQL_PORT, mysqlUrlFor, type TestDatabase } from './helpers/mysql.js'
import { closedPort, hungServer, mysqlProxy, statusOnceDraining } from './helpers/net.js'
import { schemaErrors } from './helpers/schema.js'

let db: TestDatabase
t.before(async () => { db = await createTestDatabase('faults') })
t.teardown(async () => { await db.drop() })

const DEADLINE = 200
// An answer "by the deadline" is told from a hang by a bound well below the drivers' connect
// timeouts (10-20 s) that a busy machine cannot break; how close to the deadline it comes is
// measured by `npm run bench`, not asserted here.
const NO_HANG_MS = 5000

function pool (t: Test, url: string, extra: Record<string, unknown> = {}): Pool {
  const p = createPool({ uri: url, connectionLimit: 4, connectTimeout: 2000, ...extra })
  t.teardown(() => new Promise<void>((resolve) => p.end(() => resolve())))
  return p
}

async function app (t: Test, database: HealthPluginOptions['database'], opts: Partial<HealthPluginOptions> = {}, server: Record<string, unknown> = {}, setup?: (f: FastifyInstance) => void): Promise<FastifyInstance> {
  return await healthApp(t, { database, timeoutMs: DEADLINE, ...opts }, { server, ...(setup !== undefined ? { setup } : {}) })
}

/** One probe through Fastify: its code, body and how long it took. */
async function probe (fastify: FastifyInstance, path = '/health/ready') {
  const started = Date.now()
  const res = await fastify.inject(path)
  return { code: res.statusCode, body: res.json(), ms: Date.now() - started }
}

function validReady (t: Test, body: unknown): void {
  t.equal(schemaErrors('BotsHealthReadyReport', body), '', 'schema-valid')
}

t.test('database refused: 503 at once with the driver\'s reason', async (t) => {
  const port = await closedPort()
  const fastify = await app(t, pool(t, mysqlUrlFor(db.name, port)))
  const r = await probe(fastify)
  t.equal(r.code, 503)
  validReady(t, r.body)
  t.match(r.body.errors, [/^Database check failed: .*ECONNREFUSED/])
  t.ok(r.ms < NO_HANG_MS, `answered in ${r.ms} ms`)
})

t.test('database hung: 503 by the deadline, and 100 probes make one connection attempt', async (t) => {
  const hung = await hungServer()
  const fastify = await app(t, pool(t, mysqlUrlFor('x', hung.port), { connectTimeout: 20_000 }))
  // closed before the pool, whose end() would otherwise wait for the pending connect
  t.teardown(() => hung.close())
  const first = await probe(fastify)
  t.equal(first.code, 503)
  t.ok(first.ms >= DEADLINE - 5 && first.ms < NO_HANG_MS, `answered in ${first.ms} ms, deadline ${DEADLINE}`)
  t.same(first.body.errors, [`Database check failed: timed out after ${DEADLINE} ms`])
  validReady(t, first.body)
  let slowest = 0
  for (let i = 0; i < 100; i++) {
    const r = await probe(fastify)
    t.equal(r.code, 503)
    slowest = Math.max(slowest, r.ms)
  }
  t.ok(slowest < NO_HANG_MS, `slowest of 100 probes: ${slowest} ms`)
  t.equal(hung.accepted, 1, 'one connection attempt in flight, not one per probe')
  t.ok(hung.open <= 1, 'no connection piles up at the server')
})

t.test('1000 concurrent probes while the database hangs: all 503, one attempt, again and again', async (t) => {
  // Behaviour only: how long the slowest waits, and the heap, are figures for `npm run bench`
  // (its 5000-probe burst), not assertions a loaded two-core machine can break.
  const hung = await hungServer()
  const fastify = await app(t, pool(t, mysqlUrlFor('x', hung.port), { connectTimeout: 20_000 }))
  // closed before the pool, whose end() would otherwise wait for the pending connect
  t.teardown(() => hung.close())
  const results = await Promise.all(Array.from({ length: 1000 }, () => fastify.inject('/health/ready')))
  t.ok(results.every((r) => r.statusCode === 503), 'every probe answered 503')
  t.match(results[999]?.json(), { status: 'not_ready', errors: [/^Database check failed: timed out after \d+ ms/] })
  t.equal(schemaErrors('BotsHealthReadyReport', results[999]?.json()), '')
  t.equal(hung.accepted, 1, 'one database attempt in flight')
  for (let round = 0; round < 4; round++) {
    const more = await Promise.all(Array.from({ length: 1000 }, () => fastify.inject('/health/ready')))
    t.ok(more.every((r) => r.statusCode === 503), `burst ${round + 2}: every probe answered 503`)
  }
  t.equal(hung.accepted, 1, 'still one attempt after 5000 probes')
})

t.test('database slow: latency below the deadline is 200, above it 503, and back', async (t) => {
  const proxy = await mysqlProxy(MYSQL_PORT, MYSQL_HOST)
  t.teardown(() => proxy.close())
  // A deadline of its own, 1 s: latency well below it must pass on a busy machine too.
  const deadline = 1000
  const fastify = await app(t, pool(t, mysqlUrlFor(db.name, proxy.port)), { timeoutMs: deadline })
  // The first probe also connects (a handshake through the proxy): on a busy machine that alone
  // can pass the deadline, which is not what this test is about. Connected, it answers 200.
  let first = await probe(fastify)
  for (let i = 0; i < 20 && first.code !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    first = await probe(fastify)
  }
  t.equal(first.code, 200, 'connection made before the delay')
  proxy.delayMs = deadline / 10
  const below = await probe(fastify)
  t.equal(below.code, 200, `${proxy.delayMs} ms of latency`)
  proxy.delayMs = deadline * 2
  const above = await probe(fastify)
  t.equal(above.code, 503)
  t.ok(above.ms < deadline + 800, `answered in ${above.ms} ms`)
  t.same(above.body.errors, [`Database check failed: timed out after ${deadline} ms`])
  proxy.delayMs = 0
  // the timed-out attempt destroyed its connection and settles; the next one passes
  let recovered = await probe(fastify)
  for (let i = 0; i < 20 && recovered.code !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    recovered = await probe(fastify)
  }
  t.equal(recovered.code, 200, 'recovers once the latency is gone')
})

t.test('wrong password and unknown database: 503 with a short stable reason, no secret', async (t) => {
  const u = new URL(mysqlUrlFor(db.name))
  u.username = 'bots_nobody'
  u.password = 'Wr0ng-Secret'
  const wrong = await probe(await app(t, pool(t, u.toString())))
  t.equal(wrong.code, 503)
  t.match(wrong.body.errors, [/^Database check failed: ER_ACCESS_DENIED_ERROR: Access denied for user 'bots_nobody'/])
  t.notMatch(JSON.stringify(wrong.body), 'Wr0ng-Secret')
  t.ok(wrong.body.errors[0].length <= 'Database check failed: '.length + 100, 'the reason is cut to 100 characters')
  const unknown = await probe(await app(t, pool(t, mysqlUrlFor('bh_does_not_exist'))))
  t.equal(unknown.code, 503)
  t.match(unknown.body.errors, [/^Database check failed: ER_BAD_DB_ERROR: Unknown database 'bh_does_not_exist'/])
  validReady(t, unknown.body)
})

t.test('the link cut and restored under a running service: ready recovers within the TTL', async (t) => {
  const proxy = await mysqlProxy(MYSQL_PORT, MYSQL_HOST)
  t.teardown(() => proxy.close())
  const fastify = await app(t, pool(t, mysqlUrlFor(db.name, proxy.port)), { cacheTtlMs: 300, failureCacheTtlMs: 100 })
  t.equal((await probe(fastify)).code, 200)
  proxy.cut()
  await new Promise((resolve) => setTimeout(resolve, 350)) // let the cached pass expire
  const down = await probe(fastify)
  t.equal(down.code, 503)
  validReady(t, down.body)
  proxy.restore()
  const restoredAt = Date.now()
  let up = await probe(fastify)
  while (up.code !== 200 && Date.now() - restoredAt < 2000) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    up = await probe(fastify)
  }
  t.equal(up.code, 200, 'ready again without restarting the app')
  t.ok(Date.now() - restoredAt <= 100 + NO_HANG_MS, `recovered ${Date.now() - restoredAt} ms after the restore (failure TTL 100 ms)`)
})

t.test('the app\'s own pool exhausted: 503 inside the deadline, 200 once released, nothing leaked', async (t) => {
  const p = pool(t, db.url, { connectionLimit: 2 })
  const held = await Promise.all([0, 1].map(() => new Promise<PoolConnection>((resolve, reject) => p.getConnection((err, c) => err ? reject(err) : resolve(c)))))
  const fastify = await app(t, p)
  const exhausted = await probe(fastify)
  t.equal(exhausted.code, 503)
  t.ok(exhausted.ms < NO_HANG_MS, `answered in ${exhausted.ms} ms`)
  t.same(exhausted.body.errors, [`Database check failed: timed out after ${DEADLINE} ms`])
  for (const c of held) c.release()
  let again = await probe(fastify)
  for (let i = 0; i < 20 && again.code !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    again = await probe(fastify)
  }
  t.equal(again.code, 200)
  const internals = p as unknown as { _allConnections: { length: number }, _freeConnections: { length: number } }
  t.equal(internals._allConnections.length, 2)
  t.equal(internals._freeConnections.length, 2, 'the connection that arrived late was given back')
})

t.test('directories removed, replaced by a file, at runtime; recovery when they return', async (t) => {
  const e = botsEnv(t)
  const fastify = Fastify()
  t.teardown(() => fastify.close())
  await fastify.register(healthPlugin, { configDir: e.configDir, database: db.url, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  t.equal((await probe(fastify)).code, 200)
  rmSync(e.usersys, { recursive: true })
  const removed = await probe(fastify)
  t.equal(removed.code, 503)
  t.same(removed.body.errors, [`usersys directory not found: ${e.usersys}`])
  writeFileSync(e.usersys, 'not a directory')
  const file = await probe(fastify)
  t.same(file.body.errors, [`usersys is not a directory: ${e.usersys}`])
  rmSync(e.usersys)
  mkdirSync(e.usersys)
  t.equal((await probe(fastify)).code, 200)
})

t.test('an unreadable directory is reported as such (probed by an unprivileged user)', async (t) => {
  const e = botsEnv(t)
  const sqlite = join(e.botssys, 'sqlitedb')
  mkdirSync(sqlite)
  chmodSync(e.root, 0o755)
  chmodSync(e.usersys, 0o000)
  t.teardown(() => chmodSync(e.usersys, 0o755))
  // root reads anything, so the probe runs as nobody when the tests run as root
  const asNobody = await unprivileged(t)
  if (asNobody === undefined) return
  const r = await spawnCli(['--check', 'ready', '--json', '--config-dir', e.configDir, '--database-url', db.url], asNobody)
  t.equal(r.code, 1)
  t.equal(r.stderr, '', 'nothing on stderr: no stack trace')
  t.match(JSON.parse(r.stdout).errors, [`usersys directory not readable: ${e.usersys}`])
})

t.test('bots.ini in Bots\' own syntax drives the directories', async (t) => {
  const e = botsEnv(t, { ini: '[Settings]\nMAXDAYS: 30\nnotes = one\n  two\n[webserver]\nenvironment_text_color = #000000\n; a comment\n[directories]\nBOTSSYS: botssys\nUsersys = usersys\n' })
  const fastify = Fastify()
  t.teardown(() => fastify.close())
  await fastify.register(healthPlugin, { configDir: e.configDir, database: db.url })
  const r = await probe(fastify, '/health/startup')
  t.equal(r.code, 200, JSON.stringify(r.body))
})

t.test('close during a burst: ready 503 shutting down, live 200, no request left hanging', async (t) => {
  const fastify = await app(t, db.url, { drainDelayMs: 400 }, { return503OnClosing: false })
  await fastify.listen({ port: 0, host: '127.0.0.1' })
  const { port } = fastify.server.address() as AddressInfo
  const get = (path: string) => new Promise<{ code: number, body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.setTimeout(3000, () => req.destroy(new Error('hung request')))
    req.end()
  })
  t.equal((await get('/health/ready')).code, 200)
  const burst = Array.from({ length: 50 }, () => get('/health/ready'))
  const closing = fastify.close()
  const during = await Promise.all([get('/health/ready'), get('/health/live'), get('/health/startup')])
  const answers = await Promise.all(burst)
  t.ok(answers.every((a) => a.code === 200 || a.code === 503), 'every request of the burst was answered')
  t.equal(during[0].code, 503)
  t.same(JSON.parse(during[0].body).errors, ['shutting down'])
  validReady(t, JSON.parse(during[0].body))
  t.equal(during[1].code, 200, 'liveness keeps answering 200')
  t.equal(during[2].code, 200, 'startup stays latched')
  await closing
})

t.test('SIGTERM with handleSignals: readiness 503 at once, the server serves through the drain, then exits', async (t) => {
  const port = await closedPort()
  const { spawn } = await import('node:child_process')
  const child = spawn(process.execPath, ['examples/demo.mjs'], { env: { ...process.env, PORT: String(port), DRAIN_DELAY_MS: '800', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('Stop with Ctrl-C')) resolve() })
    child.once('exit', (code) => reject(new Error(`demo exited early (${code}): ${out}`)))
  })
  const base = `http://127.0.0.1:${port}`
  t.equal((await fetch(`${base}/health/ready`)).status, 200)
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  t.equal(await statusOnceDraining(`${base}/health/ready`), 503)
  const ready = await fetch(`${base}/health/ready`)
  t.equal(ready.status, 503)
  t.same((await ready.json() as { errors: string[] }).errors, ['shutting down'])
  t.equal((await fetch(`${base}/health/live`)).status, 200, 'liveness 200 while draining')
  t.equal(await exited, 0, 'closed cleanly after the drain delay')
})

t.test('bad input: query strings ignored, other methods answered with JSON, oversized requests refused', async (t) => {
  const fastify = await app(t, db.url)
  t.equal((await fastify.inject('/health/ready?foo=bar&verbose=1')).statusCode, 200)
  const post = await fastify.inject({ method: 'POST', url: '/health/ready' })
  t.equal(post.statusCode, 404)
  t.match(post.json(), { statusCode: 404 })
  const del = await fastify.inject({ method: 'DELETE', url: '/health/live' })
  t.equal(del.statusCode, 404)
  await fastify.listen({ port: 0, host: '127.0.0.1' })
  const { port } = fastify.server.address() as AddressInfo
  const longUrl = await fetch(`http://127.0.0.1:${port}/health/ready?x=${'a'.repeat(20_000)}`)
  t.equal(longUrl.status, 431, 'a 20 kB URL is refused by the HTTP server\'s header limit')
  const longHeader = await fetch(`http://127.0.0.1:${port}/health/ready`, { headers: { 'x-big': 'b'.repeat(20_000) } })
  t.equal(longHeader.status, 431)
  t.equal((await fetch(`http://127.0.0.1:${port}/health/ready`)).status, 200, 'and the server still answers')
})

t.test('probe routes log nothing per request by default; transitions are logged once', async (t) => {
  const lines: { level: number, msg: string }[] = []
  const stream = { write: (s: string) => { lines.push(JSON.parse(s)) } }
  const e = botsEnv(t)
  const fastify = Fastify({ logger: { level: 'info', stream } })
  t.teardown(() => fastify.close())
  await fastify.register(healthPlugin, { configDir: e.configDir, database: db.url, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  for (let i = 0; i < 5; i++) await fastify.inject('/health/ready')
  t.same(lines.filter((l) => /request/.test(l.msg)), [], 'no "incoming request" lines for probes')
  rmSync(e.usersys, { recursive: true })
  for (let i = 0; i < 5; i++) await fastify.inject('/health/ready')
  mkdirSync(e.usersys)
  for (let i = 0; i < 5; i++) await fastify.inject('/health/ready')
  t.same(lines.map((l) => [l.level, l.msg]), [[40, 'readiness is unhealthy: usersys failed'], [30, 'readiness recovered: all checks pass']])
})
