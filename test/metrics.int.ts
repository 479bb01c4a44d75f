// /metrics: kube-apiserver's families, check durations and Bots' gauges, through serve and the
// plugin, accepted by promtool (Prometheus 0.0.4) and by prometheus_client's OpenMetrics parser;
// a scrape runs no check, and a burst of probes inside one TTL counts one attempt.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import t from 'tap'
import { createBotsHealth } from '../lib/bots/compose.js'
import healthPlugin, { CheckFailure } from '../lib/index.js'
import { createHealthMetrics, durationBuckets, wantsOpenMetrics } from '../lib/metrics.js'
import { botsEnv, healthApp } from './helpers/app.js'
import { makeSqliteDb } from './helpers/cli.js'
import { MUTEX_DDL, REPORT_DDL, TA_DDL } from './helpers/bots-ddl.js'
import { memoryAdapter } from './helpers/memory-adapter.js'
import { createTestDatabase } from './helpers/mysql.js'
import { closedPort } from './helpers/net.js'
import { NO_PROMTOOL, NO_PYTHON_PROM, parseOpenMetrics, PROMTOOL, promtoolCheckMetrics, PYTHON_PROM } from './helpers/prometheus.js'
import { eventually, serve } from './helpers/serve.js'
import { engineJob, PYTHON, pythonJobqueue } from './helpers/xmlrpc.js'

