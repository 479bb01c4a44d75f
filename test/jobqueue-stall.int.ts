// The job queue watched for progress by a long-lived probe (serve), against Python's
// SimpleXMLRPCServer with a launcher thread: a queue that moves or empties passes; a launcher
// that hangs on a job, or that ended, fails liveness once a job has waited past the limit. Only
// listjobs is called by the probe. An exec probe sees one answer and cannot tell.
import t from 'tap'
import { readXmlRpcAnswer } from '../lib/bots/xmlrpc.js'
import { waitingJobs } from '../lib/bots/jobqueue.js'
import { createBotsHealth } from '../lib/bots/compose.js'
import { botsEnv, healthApp } from './helpers/app.js'
import { fakeTime } from './helpers/fake-time.js'
import { memoryAdapter } from './helpers/memory-adapter.js'
import { makeSqliteDb, spawnCli } from './helpers/cli.js'
import { eventually, serve } from './helpers/serve.js'
import { engineJob, PYTHON, pythonJobqueue } from './helpers/xmlrpc.js'

const skip = PYTHON === undefined ? 'python3 not found' : false
const ini = (port: number, settings = ''): string => `[settings]\n${settings}[jobqueue]\nenabled = True\nport = ${port}\n[directories]\nbotssys = botssys\nusersys = usersys\n`

async function waiting (q: Awaited<ReturnType<typeof pythonJobqueue>>): Promise<number[]> {
  const read = readXmlRpcAnswer(await q.call('listjobs'))
  const jobs = read !== undefined && 'value' in read ? waitingJobs(read.value) : undefined
  return (jobs ?? []).map((j) => j.number)
}

