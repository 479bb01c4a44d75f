// The engine without a service around it: the runner with a clock and timers of the test's own
// (no global is touched), and the report builders as the pure functions they are.
import t from 'tap'
import type { Check } from '../lib/check.js'
import { CheckFailure } from '../lib/check.js'
import { UnknownCheckError } from '../lib/errors.js'
import { memoOnResults } from '../lib/engine/memo.js'
import { detailOf, drainReport, LIVE_REPORT, liveReport, readyReport, startupReport } from '../lib/engine/report.js'
import { selectChecks } from '../lib/engine/select.js'
import { type CheckResult, createRunner } from '../lib/engine/runner.js'
import { fakeTime, flush } from './helpers/fake-time.js'
import { isHealthy, statusCode } from '../lib/writers/status.js'
import { schemaErrors } from './helpers/schema.js'

const base = { timeoutMs: 100, cacheTtlMs: 1000, failureCacheTtlMs: 250, secrets: ['S3cret'] }

t.test('the runner takes its clock and timers from its options: a deadline fires when the test says', async (t) => {
  const time = fakeTime()
  const runner = createRunner({ ...base, clock: time.clock, timers: time.timers })
  let signal: AbortSignal | undefined
  const hung: Check = { name: 'database', label: 'Database', run: (s) => { signal = s; return new Promise(() => {}) } }
  let result: CheckResult | undefined
  const settled = (runner.run(hung) as Promise<CheckResult>).then((r) => { result = r })
  t.equal(time.pending, 1, 'one deadline timer')
  time.advance(99)
  await flush()
  t.equal(result, undefined, 'nothing before the deadline')
  time.advance(1)
  await settled
  t.match(result, { ok: false, error: 'Database check failed: timed out after 100 ms', durationMs: 100 })
  t.equal(signal?.aborted, true, 'the check is told to stop')
  t.equal(result?.checkedAt, Date.UTC(2026, 11, 2) + 1100, 'dated by the wall clock given')
})

t.test('the runner caches by its clock: a pass for cacheTtlMs, a failure for failureCacheTtlMs', async (t) => {
  const time = fakeTime()
  const runner = createRunner({ ...base, clock: time.clock, timers: time.timers })
  let runs = 0
  let fail = false
  const check: Check = { name: 'c', async run () { runs++; if (fail) throw new CheckFailure('down, S3cret') } }
  const first = await runner.run(check)
  t.equal(time.pending, 0, 'a settled attempt clears its timer')
  time.advance(999)
  t.equal(runner.run(check), first, 'the same result object, no promise, 1 ms before the TTL')
  time.advance(1)
  fail = true
  const failed = await runner.run(check)
  t.match(failed, { ok: false, error: 'down, ***' }, 'redacted')
  time.advance(249)
  t.equal(runner.run(check), failed)
  time.advance(1)
  await runner.run(check)
  t.equal(runs, 3)
  t.equal(runner.last(check)?.ok, false)
})

t.test('runAll makes no promise while every result is cached', async (t) => {
  const time = fakeTime()
  const runner = createRunner({ ...base, clock: time.clock, timers: time.timers })
  const a: Check = { name: 'a', async run () {} }
  const b: Check = { name: 'b', async run () {} }
  const ran = runner.runAll([a, b])
  t.ok(ran instanceof Promise, 'the first run is async')
  await ran
  t.ok(Array.isArray(runner.runAll([a, b])), 'cached: an array, at once')
})

const DAY = Date.UTC(2026, 11, 2)
const pass = (durationMs = 1): CheckResult => ({ ok: true, status: 'pass', durationMs, at: 0, checkedAt: DAY })
const fail = (error: string): CheckResult => ({ ok: false, status: 'fail', error, durationMs: 2, at: 0, checkedAt: DAY })
const warn = (warning: string): CheckResult => ({ ok: true, status: 'warn', warning, durationMs: 3, at: 0, checkedAt: DAY })
const named = (...names: string[]): Check[] => names.map((name) => ({ name, async run () {} }))

t.test('the report builders: pure, frozen, schema-valid', async (t) => {
  const checks = named('database', 'botssys')
  const ok = readyReport(checks, [pass(), pass()], { exposeReasons: true })
  t.same(ok, { status: 'ready', check: 'readiness', checks: { database: true, botssys: true }, details: { database: { status: 'pass', durationMs: 1, checkedAt: '2026-12-02T00:00:00.000Z' }, botssys: { status: 'pass', durationMs: 1, checkedAt: '2026-12-02T00:00:00.000Z' } } })
  t.ok(Object.isFrozen(ok) && Object.isFrozen(ok.checks) && Object.isFrozen(ok.details?.database))
  const bad = readyReport(checks, [pass(), fail('botssys directory not found: /x')], { exposeReasons: true, mode: 'database_only' })
  t.same(bad.errors, ['botssys directory not found: /x'])
  t.equal(bad.mode, 'database_only')
  t.equal(schemaErrors('BotsHealthReadyReport', bad), '')
  const withheld = readyReport(checks, [pass(), fail('x')], { exposeReasons: false })
  t.same(withheld.errors, ['botssys: reason withheld'])
  t.same(withheld.details?.botssys, { status: 'fail', durationMs: 2, checkedAt: '2026-12-02T00:00:00.000Z', error: 'reason withheld' }, 'the report withholds the reason in details too: the runner never decides it')
  t.same(detailOf(fail('y'), { exposeReasons: true }), { status: 'fail', durationMs: 2, checkedAt: '2026-12-02T00:00:00.000Z', error: 'y' })
  const starting = startupReport(named('tables'), [fail('Missing tables: ta')], { exposeReasons: true })
  t.same([starting.status, starting.errors], ['starting', ['Missing tables: ta']])
  t.equal(schemaErrors('BotsHealthStartupReport', starting), '')
  t.equal(liveReport([], [], { exposeReasons: true }), LIVE_REPORT, 'no live check: the constant report')
  const dead = liveReport(named('process'), [fail('no process "x" is running')], { exposeReasons: true })
  t.same([dead.status, dead.message], ['not_alive', 'Process is not alive: process failed'])
  t.equal(schemaErrors('BotsHealthLiveReport', dead), '')
  t.same([isHealthy(ok), statusCode(ok), isHealthy(bad), statusCode(bad), statusCode(dead), statusCode(LIVE_REPORT)], [true, 200, false, 503, 503, 200])
})

