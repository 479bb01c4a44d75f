// The probes on a port of their own, checks of one's own, and shutdown with close-with-grace.
import { spawn } from 'node:child_process'
import { request as httpRequest, type ClientRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { memoryAdapter } from './helpers/memory-adapter.js'
import Fastify, { type FastifyInstance } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { healthPlugin, type Check } from '../lib/index.js'
import { closedPort, hungServer, statusOnceDraining } from './helpers/net.js'
import { eventually } from './helpers/serve.js'

const db = memoryAdapter()
const base = { database: db, botssys: '/', usersys: '/' }

function get (port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  return fetch(`http://127.0.0.1:${port}${path}`, { headers }).then(async (r) => ({ status: r.status, body: await r.text() }))
}

/** The app listens; the probe port binds just after (an onListen hook): wait until it answers. */
async function listen (app: FastifyInstance, probePort?: number): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  if (probePort !== undefined) await eventually(async () => await get(probePort, '/health/ping').then(() => true, () => false), 10_000)
  return (app.server.address() as { port: number }).port
}

for (const order of ['auth hook before the plugin', 'auth hook after the plugin']) {
  t.test(`a global auth hook (${order}): the main port answers 401, the probe port 200`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    const auth = async (req: { headers: Record<string, unknown> }, reply: { code (n: number): { send (b: unknown): unknown } }) => {
      if (req.headers.authorization !== 'Bearer let-me-in') return reply.code(401).send({ error: 'unauthorized' })
    }
    const probePort = await closedPort()
    if (order.includes('before')) app.addHook('onRequest', auth as never)
    await app.register(healthPlugin, { ...base, listen: { port: probePort, host: '127.0.0.1' } })
    if (order.includes('after')) app.addHook('onRequest', auth as never)
    const main = await listen(app, probePort)
    t.equal((await get(main, '/health/ready')).status, 401, 'the app\'s auth applies on its port')
    t.equal((await get(main, '/health/ready', { authorization: 'Bearer let-me-in' })).status, 200)
    const probe = await get(probePort, '/health/ready')
    t.equal(probe.status, 200)
    t.match(JSON.parse(probe.body), { status: 'ready' })
    t.equal((await get(probePort, '/health/ping')).body, 'ok')
  })
}

t.test('an auth hook can let the probe routes through by their route config', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.config.healthProbe === true) return
    if (req.headers.authorization === undefined) return reply.code(401).send({ error: 'unauthorized' })
  })
  app.get('/private', async () => 'secret')
  await app.register(healthPlugin, base)
  t.equal((await app.inject('/private')).statusCode, 401)
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal((await app.inject('/health/live')).statusCode, 200)
})

t.test('@fastify/rate-limit on the app: the main port answers 429, the probe port never', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(rateLimit, { global: true, max: 3, timeWindow: 60_000 })
  const probePort = await closedPort()
  await app.register(healthPlugin, { ...base, listen: { port: probePort, host: '127.0.0.1' } })
  const main = await listen(app, probePort)
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) statuses.push((await get(main, '/health/ready')).status)
  t.same(statuses.slice(3), [429, 429, 429], 'the main port is limited')
  for (let i = 0; i < 10; i++) t.equal((await get(probePort, '/health/ready')).status, 200)
})

t.test('the probe port answers while the main port is saturated', async (t) => {
  const app = Fastify()
  let release!: () => void
  const blocked = new Promise<void>((resolve) => { release = resolve })
  t.teardown(async () => { release(); await app.close() })
  app.get('/slow', async () => { await blocked; return 'done' })
  const probePort = await closedPort()
  await app.register(healthPlugin, { ...base, listen: { port: probePort, host: '127.0.0.1' } })
  const main = await listen(app, probePort)
  app.server.maxConnections = 4
  const pending: ClientRequest[] = []
  for (let i = 0; i < 4; i++) {
    const req = httpRequest({ host: '127.0.0.1', port: main, path: '/slow', agent: false })
    req.on('error', () => {})
    req.end()
    pending.push(req)
  }
  await new Promise((resolve) => setTimeout(resolve, 100))
  const refused = await get(main, '/health/ready').then(() => 'answered', () => 'refused')
  t.equal(refused, 'refused', 'the main port takes no more connections')
  t.equal((await get(probePort, '/health/ready')).status, 200, 'the probe port answers')
  release()
  for (const r of pending) r.destroy()
})

