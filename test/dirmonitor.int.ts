// The dirmonitor check on real directories and files: bots.ini's [dirmonitorN] sections, the job
// queue it needs, files that waited (their mtime moved back), through the service, the CLI and serve.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createBotsHealth } from '../lib/bots/compose.js'
import { botsEnv, healthApp } from './helpers/app.js'
import { CLI, makeSqliteDb, spawnCli } from './helpers/cli.js'
import { hungFsUnavailable, killGroup, spawnOnHungFs } from './helpers/hung-fs.js'
import { memoryAdapter } from './helpers/memory-adapter.js'
import { serve } from './helpers/serve.js'

const iniWith = (sections: string, jobqueue = 'enabled = True\n'): string => `[settings]\n[jobqueue]\n${jobqueue}[directories]\nbotssys = botssys\nusersys = usersys\n${sections}`

function file (path: string, ageMinutes: number): void {
  writeFileSync(path, 'UNA:+.? \'')
  const at = (Date.now() - ageMinutes * 60_000) / 1000
  utimesSync(path, at, at)
}

async function ready (configDir: string, dirmonitor: boolean | { stale?: string } = true) {
  const health = await createBotsHealth({ database: memoryAdapter(), configDir, dirmonitor, timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  try {
    return await health.ready()
  } finally {
    await health.close()
  }
}

t.test('dirmonitor: fails without the job queue, on a missing path and a bad section, naming them', async (t) => {
  const e = botsEnv(t, { ini: iniWith('[dirmonitor]\nprocess_existing = True\n[dirmonitor1]\npath = in1\n', '') })
  mkdirSync(join(e.root, 'in1'))
  t.match((await ready(e.configDir)).errors, ["dirmonitor: [jobqueue] enabled is not set in bots.ini: Bots' dirmonitor refuses to start without the job queue (set enabled = True)"])
  const off = botsEnv(t, { ini: iniWith('', 'enabled = off\n') })
  t.match((await ready(off.configDir)).errors, [/^dirmonitor: \[jobqueue\] enabled is "off" in bots.ini/])
  const missing = botsEnv(t, { ini: iniWith('[dirmonitor1]\npath = /nonexistent/edi/in\nfilemask = *.xml\n') })
  const r = await ready(missing.configDir)
  t.equal(r.status, 'not_ready')
  t.match(r.errors, ['dirmonitor: [dirmonitor1] path not found: /nonexistent/edi/in: files put there are never picked up'])
  const nopath = botsEnv(t, { ini: iniWith('[dirmonitor2]\nfilemask = *\n') })
  t.match((await ready(nopath.configDir)).errors, [/^dirmonitor: \[dirmonitor2\] has no path/])
  const rec = botsEnv(t, { ini: iniWith('[dirmonitor1]\npath = /tmp\nrecursive = maybe\n') })
  t.match((await ready(rec.configDir)).errors, [/^dirmonitor: \[dirmonitor1\] recursive is not a boolean/])
  const none = botsEnv(t, { ini: iniWith('') })
  t.match(await ready(none.configDir), { status: 'ready', details: { dirmonitor: { status: 'pass' } } }, 'no section: nothing watched from bots.ini')
})

t.test('dirmonitor: warns on files matching the filemask that waited past the limit; others and young ones pass', async (t) => {
  const e = botsEnv(t, { ini: iniWith('[dirmonitor1]\npath = in1\nfilemask = *.xml\n[dirmonitor2]\npath = in2\nrecursive = True\nfilemask = ORDERS_*\n') })
  const in1 = join(e.root, 'in1')
  const in2 = join(e.root, 'in2')
  mkdirSync(join(in2, 'sub', 'deeper'), { recursive: true })
  mkdirSync(in1)
  file(join(in1, 'young.xml'), 2)
  file(join(in1, 'old.edi'), 60)
  file(join(in1, '.old.xml'), 60)
  file(join(in2, 'ORDERS_young'), 1)
  t.match(await ready(e.configDir), { status: 'ready', details: { dirmonitor: { status: 'pass' } } }, 'only young files, or old ones no mask matches (glob skips dot files)')
  file(join(in1, 'stuck.xml'), 25)
  file(join(in2, 'sub', 'deeper', 'ORDERS_1'), 45)
  const r = await ready(e.configDir)
  t.match(r, { status: 'ready', checks: { dirmonitor: true }, details: { dirmonitor: { status: 'warn' } } })
  t.match(r.warnings, ['2 files waiting longer than 10 min in the watched directories, the oldest for 45 min: the dirmonitor did not see them, or their route did not take them'])
  t.notOk('warnings' in await ready(e.configDir, { stale: '1h' }), 'none older than an hour')
  // The CLI and serve, with the limit as a flag.
  const cli = await spawnCli(['--timeout', '5000', '--check', 'ready', '--dirmonitor-stale', '30m', '--config-dir', e.configDir, '--database-url', `sqlite:${makeSqliteDb(e.botssys)}`, '--json'])
  t.equal(cli.code, 0, cli.stderr)
  t.match(JSON.parse(cli.stdout), { status: 'ready', warnings: ['1 file waiting longer than 30 min in the watched directories, the oldest for 45 min: the dirmonitor did not see them, or their route did not take them'] })
  const served = await serve(t, ['--timeout', '5000', '--dirmonitor', '--config-dir', e.configDir, '--drain-delay', '0'])
  const res = await fetch(`${served.base}/ready`)
  t.equal(res.status, 200)
  t.match(await res.json(), { status: 'ready', warnings: [/^2 files waiting longer than 10 min/] })
})

t.test('dirmonitor: the look for waiting files is bounded in entries, and says so', async (t) => {
  const e = botsEnv(t, { ini: iniWith('[dirmonitor1]\npath = many\n') })
  const many = join(e.root, 'many')
  mkdirSync(many)
  for (let i = 0; i < 10_050; i++) file(join(many, `f${i}`), 60)
  const r = await ready(e.configDir)
  t.equal(r.status, 'ready')
  // 10,000 entries at most, or 150 ms, whichever comes first (on a busy machine, the time).
  const m = /^(\d+) or more files waiting longer than 10 min .*; \(the look for waiting files stopped after (\d+) entries\)$/.exec(r.warnings?.join('; ') ?? '')
  t.ok(m !== null && Number(m[2]) <= 10_000 && Number(m[1]) === Number(m[2]), String(r.warnings))
  const all = await createBotsHealth({ database: memoryAdapter(), configDir: e.configDir, dirmonitor: { stale: '30m' }, timeoutMs: 5000, cacheTtlMs: 0, failureCacheTtlMs: 0 })
  t.teardown(() => all.close())
  const started = performance.now()
  await all.ready()
  t.ok(performance.now() - started < 5000, 'within the deadline')
})

t.test('the plugin: dirmonitor fails readiness (503) without the job queue, warns (200) on waiting files', async (t) => {
  const off = botsEnv(t, { ini: iniWith('[dirmonitor1]\npath = /tmp\n', 'enabled = False\n') })
  const down = await healthApp(t, { timeoutMs: 5000, database: memoryAdapter(), configDir: off.configDir, dirmonitor: true })
  const r = await down.inject('/health/ready')
  t.equal(r.statusCode, 503)
  t.match(r.json(), { status: 'not_ready', checks: { dirmonitor: false }, errors: [/^dirmonitor: \[jobqueue\] enabled is "False" in bots.ini/] })
  t.equal((await down.inject('/health/live')).statusCode, 200, 'liveness untouched')
  const e = botsEnv(t, { ini: iniWith('[dirmonitor1]\npath = in\n') })
  mkdirSync(join(e.root, 'in'))
  file(join(e.root, 'in', 'x.edi'), 20)
  const app = await healthApp(t, { timeoutMs: 5000, database: memoryAdapter(), configDir: e.configDir, dirmonitor: { stale: '15m' } })
  const w = await app.inject('/health/ready')
  t.equal(w.statusCode, 200)
  t.match(w.json(), { status: 'ready', warnings: [/^1 file waiting longer than 15 min in the watched directories, the oldest for 20 min/] })
  t.match((await app.inject('/health/ready/dirmonitor?verbose')).body, /^\[!\]dirmonitor warn: 1 file waiting/)
})

t.test('dirmonitor: a path on a network file system (a FUSE mount that answers, as sshfs or s3fs) warns', { skip: hungFsUnavailable() ?? false }, async (t) => {
  const e = botsEnv(t, { ini: iniWith('[dirmonitor1]\npath = remote\n') })
  const mnt = join(e.root, 'remote')
  mkdirSync(mnt)
  const db = makeSqliteDb(e.botssys)
  const child = spawnOnHungFs(mnt, [process.execPath, CLI, '--check', 'ready', '--dirmonitor', '--config-dir', e.configDir, '--database-url', `sqlite:${db}`, '--json'], { answering: true })
  t.teardown(() => killGroup(child))
  let out = ''
  let err = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.equal(code, 0, `a warning exits 0: ${out}${err}`)
  t.match(JSON.parse(out), { status: 'ready', checks: { dirmonitor: true }, warnings: [`[dirmonitor1] ${mnt} is on FUSE (sshfs, s3fs, GlusterFS and the like): inotify does not see files that other pods or hosts write there`] })
  // The same directory, not mounted: no warning.
  const local = await spawnCli(['--timeout', '5000', '--check', 'ready', '--dirmonitor', '--config-dir', e.configDir, '--database-url', `sqlite:${db}`, '--json'])
  t.notOk('warnings' in JSON.parse(local.stdout), local.stdout)
})

t.test('dirmonitor: a path on a file system that never answers fails by the deadline, and the CLI exits', { skip: hungFsUnavailable() ?? false }, async (t) => {
  const e = botsEnv(t, { ini: iniWith('[dirmonitor1]\npath = hung\n') })
  const mnt = join(e.root, 'hung')
  mkdirSync(mnt)
  const db = makeSqliteDb(e.botssys)
  const started = performance.now()
  const child = spawnOnHungFs(mnt, [process.execPath, CLI, '--check', 'ready', '--dirmonitor', '--timeout', '300', '--config-dir', e.configDir, '--database-url', `sqlite:${db}`, '--json'])
  t.teardown(() => killGroup(child))
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  const ended = await new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  // A call that never returns holds a thread that Node's exit would wait for: the CLI ends by SIGKILL after its report.
  t.ok(ended.code === 1 || ended.signal === 'SIGKILL', JSON.stringify(ended))
  t.match(JSON.parse(out), { status: 'not_ready', checks: { dirmonitor: false }, errors: [/Dirmonitor check failed: timed out after 300 ms/] })
  t.ok(performance.now() - started < 15_000, 'it ended')
})
