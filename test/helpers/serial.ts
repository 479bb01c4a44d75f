import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'

// The fault suites (hung databases, cut links: faults, hardening) run one at a time, never
// two at once, while the unit and integration suites share the other job. tap has no per-file
// serial flag, so each fault suite holds this lock for its whole file. A lock whose holder has
// died (tap's timeout kills it) is taken over.

const LOCK = join(tmpdir(), `fastify-bots-health-faults-${Buffer.from(new URL('../..', import.meta.url).pathname).toString('hex').slice(-24)}.lock`)

function holderAlive (): boolean {
  let pid: number
  try {
    pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'))
  } catch {
    // Taken a moment ago and the pid not written yet; or long ago by a process that died at once.
    try { return Date.now() - statSync(LOCK).mtimeMs < 5000 } catch { return false }
  }
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Call at the top of a fault suite: the file's tests run once no other fault suite runs. */
export function faultSuite (t: Test): void {
  t.before(async () => {
    for (;;) {
      try {
        mkdirSync(LOCK)
        writeFileSync(join(LOCK, 'pid'), String(process.pid))
        return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
        if (!holderAlive()) rmSync(LOCK, { recursive: true, force: true })
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  })
  t.teardown(() => { rmSync(LOCK, { recursive: true, force: true }) })
}
