// Round 3 of "never the cause of an outage": the database-free cases, each a finding of the
// issue's adversarial pass (numbers as in the issue).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createHealthService, type Check } from '../lib/index.js'
import { pythonInt } from '../lib/bots/ini.js'
import { findProcesses, processCheck, programOf } from '../lib/checks/process.js'
import { errorText } from '../lib/error-text.js'
import { redact, REDACT_MAX, urlSecrets } from '../lib/redact.js'
import { parse } from '../lib/cli/args.js'
import { execCheckArgs } from '../lib/cli/probes.js'

const PYTHON = spawnSync('python3', ['-c', '0'], { stdio: 'ignore' }).status === 0

t.test('4: a check that rejects with a value whose description throws still gives a 503, and nothing is unhandled', async (t) => {
  const odd: unknown[] = [
    Object.create(null),
    { toString () { throw new Error('no') } },
    Object.defineProperty({}, 'message', { get () { throw new Error('no') } }),
    Object.defineProperty(new Error('x'), 'message', { get () { throw new Error('no') } }),
    (() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy })(),
    Symbol('s'),
    undefined
  ]
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown): void => { unhandled.push(e) }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => { process.removeListener('unhandledRejection', onUnhandled) })
  for (const [i, value] of odd.entries()) {
    const check: Check = { name: 'odd', run: () => Promise.reject(value) }
    const service = createHealthService({ ready: [check], startup: [], cacheTtlMs: 0, failureCacheTtlMs: 0 })
    const report = await service.ready()
    t.equal(report.status, 'not_ready', `case ${i}`)
    t.equal(typeof report.errors?.[0], 'string', `case ${i}: a reason: ${String(report.errors?.[0])}`)
    t.doesNotThrow(() => errorText(value), `case ${i}: errorText never throws`)
  }
  await new Promise((resolve) => setImmediate(resolve))
  t.same(unhandled, [], 'no unhandled rejection')
})

t.test('5: redaction is linear: 1 MB of "x://" without a space or an "@" is redacted in well under a second', async (t) => {
  const sizes = [64 * 1024, 1024 * 1024]
  for (const size of sizes) {
    const text = 'x://'.repeat(size / 4)
    const started = performance.now()
    redact(text, ['hunter22'])
    const ms = performance.now() - started
    // Quadratic, 256 KB took 35 s here: a bound a busy machine cannot break, and no linear code misses.
    t.ok(ms < 3000, `${size / 1024} KB in ${ms.toFixed(0)} ms`)
  }
  const kv = 'password='.repeat(100_000) + 'x'
  const started = performance.now()
  redact(kv)
  t.ok(performance.now() - started < 3000, 'repeated keys too')
})

t.test('5: a long text is cut before the patterns, never inside a token: no half secret survives the cut', async (t) => {
  const pad = 'a '.repeat((REDACT_MAX - 20) / 2)
  for (let shift = 0; shift < 40; shift++) {
    const text = pad + ' '.repeat(shift) + 'mysql://root:TopSecret99@db:3306/x and password="two words" then Bearer abcdefghijklmnop'
    const out = redact(text)
    t.notMatch(out, /TopSe|Secret99|two words|words|abcdefgh/, `shift ${shift}`)
  }
  // Known secrets are replaced in the whole text first, so a cut cannot split one either.
  const known = 'x'.repeat(REDACT_MAX - 4) + ' correct horse battery staple'
  t.notMatch(redact(known, ['correct horse battery staple']), /correct|horse/)
})

t.test('a URL password that a driver would take only part of: every piece is a secret', async (t) => {
  const secrets = urlSecrets('postgres://u:ab#cdefg@host/db')
  for (const s of ['ab#cdefg', 'cdefg']) t.ok(secrets.includes(s), s)
  t.equal(redact('password authentication failed for password "cdefg"', secrets), 'password authentication failed for password "***"')
})

t.test('1, D: the program a command line runs, not the text it mentions', async (t) => {
  const cases: [string[], string][] = [
    [['/usr/local/bin/python3', '/usr/local/bin/bots-dirmonitor', '-c/config'], '/usr/local/bin/bots-dirmonitor'],
    [['python3', '-u', '-m', 'bots.jobqueueserver'], 'bots.jobqueueserver'],
    [['python', '-mbots.jobqueueserver'], 'bots.jobqueueserver'],
    [['python3.11', '-W', 'ignore', 'bots-webserver.py'], 'bots-webserver.py'],
    [['sh', '-c', 'bots-healthcheck --check live --process bots-dirmonitor; exit $?'], 'sh'],
    [['timeout', '30', 'bots-healthcheck', '--process', 'bots-dirmonitor'], 'timeout'],
    [['/usr/bin/node', '/usr/bin/npx', 'bots-healthcheck', '--process', 'bots-dirmonitor'], '/usr/bin/npx'],
    [['node', '/app/dist/bots-healthcheck.cjs', 'serve', '--process', 'bots-dirmonitor'], '/app/dist/bots-healthcheck.cjs'],
    [['/sbin/tini', '--', 'bots-dirmonitor'], '/sbin/tini'],
    [['python3', '-c', 'import bots'], 'python3']
  ]
  for (const [argv, program] of cases) t.equal(programOf(argv), program, argv.join(' '))
})

