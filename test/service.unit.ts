import { EventEmitter } from 'node:events'
import t from 'tap'
import { type Check, CheckFailure, createHealthService, type HealthServiceOptions } from '../lib/index.js'
import { directProbes } from '../lib/service.js'
import { fakeTime, flush } from './helpers/fake-time.js'
import { schemaErrors } from './helpers/schema.js'

/** A check under the test's control: counts its runs, and each run waits for `pass()`/`fail()`, or not. */
function controlled (name: string, mode: 'pass' | 'fail' | 'manual' = 'pass') {
  const events = new EventEmitter()
  let runs = 0
  let inFlight = 0
  let maxInFlight = 0
  const waiting: { resolve: () => void, reject: (e: Error) => void, signal: AbortSignal }[] = []
  const check: Check = {
    name,
    async run (signal) {
      runs++
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      events.emit('run', signal)
      try {
        if (mode === 'pass') return
        if (mode === 'fail') throw new CheckFailure(`${name} is broken`)
        await new Promise<void>((resolve, reject) => { waiting.push({ resolve, reject, signal }) })
      } finally {
        inFlight--
      }
    }
  }
  return {
    check,
    events,
    get runs () { return runs },
    get maxInFlight () { return maxInFlight },
    get waiting () { return waiting },
    settleAll () { for (const w of waiting.splice(0)) w.resolve() }
  }
}

function service (o: Partial<HealthServiceOptions> & Pick<HealthServiceOptions, 'ready'>) {
  return createHealthService({ startup: [], cacheTtlMs: 0, failureCacheTtlMs: 0, ...o })
}

t.test('checks run in parallel', async (t) => {
  const a = controlled('a', 'manual')
  const b = controlled('b', 'manual')
  const health = service({ ready: [a.check, b.check] })
  const pending = health.ready()
  // Both are running before either has finished.
  t.equal(a.waiting.length + b.waiting.length, 2)
  a.settleAll()
  b.settleAll()
  t.equal((await pending).status, 'ready')
})

t.test('a check that never settles is false with a timeout error, at the deadline and not before', async (t) => {
  const time = fakeTime()
  const hung = controlled('database', 'manual')
  const ok = controlled('usersys')
  const health = service({ ready: [{ ...hung.check, label: 'Database' }, ok.check], timeoutMs: 100, ...time.inject })
  let settled = false
  const pending = health.ready().finally(() => { settled = true })
  time.advance(99)
  await flush()
  t.equal(settled, false, 'still waiting 1 ms before the deadline')
  time.advance(1)
  const report = await pending
  t.equal(report.details?.database?.durationMs, 100)
  t.same(report.checks, { database: false, usersys: true })
  t.same(report.errors, ['Database check failed: timed out after 100 ms'])
  t.equal(schemaErrors('BotsHealthReadyReport', report), '')
  t.ok(hung.waiting[0]?.signal.aborted, 'the check was told to stop')
})

t.test('concurrent callers share one run (single-flight)', async (t) => {
  const db = controlled('database', 'manual')
  const health = service({ ready: [db.check] })
  const all = Array.from({ length: 100 }, () => health.ready())
  db.settleAll()
  const reports = await Promise.all(all)
  t.equal(db.runs, 1)
  t.ok(reports.every((r) => r === reports[0]), 'every caller gets the same report')
})

t.test('a caller that joins a run in flight is answered by that run\'s deadline', async (t) => {
  const db = controlled('database', 'manual')
  const time = fakeTime()
  const health = service({ ready: [db.check], timeoutMs: 150, ...time.inject })
  const first = health.ready()
  t.equal(db.runs, 1, 'the run has started')
  time.advance(60)
  let joinerDone = false
  const second = health.ready().finally(() => { joinerDone = true })
  time.advance(89)
  await flush()
  t.equal(joinerDone, false, 'the joiner is still waiting 1 ms before the run\'s deadline')
  time.advance(1)
  const [a, b] = await Promise.all([first, second])
  t.equal(a, b, 'the joiner gets the run\'s report, at the run\'s deadline: 90 ms after joining')
  t.equal(a.status, 'not_ready')
  t.equal(db.runs, 1)
})

t.test('at most one attempt is in flight: after a deadline, no new attempt until the old one settles', async (t) => {
  const db = controlled('database', 'manual')
  const health = service({ ready: [db.check], timeoutMs: 50 })
  t.equal((await health.ready()).status, 'not_ready')
  const again = await health.ready()
  t.match(again.errors, [/timed out after 50 ms \(previous attempt still pending\)/])
  t.equal(db.runs, 1, 'no second attempt while the first still holds its resources')
  db.settleAll()
  await new Promise((resolve) => setImmediate(resolve))
  const third = health.ready()
  t.equal(db.runs, 2, 'a new attempt once the old one has settled')
  db.settleAll()
  t.equal((await third).status, 'ready')
  t.equal(db.maxInFlight, 1)
})

