// Round 3's fault cases that need the machine to themselves (run by fault-suites.test.ts, one
// suite after another): botssys on a file system that never answers, and a flood of probes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { botsEnv } from './helpers/app.js'
import { CLI } from './helpers/cli.js'
import { hungFsUnavailable, killGroup, spawnOnHungFs } from './helpers/hung-fs.js'
import { createTestDatabase } from './helpers/mysql.js'
import { serve, within } from './helpers/serve.js'
import { fakeWorker } from './helpers/worker.js'

// --- 3: a hung botssys ----------------------------------------------------------------------------

t.test('3: botssys on a file system that never answers: liveness stays fast, the CLI exits, serve stops on SIGTERM', { skip: hungFsUnavailable() ?? false }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hung-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const mnt = join(root, 'mnt')
  mkdirSync(mnt)
  mkdirSync(join(root, 'config'))
  mkdirSync(join(root, 'usersys'))
  writeFileSync(join(root, 'config', 'bots.ini'), `[directories]\nbotssys = ${mnt}/botssys\nusersys = usersys\n`)
  const name = `bots-jobqueueserver-${process.pid}`
  await fakeWorker(t, name)

  // The exec probe prints its report and exits (by SIGKILL: Node cannot exit normally while a
  // thread waits on the volume), within its deadline and a margin.
  const started = performance.now()
  const cli = spawnOnHungFs(mnt, [process.execPath, CLI, '--check', 'ready', '--timeout', '300', '--config-dir', join(root, 'config'), '--writable', '--disk'])
  t.teardown(() => killGroup(cli))
  let printed = ''
  cli.stdout?.on('data', (d: Buffer) => { printed += d.toString() })
  const ended = await new Promise<{ code: number | null, signal: string | null }>((resolve) => cli.once('exit', (code, signal) => resolve({ code, signal })))
  const ms = performance.now() - started
  t.match(printed, /Status: not_ready/, 'the report is printed')
  t.match(printed, /botssys/)
  t.ok(ended.code === 1 || ended.signal === 'SIGKILL', `a failure: ${JSON.stringify(ended)}`)
  t.ok(ms < 15_000, `exited after ${Math.round(ms)} ms`)

  // serve: ready times out and then fails fast; live answers every time; SIGTERM ends it.
  const served = await serve(t, ['--config-dir', join(root, 'config'), '--process', name, '--timeout', '300', '--writable', '--disk', '--drain-delay', '0'], (argv) => spawnOnHungFs(mnt, argv))
  for (let i = 0; i < 4; i++) {
    t.equal((await fetch(`${served.base}/ready`)).status, 503)
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
  const stuck = await (await fetch(`${served.base}/ready`)).json() as { errors: string[] }
  t.ok(stuck.errors.some((e) => /timed out|have not returned/.test(e)), stuck.errors.join(' | '))
  for (let i = 0; i < 10; i++) {
    const at = performance.now()
    const live = await fetch(`${served.base}/live`)
    t.equal(live.status, 200, `live ${i}: ${Math.round(performance.now() - at)} ms`)
  }
  served.child.kill('SIGTERM')
  const stop = await within(served.exited, 15_000)
  t.not(stop, 'still running', `serve exited on SIGTERM: ${JSON.stringify(stop)}`)
})

// --- 7: a flood of probes -----------------------------------------------------------------------

t.test('7: 5,000 concurrent ready probes on a healthy sidecar (MariaDB) are all 200', async (t) => {
  const e = botsEnv(t)
  const db = await createTestDatabase('flood')
  t.teardown(() => db.drop())
  const served = await serve(t, ['--config-dir', e.configDir, '--database-url', db.url, '--timeout', '300'])
  const statuses: Record<string, number> = {}
  const reasons = new Set<string>()
  await Promise.all(Array.from({ length: 5000 }, async () => {
    try {
      const r = await fetch(`${served.base}/ready`)
      statuses[r.status] = (statuses[r.status] ?? 0) + 1
      const body = await r.json() as { errors?: string[] }
      for (const e of body.errors ?? []) reasons.add(e)
    } catch (err) {
      statuses.error = (statuses.error ?? 0) + 1
      reasons.add((err as Error).message)
    }
  }))
  t.same(statuses, { 200: 5000 }, `answers: ${JSON.stringify(statuses)} ${[...reasons].slice(0, 3).join(' | ')}`)
})