/** A /proc of our own: `pid → [comm, state, argv or a FIFO]`, added to `dir` (a new one by default). */
function fakeProc (entries: Record<number, [string, string, string[] | 'fifo']>, dir = mkdtempSync(join(tmpdir(), 'fake-proc-'))): string {
  const fifos: string[] = []
  for (const [pid, [comm, state, argv]] of Object.entries(entries)) {
    mkdirSync(join(dir, pid))
    writeFileSync(join(dir, pid, 'stat'), `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194560`)
    symlinkSync(Array.isArray(argv) && argv[0] !== undefined ? argv[0] : `/usr/bin/${comm}`, join(dir, pid, 'exe'))
    if (argv === 'fifo') fifos.push(join(dir, pid, 'cmdline'))
    else writeFileSync(join(dir, pid, 'cmdline'), argv.length === 0 ? '' : argv.join('\0') + '\0')
  }
  // One mkfifo for them all: a process each would cost seconds.
  if (fifos.length > 0) {
    const r = spawnSync('mkfifo', fifos)
    if (r.status !== 0) throw new Error(`mkfifo failed: ${String(r.stderr)}`)
  }
  return dir
}

t.test('1, 2, D, 11: a wrapper that mentions the name is not the process; stopped and zombie fail; only candidates are read', async (t) => {
  const run = async (procDir: string, name: string): Promise<{ ok: boolean, error?: string }> => {
    const service = createHealthService({ ready: [processCheck(name, { procDir })], startup: [], cacheTtlMs: 0, failureCacheTtlMs: 0 })
    const r = await service.ready()
    return { ok: r.status === 'ready', ...(r.errors?.[0] !== undefined ? { error: r.errors[0] } : {}) }
  }
  // Thousands of processes whose command line is a FIFO: reading one would block for ever, so
  // the check passing at all proves that only the candidates' command lines are read.
  const crowd: Record<number, [string, string, string[] | 'fifo']> = {}
  for (let pid = 5000; pid < 7000; pid++) crowd[pid] = ['nginx', 'S', 'fifo']
  const wrappers: Record<number, [string, string, string[] | 'fifo']> = {
    100: ['sh', 'S', ['sh', '-c', 'bots-healthcheck --check live --process bots-dirmonitor; exit $?']],
    101: ['timeout', 'S', ['timeout', '30', 'bots-healthcheck', '--process', 'bots-dirmonitor']],
    102: ['node', 'S', ['node', '/usr/local/bin/bots-healthcheck', 'serve', '--process', 'bots-dirmonitor']],
    103: ['tini', 'S', ['/sbin/tini', '--', 'sh', '-c', 'sleep 1; bots-dirmonitor']]
  }
  const only = fakeProc({ ...crowd, ...wrappers })
  t.teardown(() => rmSync(only, { recursive: true, force: true }))
  t.match(await run(only, 'bots-dirmonitor'), { ok: false, error: /^no process "bots-dirmonitor" is running/ }, 'wrappers and sidecars do not count')

  fakeProc({ 200: ['bots-dirmonitor', 'S', ['/usr/local/bin/python3', '/usr/local/bin/bots-dirmonitor', '-c/config']] }, only)
  t.match(await run(only, 'bots-dirmonitor'), { ok: true }, 'the console script')

  // Node 24 renames its main thread: the name says MainThread, the executable says node.
  const renamed = fakeProc({ 250: ['MainThread', 'S', ['/usr/bin/node', '/srv/bots-dirmonitor']] })
  t.teardown(() => rmSync(renamed, { recursive: true, force: true }))
  t.match(await run(renamed, 'bots-dirmonitor'), { ok: true }, 'a process that renamed itself')

  const module = fakeProc({ 300: ['python3', 'S', ['python', '-m', 'bots.jobqueueserver', '-c/config']] })
  t.teardown(() => rmSync(module, { recursive: true, force: true }))
  t.match(await run(module, 'bots-jobqueueserver'), { ok: true }, 'python -m bots.jobqueueserver is bots-jobqueueserver')

  const stopped = fakeProc({ 400: ['bots-dirmonitor', 'T', ['python3', '/usr/local/bin/bots-dirmonitor']], 401: ['bots-dirmonitor', 't', ['python3', '/usr/local/bin/bots-dirmonitor']] })
  t.teardown(() => rmSync(stopped, { recursive: true, force: true }))
  t.match(await run(stopped, 'bots-dirmonitor'), { ok: false, error: 'process "bots-dirmonitor" is stopped (pid 400, 401, state T): SIGSTOP or a debugger holds it' })

  // The kernel keeps 15 characters of a name: a zombie jobqueueserver is `bots-jobqueuese`.
  const zombie = fakeProc({ 500: ['bots-jobqueuese', 'Z', []] })
  t.teardown(() => rmSync(zombie, { recursive: true, force: true }))
  t.match(await run(zombie, 'bots-jobqueueserver'), { ok: false, error: 'process "bots-jobqueueserver" is a zombie (pid 500): it exited and was not reaped' })
})