/** The value of a sample of the Prometheus text, by its name and labels (in the order written). */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('serve: /metrics in Prometheus 0.0.4 (promtool) and OpenMetrics (prometheus_client), with Bots\' gauges', async (t) => {
  const e = botsEnv(t)
  makeSqliteDb(e.botssys)
  const served = await serve(t, ['--timeout', '5000', '--config-dir', e.configDir, '--disk', '--drain-delay', '0'])
  const origin = served.base.replace(/\/health$/, '')
  for (let i = 0; i < 5; i++) t.equal((await fetch(`${served.base}/ready`)).status, 200)
  await fetch(`${served.base}/live`)
  const res = await fetch(`${origin}/metrics`)
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  t.equal(res.headers.get('cache-control'), 'no-store')
  const text = await res.text()
  t.equal(sample(text, 'kubernetes_healthcheck{name="database",type="readyz"}'), 1)
  t.equal(sample(text, 'kubernetes_healthchecks_total{name="database",type="readyz",status="success"}'), 1, 'five probes within the TTL: one run')
  t.equal(sample(text, 'fastify_bots_health_check_duration_seconds_count{name="disk",type="readyz"}'), 1)
  t.match(text, /^fastify_bots_health_check_duration_seconds_bucket\{le="5",name="disk",type="readyz"\} 1$/m, 'a bucket at the deadline (--timeout 5000)')
  t.ok((sample(text, 'bots_disk_free_bytes') ?? 0) > 0, 'bots_disk_free_bytes')
  t.ok((sample(text, 'bots_disk_free_inodes') ?? 0) > 0, 'bots_disk_free_inodes')
  t.notMatch(text, /bots_engine_lock_age_seconds/, 'no gauge for a check that is not there')
  for (const family of ['kubernetes_healthcheck', 'kubernetes_healthchecks_total', 'fastify_bots_health_check_duration_seconds', 'bots_disk_free_bytes']) {
    t.match(text, new RegExp(`^# HELP ${family} .+\\n# TYPE ${family} `, 'm'), `${family}: HELP and TYPE`)
  }
  if (PROMTOOL !== undefined) t.same(promtoolCheckMetrics(text), { code: 0, output: '' }, 'promtool check metrics prints nothing')
  else t.comment(`skipped promtool: ${String(NO_PROMTOOL)}`)
  const om = await fetch(`${origin}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0,text/plain;q=0.5' } })
  t.equal(om.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  const omText = await om.text()
  t.match(omText, /\n# EOF\n?$/)
  if (PYTHON_PROM !== undefined) {
    const families = parseOpenMetrics(omText)
    const byName = Object.fromEntries(families.map((f) => [f.name, f]))
    t.match(byName.kubernetes_healthchecks, { type: 'counter', samples: [{ name: 'kubernetes_healthchecks_total' }] })
    t.match(byName.kubernetes_healthcheck, { type: 'gauge' })
    t.match(byName.fastify_bots_health_check_duration_seconds, { type: 'histogram' })
    t.ok(byName.bots_disk_free_bytes !== undefined)
  } else t.comment(`skipped the OpenMetrics parser: ${String(NO_PYTHON_PROM)}`)
})

t.test('a scrape runs no check; 500 concurrent probes inside one TTL count one attempt', async (t) => {
  const db = memoryAdapter()
  let runs = 0
  const counted = { name: 'counted', async run () { runs++ } }
  const app = await healthApp(t, { timeoutMs: 5000, database: db, metrics: true, cacheTtlMs: 60_000, checks: [counted] })
  const before = { db: db.calls, runs }
  for (let i = 0; i < 20; i++) t.equal((await app.inject('/metrics')).statusCode, 200)
  t.same({ db: db.calls, runs }, before, 'twenty scrapes ran nothing')
  const answers = await Promise.all(Array.from({ length: 500 }, async () => await app.inject('/health/ready')))
  t.same([...new Set(answers.map((a) => a.statusCode))], [200])
  const text = (await app.inject('/metrics')).body
  t.equal(sample(text, 'kubernetes_healthchecks_total{name="database",type="readyz",status="success"}'), 1, '500 probes, one database run')
  t.equal(sample(text, 'kubernetes_healthchecks_total{name="counted",type="readyz",status="success"}'), 1)
  t.equal(runs, 1)
  // The plugin's exposition, to both oracles as serve's.
  if (PROMTOOL !== undefined) t.same(promtoolCheckMetrics(text), { code: 0, output: '' }, 'promtool: the plugin\'s /metrics')
  if (PYTHON_PROM !== undefined) {
    const om = await app.inject({ url: '/metrics', headers: { accept: 'application/openmetrics-text' } })
    t.ok(parseOpenMetrics(om.body).some((f) => f.name === 'kubernetes_healthchecks'), 'prometheus_client: the plugin\'s OpenMetrics')
  }
})

t.test('statuses: success, warn and error are counted apart; the gauge is 1 for a warning, 0 for a failure; a failure keeps its measures', async (t) => {
  let outcome: 'pass' | 'warn' | 'fail' = 'pass'
  const mine = {
    name: 'mine',
    async run () {
      if (outcome === 'fail') throw new CheckFailure('full', { measures: { bots_disk_free_bytes: 7 } })
      return outcome === 'warn' ? { warn: 'look', measures: { bots_disk_free_bytes: 9 } } : undefined
    }
  }
  const health = await createBotsHealth({ database: memoryAdapter(), botssys: '/', usersys: '/', checks: [mine], timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  t.teardown(() => health.close())
  const metrics = createHealthMetrics(health)
  t.teardown(() => metrics.close())
  const read = async (): Promise<string> => (await metrics.render(undefined)).body
  await health.ready()
  outcome = 'warn'
  await health.ready()
  t.equal(sample(await read(), 'kubernetes_healthcheck{name="mine",type="readyz"}'), 1, 'a warning passes')
  outcome = 'fail'
  await health.ready()
  const text = await read()
  t.equal(sample(text, 'kubernetes_healthcheck{name="mine",type="readyz"}'), 0)
  for (const status of ['success', 'warn', 'error']) t.equal(sample(text, `kubernetes_healthchecks_total{name="mine",type="readyz",status="${status}"}`), 1, status)
})

t.test('the plugin: /metrics on the probe port when listen is set, not on the app; into a registry of yours when given; otel: false on every route', async (t) => {
  const port = await closedPort()
  const app = Fastify()
  t.teardown(() => app.close())
  const configs: Record<string, unknown> = {}
  app.addHook('onRoute', (r) => { configs[r.url] = r.config })
  await app.register(healthPlugin, { database: memoryAdapter(), configDir: botsEnv(t).configDir, metrics: true, listen: { port, host: '127.0.0.1' } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  // The probe port binds just after the app's listen() (an onListen hook).
  t.ok(await eventually(async () => await fetch(`http://127.0.0.1:${port}/health/ping`).then(() => true, () => false), 10_000))
  t.equal((await app.inject('/metrics')).statusCode, 404, 'not on the app')
  const res = await fetch(`http://127.0.0.1:${port}/metrics`)
  t.equal(res.status, 200)
  t.match(await res.text(), /^# HELP kubernetes_healthcheck /)
  const probeRoutes = Object.entries(configs).filter(([url]) => url.startsWith('/health/'))
  t.ok(probeRoutes.length >= 8)
  for (const [url, config] of probeRoutes) t.match(config, { healthProbe: true, otel: false }, url)

  const registry = new Registry()
  const own = await healthApp(t, { timeoutMs: 5000, database: memoryAdapter(), metrics: { registry } })
  const routes: Record<string, unknown> = {}
  const withRoutes = Fastify()
  t.teardown(() => withRoutes.close())
  withRoutes.addHook('onRoute', (r) => { routes[r.url] = r.config })
  await withRoutes.register(healthPlugin, { database: memoryAdapter(), configDir: botsEnv(t).configDir, metrics: { path: '/internal/metrics' } })
  await withRoutes.ready()
  t.match(routes['/internal/metrics'], { healthMetrics: true, otel: false })
  await own.inject('/health/ready')
  t.equal((await own.inject('/metrics')).statusCode, 404, 'a registry of yours: nothing served')
  t.match(await registry.metrics(), /kubernetes_healthchecks_total\{name="database",type="readyz",status="success"\} 1/)
  await own.close()
  t.notMatch(await registry.metrics(), /kubernetes_healthcheck/, 'closed: the families leave your registry')
})

t.test('metrics options: a bad one is named; Accept negotiation; buckets around the deadline', async (t) => {
  await t.rejects(healthApp(t, { timeoutMs: 5000, database: memoryAdapter(), metrics: { path: 'metrics' } as never }), /metrics must be true, false, \{ path: "\/metrics" \} or \{ registry: a prom-client Registry \}, got/)
  await t.rejects(healthApp(t, { timeoutMs: 5000, database: memoryAdapter(), metrics: { registry: {} } as never }), /metrics must be/)
  t.equal(wantsOpenMetrics('application/openmetrics-text; version=1.0.0'), true)
  t.equal(wantsOpenMetrics('application/openmetrics-text;q=0, text/plain'), false)
  t.equal(wantsOpenMetrics('text/plain'), false)
  t.equal(wantsOpenMetrics(undefined), false)
  t.same(durationBuckets(500), [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.4, 0.5, 1])
  t.same(durationBuckets(2000), [0.02, 0.04, 0.1, 0.2, 0.4, 1, 1.6, 2, 4])
})

t.test('Bots\' gauges from Bots\' own tables on MariaDB and a real job queue: lock age, last run, stuck transactions, waiting jobs', { skip: PYTHON === undefined ? 'python3 not found' : false }, async (t) => {
  const db = await createTestDatabase('metrics', ['channel', 'routes'])
  t.teardown(() => db.drop())
  for (const sql of [MUTEX_DDL.mysql, ...REPORT_DDL.mysql, ...TA_DDL.mysql]) await db.admin.query(sql)
  await db.admin.query('INSERT INTO mutex (mutexk, ts) VALUES (1, NOW() - INTERVAL 95 MINUTE)')
  await db.admin.query("INSERT INTO report (idta, lastreceived, lastdone, lastopen, lastok, lasterror, send, processerrors, ts, type, status) VALUES (1, 4, 1, 0, 0, 2, 0, 1, UTC_TIMESTAMP() - INTERVAL 40 MINUTE, 'new', 0)")
  await db.admin.query('INSERT INTO ta (statust, ts) VALUES (0, NOW() - INTERVAL 5 HOUR), (2, NOW() - INTERVAL 3 HOUR), (3, NOW() - INTERVAL 9 HOUR)')
  const q = await pythonJobqueue()
  t.teardown(() => q.close())
  const e = botsEnv(t, { ini: `[settings]\n[jobqueue]\nenabled = True\nport = ${q.port}\n[directories]\nbotssys = botssys\nusersys = usersys\n` })
  // settings.py names UTC: report.ts was written in it, as Django writes naive local times.
  writeFileSync(join(e.configDir, 'settings.py'), "TIME_ZONE = 'UTC'\nUSE_TZ = False\n")
  t.match(await q.call('stoplauncher'), '<int>0</int>')
  await q.call('addjob', ...engineJob('waiting'))
  const served = await serve(t, ['--timeout', '5000', '--config-dir', e.configDir, '--database-url', db.url, '--engine-lock', '--engine-runs', '15m', '--stuck-transactions', '2h', '--jobqueue', '--drain-delay', '0'])
  await fetch(`${served.base}/ready`)
  await fetch(`${served.base}/live`)
  const text = await (await fetch(served.base.replace(/\/health$/, '/metrics'))).text()
  const near = (series: string, expected: number, slack: number): void => {
    const v = sample(text, series)
    t.ok(v !== undefined && Math.abs(v - expected) <= slack, `${series} = ${String(v)}, about ${expected}`)
  }
  near('bots_engine_lock_age_seconds', 95 * 60, 90)
  near('bots_engine_last_run_age_seconds', 40 * 60, 90)
  t.equal(sample(text, 'bots_engine_last_run_errors'), 3, 'lasterror 2 + processerrors 1')
  t.equal(sample(text, 'bots_transactions_stuck'), 2)
  t.equal(sample(text, 'bots_jobqueue_jobs'), 1)
  t.ok((sample(text, 'bots_jobqueue_oldest_job_age_seconds') ?? -1) >= 0)
  t.equal(sample(text, 'kubernetes_healthcheck{name="engine_lock",type="readyz"}'), 1, 'a stale lock is a warning: it passes')
  t.equal(sample(text, 'kubernetes_healthchecks_total{name="engine_lock",type="readyz",status="warn"}'), 1)
  if (PROMTOOL !== undefined) t.same(promtoolCheckMetrics(text), { code: 0, output: '' })
  t.notMatch(text, new RegExp(new URL(db.url).password || 'no-password-in-url'), 'no password')
})