t.test('the probe port drains with the app: readiness 503 while close() waits, then it closes', async (t) => {
  const app = Fastify({ return503OnClosing: false })
  const probePort = await closedPort()
  await app.register(healthPlugin, { ...base, drainDelayMs: 400, listen: { port: probePort, host: '127.0.0.1' } })
  await listen(app, probePort)
  t.equal((await get(probePort, '/health/ready')).status, 200)
  const closing = app.close()
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal((await get(probePort, '/health/ready')).status, 503, 'draining')
  t.equal((await get(probePort, '/health/live')).status, 200, 'liveness stays 200')
  await closing
  t.equal(await get(probePort, '/health/ready').then(() => 'answered', () => 'closed'), 'closed', 'closed with the app')
})

for (const [label, handleSignals, cwg, signal] of [
  ['close-with-grace closes the app on SIGTERM', false, true, 'SIGTERM'],
  ['close-with-grace and handleSignals together, SIGTERM', true, true, 'SIGTERM'],
  ['handleSignals alone, SIGINT', true, false, 'SIGINT']
] as const) {
  t.test(`${label}: readiness 503 for the drain, then exit 0`, async (t) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/close-with-grace-app.mjs', import.meta.url))], { env: { ...process.env, DRAIN_DELAY_MS: '600', HANDLE_SIGNALS: String(handleSignals), CLOSE_WITH_GRACE: String(cwg) }, stdio: ['ignore', 'pipe', 'inherit'] })
    t.teardown(() => { child.kill('SIGKILL') })
    const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port)))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    t.equal((await get(port, '/health/ready')).status, 200)
    const signalled = Date.now()
    child.kill(signal)
    t.equal(await statusOnceDraining(`http://127.0.0.1:${port}/health/ready`), 503, 'readiness is 503 while the app drains')
    t.equal((await get(port, '/health/live')).status, 200, 'liveness stays 200')
    t.equal(await exited, 0)
    t.ok(Date.now() - signalled >= 550, `the drain delay was kept (${Date.now() - signalled} ms)`)
  })
}

t.test('checks of your own: in their probes, under the deadline, the cache and the logs; a taken name is refused', async (t) => {
  let cacheUp = true
  let calls = 0
  const cache: Check = { name: 'cache', async run () { calls++; if (!cacheUp) throw new Error('cache: connection refused') } }
  const slow: Check = { name: 'queue', run: () => new Promise(() => {}) }
  const lines: string[] = []
  const app = Fastify({ logger: { level: 'info', stream: { write: (l: string) => lines.push(l) } } })
  t.teardown(() => app.close())
  // A clock the test moves (the deadline's timers stay real): the cache expires without a sleep.
  let skipped = 0
  const clock = { now: () => performance.now() + skipped }
  await app.register(healthPlugin, { ...base, timeoutMs: 200, failureCacheTtlMs: 0, clock, checks: [{ ...cache, probes: ['ready', 'startup'] }, { ...slow, probes: ['ready'] }] })
  t.same(app.health.checks.ready, ['database', 'botssys', 'usersys', 'cache', 'queue'])
  t.same(app.health.checks.startup, ['database', 'tables', 'botssys', 'usersys', 'cache'])
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.match(ready.json(), { checks: { cache: true, queue: false }, errors: ['queue check failed: timed out after 200 ms'] })
  t.equal((await app.inject('/health/ready/cache')).statusCode, 200, 'a sub-path of its own')
  const before = calls
  await Promise.all(Array.from({ length: 20 }, () => app.inject('/health/ready/cache')))
  t.equal(calls, before, 'cached: twenty probes, no new run')
  cacheUp = false
  skipped += 1100
  t.match((await app.inject('/health/startup')).json(), { status: 'starting', checks: { cache: false } })
  t.match(lines.join(''), /"msg":"startup is unhealthy: botssys, cache failed"/, 'one transition line, naming the check (botssys: / has no data/)')
  for (const [checks, message] of [
    [[{ name: 'database', run: async () => {} }], /checks has a check named "database", a name already taken/],
    [[{ name: 'a', run: async () => {} }, { name: 'a', run: async () => {} }], /a name already taken/],
    [[{ name: 'has space', run: async () => {} }], /checks\[0\]\.name must be 1-64 letters/],
    [[{ name: 'x' }], /checks\[0\]\.run must be a function/],
    [[{ name: 'x', run: async () => {}, probes: ['readiness'] }], /checks\[0\]\.probes must be a non-empty array of "live", "ready", "startup"/]
  ] as const) {
    const other = Fastify()
    await t.rejects(async () => { await other.register(healthPlugin, { ...base, checks: checks as never }); await other.ready() }, message)
    await other.close()
  }
})

