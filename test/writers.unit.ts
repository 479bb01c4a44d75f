// The writers on reports made by hand: each owns its content type and its text, and reads the
// report's fields (draining, mode, details) rather than the words of its errors.
import t from 'tap'
import { DRAINING_ERROR, LIVE_REPORT, type Report } from '../lib/engine/report.js'
import type { ReadyReport, StartupReport } from '../lib/schemas.js'
import { toHealthJson } from '../lib/writers/health-json.js'
import { formatOf, negotiate, WRITERS } from '../lib/writers/index.js'
import { generalErrors, isHealthy, statusCode } from '../lib/writers/status.js'
import { EXIT_ERROR, EXIT_HEALTHY, EXIT_UNHEALTHY, render } from '../lib/writers/text.js'
import { toVerbose } from '../lib/writers/verbose.js'
import { schemaErrors } from './helpers/schema.js'

const at = '2026-12-02T00:00:00.000Z'
const ready: ReadyReport = { status: 'ready', check: 'readiness', checks: { database: true, usersys: true }, details: { database: { status: 'pass', durationMs: 3, checkedAt: at }, usersys: { status: 'pass', durationMs: 1, checkedAt: at } } }
const failing: ReadyReport = {
  status: 'not_ready',
  check: 'readiness',
  checks: { database: false, usersys: true },
  errors: ['Database check failed: ECONNREFUSED'],
  mode: 'database_only',
  details: { database: { status: 'fail', durationMs: 7, checkedAt: at, error: 'Database check failed: ECONNREFUSED' }, usersys: { status: 'pass', durationMs: 1, checkedAt: at } }
}
const withheld: StartupReport = { status: 'starting', check: 'startup', checks: { tables: false }, errors: ['tables: reason withheld'], details: { tables: { status: 'fail', durationMs: 2, checkedAt: at, error: 'reason withheld' } } }
const warning: ReadyReport = { status: 'ready', check: 'readiness', checks: { database: true, engine_lock: true }, warnings: ['engine lock held for 75 min (maxruntime 60)'], details: { database: { status: 'pass', durationMs: 3, checkedAt: at }, engine_lock: { status: 'warn', durationMs: 2, checkedAt: at, warning: 'engine lock held for 75 min (maxruntime 60)' } } }
// A drain report whose errors say something else first: the writers must go by `draining`.
const draining: ReadyReport = { status: 'not_ready', check: 'readiness', checks: { database: true }, errors: ['not checked before the drain: x'], draining: true }

t.test('status: 200 for ok, ready and started, else 503; draining is read from its field', async (t) => {
  t.same([ready, failing, withheld, draining, LIVE_REPORT].map((r: Report) => [isHealthy(r), statusCode(r)]), [[true, 200], [false, 503], [false, 503], [false, 503], [true, 200]])
  t.same(generalErrors(draining), [DRAINING_ERROR], 'the drain line comes from the field, not from errors[0]')
  t.same(generalErrors(failing), [], 'a failing report that is not draining has no general error')
})

t.test('json: the report as it is, with its content type', async (t) => {
  const body = WRITERS.json.render(failing, { route: 'ready', componentTypes: {} })
  t.same(JSON.parse(body), failing)
  t.equal(WRITERS.json.contentType, 'application/json; charset=utf-8')
  t.equal(schemaErrors('BotsHealthReadyReport', JSON.parse(body)), '')
})

