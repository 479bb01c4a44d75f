import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'

/**
 * A stand-in for a Bots worker, run as Bots' console scripts run: a script file named `name`
 * with a `#!` line, so that the kernel runs `<interpreter> /…/name` and names the process after
 * the script (its `comm`). Python's console scripts (`bots-dirmonitor`) look the same in /proc.
 */
export async function fakeWorker (t: Test, name: string, o: { interpreter?: string } = {}): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-worker-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const script = join(dir, name)
  const interpreter = o.interpreter ?? process.execPath
  const body = interpreter.includes('python') ? 'import time\nwhile True: time.sleep(1)\n' : 'setInterval(() => {}, 1000)\n'
  writeFileSync(script, `#!${interpreter}\n${body}`)
  chmodSync(script, 0o755)
  const child = spawn(script, ['-c/config'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } })
  t.teardown(() => { child.kill('SIGKILL') })
  await new Promise((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject) })
  return child
}
