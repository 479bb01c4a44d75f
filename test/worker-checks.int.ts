// The checks that watch a Bots process of the pod, against real parts: a real Python
// SimpleXMLRPCServer, real processes in /proc (a zombie included), a real HTTP server, a read-only
// bind mount and a full tmpfs.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { memoryAdapter } from './helpers/memory-adapter.js'
import { botsEnv } from './helpers/app.js'
import { CheckFailure, createHealthService, type Check } from '../lib/index.js'
import { diskCheck, parseFreeSpace } from '../lib/checks/disk.js'
import { httpCheck } from '../lib/checks/http.js'
import { webserverCheck } from '../lib/bots/checks.js'
import { jobqueueCheck } from '../lib/bots/jobqueue.js'
import { findProcesses, processCheck } from '../lib/checks/process.js'
import { tcpCheck } from '../lib/checks/tcp.js'
import { writableCheck } from '../lib/checks/writable.js'
import { createBotsHealth } from '../lib/bots/compose.js'
import { spawnCli, unprivileged } from './helpers/cli.js'
import { closedPort, hungServer } from './helpers/net.js'
import { PYTHON, pythonXmlRpcServer } from './helpers/xmlrpc.js'
import { fakeWorker } from './helpers/worker.js'

async function outcome (check: Check, timeoutMs = 500): Promise<{ ok: boolean, error?: string, ms: number }> {
  const service = createHealthService({ ready: [check], startup: [], timeoutMs, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  const started = Date.now()
  const r = await service.ready()
  return { ok: r.status === 'ready', ...(r.errors?.[0] !== undefined ? { error: r.errors[0] } : {}), ms: Date.now() - started }
}

function tempDir (t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'worker-checks-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

t.test('jobqueue: an answering SimpleXMLRPCServer passes; a wedged one fails by the deadline', { skip: PYTHON === undefined ? 'python3 not found' : false }, async (t) => {
  const server = await pythonXmlRpcServer()
  t.teardown(() => server.close())
  t.same(await outcome(jobqueueCheck({ port: server.port })).then((o) => o.ok), true, 'listjobs answered: it serves')
  server.wedge()
  const wedged = await outcome(jobqueueCheck({ port: server.port }), 300)
  t.equal(wedged.ok, false)
  t.equal(wedged.error, 'Jobqueue check failed: timed out after 300 ms', 'the kernel accepted the connection; no answer came')
  t.ok(wedged.ms < 300 + 1500, `answered in ${wedged.ms} ms, deadline 300 ms (wedged, it would never answer)`)
})

t.test('jobqueue: refused, and a listener that never answers', async (t) => {
  const port = await closedPort()
  t.match(await outcome(jobqueueCheck({ port })), { ok: false, error: `jobqueueserver on 127.0.0.1:${port}: connection refused` })
  const hung = await hungServer()
  t.teardown(() => hung.close())
  t.match(await outcome(jobqueueCheck({ port: hung.port }), 200), { ok: false, error: 'Jobqueue check failed: timed out after 200 ms' })
  for (let i = 0; i < 100 && hung.open > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(hung.open, 0, 'the connection is closed when the deadline aborts it')
})

t.test('jobqueue: an HTTP server that is not XML-RPC fails', async (t) => {
  const server = createServer((_req, res) => res.end('<html>hello</html>'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const port = (server.address() as AddressInfo).port
  t.match(await outcome(jobqueueCheck({ port })), { ok: false, error: `jobqueueserver on 127.0.0.1:${port}: not an XML-RPC answer (HTTP 200)` })
})

t.test('process: a running process passes, a missing one and a zombie fail', async (t) => {
  const dir = tempDir(t)
  const marker = `fbhp${process.pid}`
  const exe = join(dir, marker)
  copyFileSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), exe)
  // sleep 30 never reaps its child: the short one becomes a zombie, for real.
  const parent = spawn('sh', ['-c', `${exe} 0.05 & exec sleep 30`], { stdio: 'ignore' })
  t.teardown(() => { parent.kill('SIGKILL') })
  const running = spawn(exe, ['30'], { stdio: 'ignore' })
  t.teardown(() => { running.kill('SIGKILL') })
  await new Promise((resolve) => setTimeout(resolve, 300))
  const found = await findProcesses(marker)
  t.same(found.map((p) => p.state).sort(), ['S', 'Z'], 'one sleeping, one zombie')
  t.same(await outcome(processCheck(marker)).then((o) => o.ok), true, 'a live one is enough')
  running.kill('SIGKILL')
  await new Promise((resolve) => running.once('exit', resolve))
  const zombie = await outcome(processCheck(marker))
  t.equal(zombie.ok, false)
  t.match(zombie.error, new RegExp(`^process "${marker}" is a zombie \\(pid \\d+\\): it exited and was not reaped$`))
  t.match(await outcome(processCheck(`${marker}-none`)), { ok: false, error: `no process "${marker}-none" is running (a process in another container is seen only with shareProcessNamespace: true)` })
  t.match(await outcome(processCheck('x', { procDir: join(dir, 'nope') })), { ok: false, error: /cannot read .*nope \(ENOENT\)/ })
})

t.test('webserver and httpCheck: below 500 passes, 500 and no answer fail', async (t) => {
  let status = 404
  const server = createServer((_req, res) => { res.statusCode = status; res.end('x') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const port = (server.address() as AddressInfo).port
  t.equal((await outcome(webserverCheck({ port }))).ok, true, 'a 404 still proves the webserver serves')
  status = 302
  t.equal((await outcome(webserverCheck({ port }))).ok, true)
  status = 503
  t.match(await outcome(webserverCheck({ port })), { ok: false, error: `webserver: GET http://127.0.0.1:${port}/ answered 503` })
  t.match(await outcome(httpCheck(`http://u:secret@127.0.0.1:${port}/x`, { name: 'api' })), { ok: false, error: `api: GET http://127.0.0.1:${port}/x answered 503` }, 'no credentials in the error')
  const closed = await closedPort()
  t.match(await outcome(webserverCheck({ port: closed })), { ok: false, error: /connection refused/ })
  t.throws(() => httpCheck('https://127.0.0.1/', { name: 'x' }), /only http:\/\/ URLs/)
})

t.test('tcpCheck: open and refused', async (t) => {
  const hung = await hungServer()
  t.teardown(() => hung.close())
  t.equal((await outcome(tcpCheck('127.0.0.1', hung.port))).ok, true)
  const closed = await closedPort()
  t.match(await outcome(tcpCheck('127.0.0.1', closed)), { ok: false, error: /connection refused/ })
})

/** Mounts `dir` as asked (`mount ARGS dir`), unmounted at teardown; false when this machine does not allow it. */
function mounted (t: Test, args: string[], dir: string, o: { remount?: boolean } = {}): boolean {
  try {
    execFileSync('mount', [...args, dir], { stdio: 'ignore' })
  } catch {
    return false
  }
  if (o.remount !== true) t.teardown(() => { try { execFileSync('umount', ['-l', dir], { stdio: 'ignore' }) } catch {} })
  return true
}

t.test('writable: a writable directory passes and keeps nothing; a read-only mount fails', async (t) => {
  const dir = tempDir(t)
  const data = join(dir, 'data')
  mkdirSync(data)
  t.equal((await outcome(writableCheck(data))).ok, true)
  t.same(readdirSync(data), [], 'the probe file is removed')
  t.match(await outcome(writableCheck(join(dir, 'missing'))), { ok: false, error: `writable ${join(dir, 'missing')} does not exist` })
  if (!mounted(t, ['--bind', data], data) || !mounted(t, ['-o', 'remount,ro,bind'], data, { remount: true })) {
    t.comment('skipped: this machine does not allow a read-only bind mount (the permission case below still runs)')
    return
  }
  t.match(await outcome(writableCheck(data)), { ok: false, error: `writable ${data} is on a read-only file system` })
})

t.test('writable: a directory the probing user may not write fails, from the CLI as an unprivileged user', async (t) => {
  const e = botsEnv(t)
  chmodSync(e.root, 0o755)
  const data = join(e.botssys, 'data')
  chmodSync(data, 0o555)
  t.teardown(() => chmodSync(data, 0o755))
  // root writes anywhere, so the probe runs as nobody when the tests run as root
  const asNobody = await unprivileged(t)
  if (asNobody === undefined) return
  const r = await spawnCli(['--check', 'ready', '--writable', '--json', '--config-dir', e.configDir], asNobody)
  t.equal(r.code, 1)
  t.equal(r.stderr, '', 'nothing on stderr: no stack trace')
  const errors = (JSON.parse(r.stdout) as { errors: string[] }).errors
  t.ok(errors.includes(`writable ${data} is not writable (permission denied)`), errors.join('\n'))
  t.same(readdirSync(data), [], 'nothing left behind')
})

t.test('disk: enough free space passes; a full tmpfs of fixed size fails', async (t) => {
  const dir = tempDir(t)
  t.equal((await outcome(diskCheck(dir))).ok, true)
  if (!mounted(t, ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs'], dir)) {
    t.comment('skipped: this machine does not allow a tmpfs mount')
    return
  }
  t.equal((await outcome(diskCheck(dir))).ok, true, 'an empty 1 MiB tmpfs: 5 % of it is free')
  try { writeFileSync(join(dir, 'fill'), Buffer.alloc(1024 * 1024)) } catch {}
  t.match(await outcome(diskCheck(dir)), { ok: false, error: /^disk: 0\.0 MiB free of 1\.0 MiB on .*, below the 0\.1 MiB required$/ })
  const write = await outcome(writableCheck(dir))
  t.equal(write.ok, false, `a full file system is not writable either (${write.error ?? ''})`)
  t.match(await outcome(diskCheck(join(dir, 'nope'))), { ok: false, error: /cannot read the free space .* \(ENOENT\)/ })
})

t.test('disk: free inodes count too, by the share of the threshold; a volume full of small files fails with bytes to spare', async (t) => {
  const dir = tempDir(t)
  if (!mounted(t, ['-t', 'tmpfs', '-o', 'size=10m,nr_inodes=100', 'tmpfs'], dir)) {
    t.comment('skipped: this machine does not allow a tmpfs mount')
    return
  }
  t.equal((await outcome(diskCheck(dir))).ok, true, 'an empty tmpfs of 100 inodes passes')
  let made = 0
  for (; made < 200; made++) {
    try { writeFileSync(join(dir, `msg-${made}.edi`), 'UNA') } catch { break }
  }
  const full = await outcome(diskCheck(dir))
  t.match(full, { ok: false, error: /^disk: 0 inodes free of 100 on .*, below the 5 required \(5 %\)/ }, `${made} small files later`)
  t.match(await outcome(diskCheck(dir, { minFree: { bytes: 1024 } })), { ok: false, error: /inodes free/ }, 'a size threshold keeps inodes at 5 %')
  t.match(await outcome(diskCheck(dir, { minFree: [{ percent: 1 }, { bytes: 1 }] })), { ok: false, error: /below the 1 required \(1 %\)/ })
  for (let i = 0; i < 10; i++) rmSync(join(dir, `msg-${i}.edi`))
  t.equal((await outcome(diskCheck(dir))).ok, true, 'ten files removed: 10 % of the inodes free again')
})

t.test('free-space thresholds read as written', async (t) => {
  t.same(parseFreeSpace('5%'), { percent: 5 })
  t.same(parseFreeSpace('500MiB'), { bytes: 500 * 1024 * 1024 })
  t.same(parseFreeSpace('2 GB'), { bytes: 2e9 })
  t.same(parseFreeSpace('1048576'), { bytes: 1048576 })
  t.equal(parseFreeSpace('150%'), undefined)
  t.equal(parseFreeSpace('lots'), undefined)
})

t.test('createBotsHealth: each check goes to its probes; ports come from bots.ini', { skip: PYTHON === undefined ? 'python3 not found' : false }, async (t) => {
  const server = await pythonXmlRpcServer()
  t.teardown(() => server.close())
  const web = createServer((_req, res) => res.end('ok'))
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
  t.teardown(() => web.close())
  const webPort = (web.address() as AddressInfo).port
  const e = botsEnv(t, { ini: `[settings]\n[webserver]\nport = ${webPort}\n[jobqueue]\nport = ${server.port}\n[directories]\nbotssys = botssys\nusersys = usersys\n` })
  const db = memoryAdapter()
  const marker = `bots-jobqueueserver-${process.pid}`
  await fakeWorker(t, marker)
  const health = await createBotsHealth({ database: db, configDir: e.configDir, process: marker, jobqueue: true, webserver: true, writable: true, disk: { minFree: '1MiB' } })
  t.teardown(() => health.close())
  t.same(health.checks, {
    live: ['process', 'jobqueue'],
    ready: ['database', 'botssys', 'usersys', 'config', 'jobqueue', 'webserver', 'writable', 'disk'],
    startup: ['database', 'tables', 'botssys', 'usersys', 'config', 'writable']
  })
  t.match(await health.live(), { status: 'ok', checks: { process: true, jobqueue: true } })
  t.match(await health.ready(), { status: 'ready' })
  t.match(await health.startup(), { status: 'started' })
  health.beginDrain()
  t.match(await health.ready(), { status: 'not_ready' })
  t.match(await health.live(), { status: 'ok' }, 'liveness does not drain')
})

t.test('liveness with a watched process: not_alive when it is gone, and a bad port in bots.ini fails clearly', async (t) => {
  const e = botsEnv(t, { ini: '[jobqueue]\nport = 28_08x\n[directories]\n' })
  const db = memoryAdapter({ tables: [] })
  const health = await createBotsHealth({ database: db, configDir: e.configDir, process: `no-such-process-${process.pid}`, jobqueue: true, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  t.teardown(() => health.close())
  const live = await health.live()
  t.equal(live.status, 'not_alive')
  t.equal(live.message, 'Process is not alive: process, jobqueue failed')
  t.same(live.errors, [
    `no process "no-such-process-${process.pid}" is running (a process in another container is seen only with shareProcessNamespace: true)`,
    'jobqueue: [jobqueue] port in bots.ini is not a port number (Bots stops on it): "28_08x"'
  ])
})

t.test('bad worker options fail at once and name the option', async (t) => {
  const db = memoryAdapter({ tables: [] })
  const base = { database: db, botssys: '/tmp', usersys: '/tmp' }
  await t.rejects(createBotsHealth({ ...base, process: '' }), /process must be a non-empty string/)
  await t.rejects(createBotsHealth({ ...base, jobqueue: { port: 70000 } }), /jobqueue must be true, false or \{ port: 1-65535/)
  await t.rejects(createBotsHealth({ ...base, webserver: 'yes' as never }), /webserver must be true, false/)
  await t.rejects(createBotsHealth({ ...base, writable: 'yes' as never }), /writable must be true or false/)
  await t.rejects(createBotsHealth({ ...base, disk: { minFree: 'lots' } }), /disk must be true, false or \{ minFree/)
})

t.test('a CheckFailure thrown by a user check reads as it is', async (t) => {
  const check: Check = { name: 'mine', async run () { throw new CheckFailure('mine: broken') } }
  t.match(await outcome(check), { ok: false, error: 'mine: broken' })
})

t.test('the plugin: /health/live answers 503 when the watched process is gone, and stays 200 while draining', async (t) => {
  const { default: Fastify } = await import('fastify')
  const { healthPlugin } = await import('../lib/index.js')
  const marker = `bots-engine-${process.pid}`
  const worker = await fakeWorker(t, marker)
  const app = Fastify()
  t.teardown(() => app.close())
  const db = memoryAdapter({ tables: [] })
  await app.register(healthPlugin, { database: db, botssys: '/', usersys: '/', process: marker, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  const alive = await app.inject('/health/live')
  t.equal(alive.statusCode, 200)
  t.match(alive.json(), { status: 'ok', checks: { process: true } })
  worker.kill('SIGKILL')
  await new Promise((resolve) => worker.once('exit', resolve))
  const dead = await app.inject('/health/live')
  t.equal(dead.statusCode, 503)
  t.match(dead.json(), { status: 'not_alive', checks: { process: false } })
  t.match((await app.inject({ url: '/health/live', headers: { accept: 'application/health+json' } })).json(), { status: 'fail', checks: { 'process:responseTime': [{ status: 'fail' }] } })
})
