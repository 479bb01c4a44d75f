// The dirmonitor check on real directories and files: bots.ini's [dirmonitorN] sections, the job
// queue it needs, files that waited (their mtime moved back), through the service, the CLI and serve.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createBotsHealth } from '../lib/bots/compose.js'
import { botsEnv } from './helpers/app.js'
import { makeSqliteDb, spawnCli } from './helpers/cli.js'
import { memoryAdapter } from './helpers/memory-adapter.js'
import { serve } from './helpers/serve.js'

const iniWith = (sections: string, jobqueue = 'enabled = True\n'): string => `[settings]\n[jobqueue]\n${jobqueue}[directories]\nbotssys = botssys\nusersys = usersys\n${sections}`

function file (path: string, ageMinutes: number): void {
  writeFileSync(path, 'UNA:+.? \'')
  const at = (Date.now() - ageMinutes * 60_000) / 1000
  utimesSync(path, at, at)
}

async function ready (configDir: string, dirmonitor: boolean | { stale?: string } = true) {
  const health = await createBotsHealth({ database: memoryAdapter(), configDir, dirmonitor, cacheTtlMs: 0, failureCacheTtlMs: 0 })
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
  const cli = await spawnCli(['--check', 'ready', '--dirmonitor-stale', '30m', '--config-dir', e.configDir, '--database-url', `sqlite:${makeSqliteDb(e.botssys)}`, '--json'])
  t.equal(cli.code, 0, cli.stderr)
  t.match(JSON.parse(cli.stdout), { status: 'ready', warnings: ['1 file waiting longer than 30 min in the watched directories, the oldest for 45 min: the dirmonitor did not see them, or their route did not take them'] })
  const served = await serve(t, ['--dirmonitor', '--config-dir', e.configDir, '--drain-delay', '0'])
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