t.test('with service:, the lifecycle options are refused rather than dropped', async (t) => {
  const owner = Fastify()
  t.teardown(() => owner.close())
  await owner.register(healthPlugin, base)
  await owner.ready()
  for (const opts of [{ drainDelayMs: 5000 }, { handleSignals: true }]) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(healthPlugin, { service: owner.health, ...opts }); await app.ready() }, /does not go with service: the registration that owns the service drains it/, JSON.stringify(opts))
    await app.close()
  }
})

t.test('a bad listen option fails at register', async (t) => {
  for (const listen of [{ port: 'x' }, { port: 70000 }, { port: 9000, host: '' }, 9000]) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(healthPlugin, { ...base, listen: listen as never }); await app.ready() }, /listen must be \{ port: 0-65535, host\?: "0\.0\.0\.0" \}/)
    await app.close()
  }
})

t.test('listen: an app that is only inject()ed binds no probe port; it binds when the app listens', async (t) => {
  const probePort = await closedPort()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(healthPlugin, { ...base, listen: { port: probePort, host: '127.0.0.1' } })
  await app.ready()
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal(await get(probePort, '/health/ready').then(() => 'answered', () => 'closed'), 'closed', 'ready() and inject(): no port bound')
  await listen(app, probePort)
  t.equal((await get(probePort, '/health/ready')).status, 200, 'listen(): the probe port answers')
})

t.test('a second registration that would build a second service is refused before it opens anything, pointing at service:', async (t) => {
  const hung = await hungServer()
  t.teardown(() => hung.close())
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(healthPlugin, base)
  await t.rejects(async () => {
    await app.register(healthPlugin, { prefix: '/other/health', database: `mysql://u@127.0.0.1:${hung.port}/x`, botssys: '/', usersys: '/' })
    await app.ready()
  }, { code: 'FST_BOTS_HEALTH_OPTIONS', message: /service is needed for a second registration: .*\{ prefix: '\/other\/health', service: fastify\.health \}/ })
  t.equal(hung.accepted, 0, 'no connection was opened')
})

t.test('openapi: false keeps the probe routes out of the OpenAPI document', async (t) => {
  const { default: swagger } = await import('@fastify/swagger')
  for (const openapi of [true, false]) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(swagger, { openapi: { info: { title: 't', version: '1' } } })
    await app.register(healthPlugin, { ...base, openapi })
    await app.ready()
    const paths = Object.keys((app.swagger() as { paths?: Record<string, unknown> }).paths ?? {})
    t.equal(paths.includes('/health/ready'), openapi, `openapi: ${String(openapi)}`)
    t.equal((await app.inject('/health/ready')).statusCode, 200, 'the route serves either way')
  }
})