t.test('1: this process and its ancestors are never the watched process, whatever the pattern', async (t) => {
  const mine = findProcesses(/./)
  t.notOk(mine.some((p) => p.pid === process.pid || p.pid === process.ppid), 'neither the probe nor what runs it')
})

t.test('12: a check named __proto__ is refused, not lost', async (t) => {
  const check: Check = { name: '__proto__', async run () {} }
  t.throws(() => createHealthService({ ready: [check], startup: [] }), { code: 'FST_BOTS_HEALTH_OPTIONS', message: /ready\[0\]\.name must not be "__proto__"/ })
})

t.test('13: [jobqueue] port is read as Python\'s int() reads it', { skip: PYTHON ? false : 'python3 not found' }, async (t) => {
  const inputs = ['28082', ' 28082 ', '+28082', '28_082', '２８０８２', '٢٨٠٨٢', '𝟐𝟖𝟎𝟖𝟐', '\u3000 28082\u2003', '28__082', '_28082', '28082_', '0x6f', '28082.0', '-5', '', ' ', '२८०८२', '١٢'.repeat(2), '\u00a028082\x1c']
  const oracle = spawnSync('python3', ['-c', `
import json, sys
out = []
for s in json.load(sys.stdin):
    try: out.append(int(s))
    except ValueError: out.append(None)
print(json.dumps(out))`], { input: JSON.stringify(inputs), encoding: 'utf8' })
  const expected = JSON.parse(oracle.stdout) as (number | null)[]
  inputs.forEach((s, i) => t.equal(pythonInt(s) ?? null, expected[i], JSON.stringify(s)))
})

t.test('9: probes --exec passes every check flag on, and refuses a URL with a password', async (t) => {
  const args = parse(['probes', '--exec', '--process', 'bots-dirmonitor', '--jobqueue', '--writable', '--min-free', '2GiB', '--database-url', 'mysql://bots@db/botsdb'], {})
  t.same(execCheckArgs(args), ['--process', 'bots-dirmonitor', '--jobqueue', '--writable', '--min-free', '2GiB', '--database-url', 'mysql://bots@db/botsdb'])
  t.throws(() => execCheckArgs(parse(['probes', '--exec', '--database-url', 'mysql://bots:s3cret@db/botsdb'], {})), /holds a password.*DATABASE_URL from a Secret/)
})

t.test('7: a probe that comes after the deadline, before a busy loop has run its timer, waits for the attempt instead of failing it', async (t) => {
  const { createRunner } = await import('../lib/engine/runner.js')
  let now = 0
  const due: (() => void)[] = []
  const runner = createRunner({
    timeoutMs: 500,
    cacheTtlMs: 1000,
    failureCacheTtlMs: 250,
    secrets: [],
    clock: { now: () => now },
    // Timers that fire only when the test says: the loop is busy until then.
    timers: { setTimeout: (fn) => { due.push(fn); return due.length }, clearTimeout: () => {} }
  })
  let answer!: () => void
  const check: Check = { name: 'database', run: () => new Promise<void>((resolve) => { answer = resolve }) }
  const first = runner.run(check)
  now = 800 // the loop was busy: the clock is past the deadline, the timer has not run
  const second = runner.run(check)
  t.equal(second, first, 'the same attempt, not "timed out (previous attempt still pending)"')
  answer() // the answer had arrived; it is read before the timer runs
  const r = await second
  t.equal(r.ok, true)
  for (const fn of due) fn()
  t.equal((await first).ok, true, 'the late timer changes nothing')
})