t.test('an attempt that never settles is forgotten after 20 deadlines (30 s at least), and only then', async (t) => {
  const time = fakeTime()
  const db = controlled('database', 'manual')
  const health = service({ ready: [db.check], timeoutMs: 500, ...time.inject })
  const first = health.ready()
  time.advance(500)
  t.equal((await first).status, 'not_ready')
  time.advance(30_000 - 500 - 1)
  t.match((await health.ready()).errors, [/previous attempt still pending/], '1 ms before: still the pending rule')
  t.equal(db.runs, 1)
  time.advance(1)
  const second = health.ready()
  t.equal(db.runs, 2, 'then a new attempt, so that a check that never settles cannot wedge the probe for good')
  time.advance(500)
  await second
})

t.test('a late success does not turn a timeout into a pass', async (t) => {
  const db = controlled('database', 'manual')
  const health = service({ ready: [db.check], timeoutMs: 50, failureCacheTtlMs: 10_000 })
  const report = await health.ready()
  t.equal(report.status, 'not_ready')
  db.settleAll()
  await new Promise((resolve) => setImmediate(resolve))
  t.equal((await health.ready()).status, 'not_ready', 'the cached result is the timeout')
})

t.test('results are cached for the TTL, failures for their own TTL', async (t) => {
  const time = fakeTime()
  const db = controlled('database')
  const health = service({ ready: [db.check], cacheTtlMs: 80, ...time.inject })
  const first = await health.ready()
  t.equal(await health.ready(), first, 'the same report object while cached')
  time.advance(79)
  t.equal(await health.ready(), first, 'still cached 1 ms before the TTL')
  t.equal(db.runs, 1)
  time.advance(1)
  await health.ready()
  t.equal(db.runs, 2, 'run again at the TTL')

  const broken = controlled('database', 'fail')
  const h2 = service({ ready: [broken.check], cacheTtlMs: 10_000, failureCacheTtlMs: 40, ...time.inject })
  await h2.ready()
  time.advance(39)
  await h2.ready()
  t.equal(broken.runs, 1, 'a failure is cached for failureCacheTtlMs')
  time.advance(1)
  await h2.ready()
  t.equal(broken.runs, 2)
})

t.test('the direct probes answer a cached report as is, a promise only while a check runs; the public methods always promise', async (t) => {
  const time = fakeTime()
  const db = controlled('database', 'manual')
  const health = service({ ready: [db.check], startup: [db.check], cacheTtlMs: 1000, ...time.inject })
  const probes = directProbes(health)
  const running = probes.ready()
  t.ok(running instanceof Promise, 'a check runs: a promise')
  t.ok(health.ready() instanceof Promise, 'the public method: a promise')
  db.settleAll()
  const report = await running
  t.equal(probes.ready(), report, 'cached: the report itself, no promise')
  t.equal(probes.startup(), probes.startup(), 'the same for startup, once its result is cached')
  t.not(probes.startup() instanceof Promise, true)
  t.equal(await health.ready(), report, 'the public method gives the same report')
  t.equal(probes.live(), await health.live())
  t.throws(() => probes.ready({ exclude: ['nope'] }), { name: 'UnknownCheckError', statusCode: 400, message: /no such check: nope/ }, 'an unknown check throws at once')
  await t.rejects(health.ready({ exclude: ['nope'] }), { name: 'UnknownCheckError', statusCode: 400, message: /no such check: nope/ }, 'and rejects from the public method')
  t.equal(db.runs, 1)
  const foreign = { ...health, ready: async () => report }
  const through = directProbes(foreign).ready()
  t.ok(through instanceof Promise, 'a service this module did not make is used through its own methods, as a promise')
  t.equal(await through, report)
  t.equal(db.runs, 1)
})

t.test('reports carry when each result was taken', async (t) => {
  const db = controlled('database')
  const health = service({ ready: [db.check], cacheTtlMs: 10_000 })
  const before = Date.now()
  const report = await health.ready()
  const at = Date.parse(report.details?.database?.checkedAt ?? '')
  t.ok(at >= before - 1 && at <= Date.now() + 1)
  t.equal(report.details?.database?.status, 'pass')
  t.type(report.details?.database?.durationMs, 'number')
})

t.test('a check that throws synchronously or rejects with a non-Error still yields a report', async (t) => {
  const sync: Check = { name: 'a', run () { throw new Error('sync boom') } }
  const odd: Check = { name: 'b', run: () => Promise.reject('plain string') } // eslint-disable-line prefer-promise-reject-errors
  const report = await service({ ready: [sync, odd] }).ready()
  t.same(report.errors, ['sync boom', 'plain string'])
})

t.test('startup latches once it has passed', async (t) => {
  const tables = controlled('tables')
  const health = service({ ready: [], startup: [tables.check] })
  t.equal((await health.startup()).status, 'started')
  t.equal((await health.startup()).status, 'started')
  t.equal(tables.runs, 1)
  const unlatched = service({ ready: [], startup: [tables.check], startupLatch: false })
  await unlatched.startup()
  await unlatched.startup()
  t.equal(tables.runs, 3)
})

t.test('startup does not latch while it fails', async (t) => {
  const tables = controlled('tables', 'fail')
  const health = service({ ready: [], startup: [tables.check] })
  t.equal((await health.startup()).status, 'starting')
  t.equal((await health.startup()).status, 'starting')
  t.equal(tables.runs, 2)
})

