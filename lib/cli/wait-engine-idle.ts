// `bots-healthcheck wait-engine-idle --timeout SECONDS`: a preStop hook for the engine's pod. Bots'
// engine removes its lock only in an atexit handler, which the SIGTERM that follows preStop skips:
// waiting here until no run holds the lock lets the run finish instead of leaving a stale lock.
import { openBotsDatabase } from '../bots/compose.js'
import { engineLockHeld } from '../bots/engine-lock.js'
import { EXIT_HEALTHY, EXIT_UNHEALTHY } from '../writers/text.js'
import type { Args } from './args.js'
import type { CliIo } from './io.js'
import { healthOptions } from './options.js'
import { monotonicMs } from '../monotonic.js'

/** How often the lock is read while a run holds it. */
const POLL_MS = 1000
/** The deadline of one read of the lock: a preStop hook is not a probe, and a busy node is no reason to give up early. */
const READ_DEADLINE_MS = 2000

/** Exit 0 as soon as no engine lock is held; 1 when `--timeout` seconds pass first. */
export async function waitEngineIdleCommand (args: Args, env: NodeJS.ProcessEnv, io: CliIo, secrets: readonly string[]): Promise<number> {
  const limitMs = (args.waitSeconds ?? 0) * 1000
  const started = monotonicMs()
  const db = await openBotsDatabase(healthOptions(args, env, secrets))
  try {
    for (let first = true; ; first = false) {
      const deadline = READ_DEADLINE_MS
      if (!await engineLockHeld(db, AbortSignal.timeout(deadline))) {
        if (!args.quiet) io.out(first ? 'no engine run holds the lock\n' : `the engine run ended after ${((monotonicMs() - started) / 1000).toFixed(1)} s: no lock is held\n`)
        return EXIT_HEALTHY
      }
      const elapsed = monotonicMs() - started
      if (first && !args.quiet) io.out(`an engine run holds the lock: waiting up to ${limitMs / 1000} s for it to end\n`)
      if (elapsed + POLL_MS > limitMs) {
        if (!args.quiet) io.out(`gave up after ${(elapsed / 1000).toFixed(1)} s (--timeout ${limitMs / 1000}): an engine run still holds the lock\n`)
        return EXIT_UNHEALTHY
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  } finally {
    await db.close?.()
  }
}