t.test('serve --jobqueue-stall: a moving queue passes, a hung launcher fails liveness, by job number', { skip }, async (t) => {
  const q = await pythonJobqueue()
  t.teardown(() => q.close())
  const e = botsEnv(t, { ini: ini(q.port) })
  makeSqliteDb(e.botssys)
  const served = await serve(t, ['--timeout', '5000', '--jobqueue', '--jobqueue-stall', '2s', '--config-dir', e.configDir, '--drain-delay', '0'])
  const live = async (): Promise<{ status: number, body: { errors?: string[] } }> => {
    const r = await fetch(`${served.base}/live`)
    return { status: r.status, body: await r.json() as { errors?: string[] } }
  }
  t.equal((await live()).status, 200, 'an empty queue')
  // A queue that moves: a job every 100 ms for 3 s, each taken off within milliseconds.
  const moving: number[] = []
  for (let i = 0; i < 30; i++) {
    await q.call('addjob', ...engineJob(`r${i}`))
    moving.push((await live()).status)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.same([...new Set(moving)], [200], 'liveness stayed 200 while the queue moved')
  // The launcher hangs on the next job; the one after it waits.
  await q.call('hang')
  await q.call('addjob', ...engineJob('hung'))
  t.ok(await eventually(async () => (await waiting(q)).length === 0, 5000), 'the launcher took the hung job')
  await q.call('addjob', ...engineJob('behind'))
  const [behind] = await waiting(q)
  t.equal((await live()).status, 200, 'a job that has just arrived')
  let failed: { status: number, body: { errors?: string[] } } | undefined
  t.ok(await eventually(async () => { failed = await live(); return failed.status === 503 }, 15_000), 'liveness fails once the job waited past 2 s')
  t.match(failed?.body.errors, [new RegExp(`^jobqueue: job ${behind} \\(bots-engine --new behind\\) waiting [\\d.]+ s, longer than 2 s: the launcher is stuck`)])
  t.same(await waiting(q), [behind], 'the probe took nothing off the queue')
  // The exec probe: one listjobs, no memory of the ones before it: it cannot see the stall.
  const exec = await spawnCli(['--timeout', '5000', '--check', 'live', '--jobqueue', '--config-dir', e.configDir])
  t.equal(exec.code, 0, `the exec probe passes: the server answers ${exec.stdout}${exec.stderr}`)
  const refused = await spawnCli(['--timeout', '5000', '--check', 'live', '--jobqueue-stall', '5m', '--config-dir', e.configDir])
  t.equal(refused.code, 2)
  t.match(refused.stderr, /--jobqueue-stall goes with serve: .* an exec probe remembers none/)
})

t.test('serve: a launcher that ended while the XML-RPC thread answers fails liveness', { skip }, async (t) => {
  const q = await pythonJobqueue()
  t.teardown(() => q.close())
  const e = botsEnv(t, { ini: ini(q.port) })
  makeSqliteDb(e.botssys)
  const served = await serve(t, ['--timeout', '5000', '--jobqueue-stall', '2s', '--config-dir', e.configDir, '--drain-delay', '0'])
  t.match(await q.call('stoplauncher'), '<int>0</int>', 'the launcher thread has ended')
  await q.call('addjob', ...engineJob('orphan'))
  t.equal((await fetch(`${served.base}/live`)).status, 200, 'seen waiting for the first time')
  let body: { errors?: string[] } = {}
  t.ok(await eventually(async () => {
    const r = await fetch(`${served.base}/live`)
    body = await r.json() as { errors?: string[] }
    return r.status === 503
  }, 15_000), 'liveness fails once the job waited past 2 s')
  t.match(body.errors, [/^jobqueue: job 1 \(bots-engine --new orphan\) waiting [\d.]+ s, longer than 2 s: the launcher is stuck/])
  t.equal((await fetch(`${served.base}/ready`)).status, 200, 'readiness does not watch the queue')
})

t.test('the limit defaults to maxruntime of bots.ini, timed on the service\'s monotonic clock', { skip }, async (t) => {
  const q = await pythonJobqueue()
  t.teardown(() => q.close())
  const e = botsEnv(t, { ini: ini(q.port, 'maxruntime = 3\n') })
  const time = fakeTime()
  const health = await createBotsHealth({ database: memoryAdapter(), configDir: e.configDir, jobqueue: true, timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0, clock: time.clock })
  t.teardown(() => health.close())
  t.match(await q.call('stoplauncher'), '<int>0</int>', 'the launcher thread has ended')
  await q.call('addjob', ...engineJob('orphan'))
  t.match(await health.live(), { status: 'ok' })
  time.advance(179_000)
  t.match(await health.live(), { status: 'ok' }, 'waiting 2 min 59 s, under maxruntime (3 min)')
  time.advance(2000)
  t.match(await health.live(), { status: 'not_alive', errors: [/^jobqueue: job 1 \(bots-engine --new orphan\) waiting 3 min, longer than 3 min/] })
})

t.test('the plugin: jobqueue { stall } fails liveness on a stuck launcher, 200 again once the queue moves', { skip }, async (t) => {
  const q = await pythonJobqueue()
  t.teardown(() => q.close())
  const e = botsEnv(t, { ini: ini(q.port) })
  const app = await healthApp(t, { timeoutMs: 5000, database: memoryAdapter(), configDir: e.configDir, jobqueue: { stall: '1s' } })
  t.match(await q.call('stoplauncher'), '<int>0</int>', 'the launcher thread has ended')
  await q.call('addjob', ...engineJob('orphan'))
  t.equal((await app.inject('/health/live')).statusCode, 200, 'seen waiting for the first time')
  let res = await app.inject('/health/live')
  t.ok(await eventually(async () => { res = await app.inject('/health/live'); return res.statusCode === 503 }, 10_000), 'then 503')
  t.match(res.json(), { status: 'not_alive', checks: { jobqueue: false }, errors: [/^jobqueue: job 1 \(bots-engine --new orphan\) waiting [\d.]+ s, longer than 1 s: the launcher is stuck/] })
  t.equal((await app.inject('/health/ready')).statusCode, 200, 'readiness does not watch the queue')
})