t.test('draining answers readiness 503 "shutting down" at once, liveness stays ok', async (t) => {
  const db = controlled('database')
  const health = service({ ready: [db.check] })
  t.equal((await health.ready()).status, 'ready')
  health.beginDrain()
  t.equal(health.draining, true)
  const report = await health.ready()
  t.equal(report.status, 'not_ready')
  t.same(report.errors, ['shutting down'])
  t.same(report.checks, { database: true }, 'the last known results')
  t.equal(db.runs, 1, 'no check runs while draining')
  t.same(await health.live(), { status: 'ok', check: 'liveness', message: 'Process is alive' })
  t.equal(schemaErrors('BotsHealthReadyReport', report), '')
})

t.test('readyMode is stamped on readiness, and only there', async (t) => {
  const db = controlled('database')
  const health = service({ ready: [db.check], startup: [db.check], readyMode: 'database_only' })
  const report = await health.ready()
  t.same(report, { status: 'ready', check: 'readiness', checks: { database: true }, mode: 'database_only', details: report.details })
  t.notOk('mode' in await health.startup())
})

t.test('one warn when a probe turns unhealthy, one info when it recovers, nothing when it repeats', async (t) => {
  const lines: [string, object, string][] = []
  const logger = { warn: (o: object, m: string) => lines.push(['warn', o, m]), info: (o: object, m: string) => lines.push(['info', o, m]) }
  let broken = false
  const db: Check = { name: 'database', async run () { if (broken) throw new CheckFailure('Database check failed: down') } }
  const dir: Check = { name: 'usersys', async run () {} }
  const health = service({ ready: [db, dir], logger })
  await health.ready()
  t.same(lines, [], 'healthy at start: nothing')
  broken = true
  await health.ready()
  await health.ready()
  await health.ready()
  t.equal(lines.length, 1)
  t.same(lines[0], ['warn', { probe: 'readiness', failing: ['database'], reasons: ['Database check failed: down'] }, 'readiness is unhealthy: database failed'])
  broken = false
  await health.ready()
  await health.ready()
  t.equal(lines.length, 2)
  t.same(lines[1], ['info', { probe: 'readiness' }, 'readiness recovered: all checks pass'])
})

t.test('exposeReasons: false withholds reasons from the report, the log keeps them', async (t) => {
  const warns: object[] = []
  const db: Check = { name: 'database', async run () { throw new Error('ER_ACCESS_DENIED_ERROR: Access denied for user bots') } }
  const health = service({ ready: [db], exposeReasons: false, logger: { warn: (o) => warns.push(o), info: () => {} } })
  const report = await health.ready()
  t.same(report.errors, ['database: reason withheld'])
  t.match(warns[0], { reasons: ['ER_ACCESS_DENIED_ERROR: Access denied for user bots'] })
})

t.test('secrets, URL credentials and password pairs are redacted from reports and logs', async (t) => {
  const warns: object[] = []
  const db: Check = { name: 'database', async run () { throw new Error('failed for mysql://bots:hunter2@db:3306/x with password=hunter2 and key s3cr3t-Token') } }
  const health = service({ ready: [db], secrets: ['s3cr3t-Token'], logger: { warn: (o) => warns.push(o), info: () => {} } })
  const report = await health.ready()
  const text = JSON.stringify(report) + JSON.stringify(warns)
  t.notMatch(text, /hunter2|s3cr3t-Token/)
  t.match(report.errors?.[0], 'mysql://***@db:3306/x')
})

t.test('reports are frozen so that a caller cannot corrupt what others get', async (t) => {
  const health = service({ ready: [controlled('database').check], cacheTtlMs: 10_000 })
  const report = await health.ready()
  t.ok(Object.isFrozen(report) && Object.isFrozen(report.checks))
})

t.test('close closes what the service owns once, and readiness then answers shutting down', async (t) => {
  let closes = 0
  const health = service({ ready: [controlled('database').check], onClose: async () => { closes++ } })
  await health.close()
  await health.close()
  t.equal(closes, 1)
  t.same((await health.ready()).errors, ['shutting down', 'not checked before the drain: database'], 'and it says no check had run')
})

t.test('createHealthService rejects bad options by name', async (t) => {
  t.throws(() => createHealthService({ ready: [], startup: [], timeoutMs: 0 }), { message: 'fastify-bots-health: timeoutMs must be a positive number of milliseconds, got 0' })
  t.throws(() => createHealthService({ ready: [], startup: [], cacheTtlMs: -1 }), { code: 'FST_BOTS_HEALTH_OPTIONS' })
  t.throws(() => createHealthService({ ready: undefined as never, startup: [] }), /ready must be an array of checks/)
  t.throws(() => createHealthService({ ready: [{ name: 'x' } as never], startup: [] }), /ready\[0\] must be a check: \{ name: string, run\(signal\): Promise<void> \}/)
  t.throws(() => createHealthService({ ready: [], startup: [], readyMode: '' }), /readyMode must be a non-empty string or absent/)
})