t.test('a warning: the report stays healthy, lists it under warnings and details, and withholds it as it withholds errors', async (t) => {
  const checks = named('database', 'engine_lock')
  const r = readyReport(checks, [pass(), warn('engine lock held for 75 min')], { exposeReasons: true })
  t.same(r, { status: 'ready', check: 'readiness', checks: { database: true, engine_lock: true }, warnings: ['engine lock held for 75 min'], details: { database: { status: 'pass', durationMs: 1, checkedAt: '2026-12-02T00:00:00.000Z' }, engine_lock: { status: 'warn', durationMs: 3, checkedAt: '2026-12-02T00:00:00.000Z', warning: 'engine lock held for 75 min' } } })
  t.equal(schemaErrors('BotsHealthReadyReport', r), '')
  t.same(readyReport(checks, [pass(), warn('x')], { exposeReasons: false }).warnings, ['engine_lock: reason withheld'])
  const both = startupReport(checks, [fail('down'), warn('x')], { exposeReasons: true })
  t.same([both.status, both.errors, both.warnings], ['starting', ['down'], ['x']], 'a failure and a warning side by side')
  t.equal(liveReport(named('process'), [warn('x')], { exposeReasons: true }).status, 'ok', 'liveness is never failed by a warning')
})

t.test('the runner: a check that resolves with { warn } passes with a redacted, cut warning, cached as a pass', async (t) => {
  const time = fakeTime()
  const runner = createRunner({ ...base, clock: time.clock, timers: time.timers })
  let runs = 0
  const check: Check = { name: 'w', async run () { runs++; return { warn: `S3cret ${'y'.repeat(800)}` } } }
  const r = await runner.run(check)
  t.match(r, { ok: true, status: 'warn', warning: /^\*\*\* y+/ })
  t.ok((r.warning ?? '').length <= 500)
  time.advance(999)
  t.equal(runner.run(check), r, 'cached for cacheTtlMs, as a pass is')
  t.equal(runs, 1)
  const odd: Check = { name: 'odd', async run () { return { warn: '' } as never } }
  t.match(await runner.run(odd), { ok: true, status: 'pass' }, 'an empty warning is a pass')
})

t.test('the drain report: 503 with the last known results, draining set, and what never ran named', async (t) => {
  const checks = named('database', 'usersys')
  const r = drainReport(checks, [pass(), undefined], { exposeReasons: true })
  t.same(r, { status: 'not_ready', check: 'readiness', checks: { database: true, usersys: false }, errors: ['shutting down', 'not checked before the drain: usersys'], draining: true })
  t.equal(schemaErrors('BotsHealthReadyReport', r), '')
  t.same(drainReport(checks, [pass(), pass()], { exposeReasons: true }).errors, ['shutting down'])
})

t.test('selectChecks: all, all but some, one; an unknown or an empty choice is a 400', async (t) => {
  const all = named('database', 'botssys', 'usersys')
  t.equal(selectChecks(all, undefined), all)
  t.equal(selectChecks(all, { exclude: [] }), all, 'nothing excluded: the same array (the memoised path)')
  t.same(selectChecks(all, { exclude: ['botssys'] }).map((c) => c.name), ['database', 'usersys'])
  t.same(selectChecks(all, { only: 'usersys' }).map((c) => c.name), ['usersys'])
  t.throws(() => selectChecks(all, { only: 'nope' }), { name: 'UnknownCheckError', statusCode: 400, message: 'no such check: nope (this probe has database, botssys, usersys)' })
  t.throws(() => selectChecks(all, { exclude: ['database', 'botssys', 'usersys'] }), UnknownCheckError)
  const many = Array.from({ length: 8 }, (_, i) => `${'x'.repeat(50)}${i}`)
  t.throws(() => selectChecks(all, { exclude: many }), /no such check: x{39}…, .* and 3 more/)
})

t.test('memoOnResults: the same report while the same results come, a new one when one changes', async (t) => {
  let builds = 0
  const build = memoOnResults((results) => { builds++; return { n: results.length } })
  const a = pass()
  const b = pass()
  const first = build([a, b])
  t.equal(build([a, b]), first)
  t.not(build([a, pass()]), first)
  t.equal(builds, 2)
})