t.test('health+json: pass/fail, a check per component with its time, the mode as a note, the reason as output', async (t) => {
  const pass = toHealthJson(ready, { database: 'datastore' })
  t.same(pass, {
    status: 'pass',
    description: 'readiness',
    checks: {
      'database:responseTime': [{ componentType: 'datastore', observedValue: 3, observedUnit: 'ms', time: at, status: 'pass' }],
      'usersys:responseTime': [{ componentType: 'component', observedValue: 1, observedUnit: 'ms', time: at, status: 'pass' }]
    }
  })
  const fail = toHealthJson(failing)
  t.equal(fail.status, 'fail')
  t.same(fail.notes, ['mode: database_only'])
  t.equal(fail.output, 'Database check failed: ECONNREFUSED')
  t.match(fail.checks?.['database:responseTime'], [{ status: 'fail', output: 'Database check failed: ECONNREFUSED' }])
  t.equal(toHealthJson(draining).output, DRAINING_ERROR, 'draining: the general error is the output')
  t.same(toHealthJson(LIVE_REPORT), { status: 'pass', description: 'Process is alive' })
  t.equal(schemaErrors('BotsHealthHealthJson', fail), '')
  t.equal(WRITERS['health+json'].contentType, 'application/health+json; charset=utf-8')
})

t.test('verbose: kube-apiserver\'s lines, a withheld reason said so, the drain as a line of its own', async (t) => {
  t.equal(toVerbose(ready, 'ready'), '[+]database ok\n[+]usersys ok\nready check passed\n')
  t.equal(toVerbose(failing, 'ready/database'), '[-]database failed: Database check failed: ECONNREFUSED\n[+]usersys ok\nready/database check failed\n')
  t.equal(toVerbose(withheld, 'startup'), '[-]tables failed: reason withheld\nstartup check failed\n')
  t.equal(toVerbose(draining, 'ready'), '[+]database ok\n[-]shutting-down failed: shutting down\nready check failed\n')
  t.equal(toVerbose(LIVE_REPORT, 'live'), 'live check passed\n')
  t.equal(WRITERS.text.render(ready, { route: 'ready', componentTypes: {} }), toVerbose(ready, 'ready'))
})

t.test('the CLI\'s text: the seed\'s lines and its exit codes', async (t) => {
  t.equal(render(failing), 'Health Check: readiness\nStatus: not_ready\nMode: database_only\n\nChecks:\n  ✗ database\n  ✓ usersys\n\nErrors:\n  - Database check failed: ECONNREFUSED\n')
  t.equal(render(LIVE_REPORT), 'Health Check: liveness\nStatus: ok\n')
  t.same([EXIT_HEALTHY, EXIT_UNHEALTHY, EXIT_ERROR], [0, 1, 2])
})

t.test('a warning: 200 and exit 0 in every writer, and said in each', async (t) => {
  t.same([isHealthy(warning), statusCode(warning)], [true, 200])
  t.equal(schemaErrors('BotsHealthReadyReport', warning), '')
  const hj = toHealthJson(warning)
  t.match(hj, { status: 'warn', output: 'engine lock held for 75 min (maxruntime 60)', checks: { 'database:responseTime': [{ status: 'pass' }], 'engine_lock:responseTime': [{ status: 'warn', output: 'engine lock held for 75 min (maxruntime 60)' }] } })
  t.equal(schemaErrors('BotsHealthHealthJson', hj), '')
  t.equal(toVerbose(warning, 'ready'), '[+]database ok\n[!]engine_lock warn: engine lock held for 75 min (maxruntime 60)\nready check passed\n')
  t.equal(render(warning), 'Health Check: readiness\nStatus: ready\n\nChecks:\n  ✓ database\n  ! engine_lock\n\nWarnings:\n  - engine lock held for 75 min (maxruntime 60)\n')
  t.equal(toHealthJson(failing).status, 'fail', 'a failure outweighs a warning')
})

t.test('formats: ?verbose wins over Accept; Accept is negotiated, plain JSON when it names none of ours', async (t) => {
  t.equal(formatOf('', 'application/health+json'), 'text')
  t.equal(formatOf(undefined, 'application/health+json'), 'health+json')
  t.equal(negotiate(undefined), 'json')
  t.equal(negotiate('text/html'), 'json')
  t.equal(negotiate('application/json;q=0.5, text/plain'), 'text')
  t.equal(negotiate('application/health+json;q=0, */*'), 'json')
})
