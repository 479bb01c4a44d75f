import type { Args } from './args.js'
import { healthOptions } from './options.js'
import { isHealthy as healthy } from '../writers/status.js'
import { EXIT_HEALTHY, EXIT_UNHEALTHY, type Report, render } from '../writers/text.js'
import type { CliIo } from './io.js'
import { monotonicMs } from '../monotonic.js'

async function liveReport (args: Args, env: NodeJS.ProcessEnv): Promise<Report> {
  if (args.process === undefined && !args.jobqueue) {
    const { LIVE_REPORT } = await import('../engine/report.js')
    return LIVE_REPORT
  }
  // Liveness with a watched process: its checks alone, no database opened.
  const { createBotsLiveHealth } = await import('../bots/compose.js')
  const service = createBotsLiveHealth({ configDir: args.configDir, process: args.process, jobqueue: args.jobqueue, env, ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}) })
  return await service.live()
}

/** `--check live|ready|startup`, once, or with `--wait` until it passes. */
export async function checkCommand (args: Args, env: NodeJS.ProcessEnv, io: CliIo, secrets: readonly string[]): Promise<number> {
  if (args.check === 'live') {
    const report = await liveReport(args, env)
    if (!args.quiet) io.out(args.json ? JSON.stringify(report, null, 2) + '\n' : render(report))
    return healthy(report) ? EXIT_HEALTHY : EXIT_UNHEALTHY
  }
  const { createBotsHealth } = await import('../bots/compose.js')
  const health = await createBotsHealth({
    ...healthOptions(args, env, secrets),
    // Every run is fresh: nothing to cache, and no latch to keep.
    cacheTtlMs: 0,
    failureCacheTtlMs: 0,
    startupLatch: false
  })
  const run = (): Promise<Report> => args.check === 'ready' ? health.ready() : health.startup()
  let report: Report
  if (args.waitSeconds === undefined) {
    report = await run()
  } else {
    report = await waitFor(run, args.waitSeconds * 1000, args, io)
  }
  // Closing waits for an attempt that is still pending (a hung connect); the process exits
  // right after printing, so do not wait for it.
  health.close().catch(() => {})
  if (!args.quiet) io.out(args.json ? JSON.stringify(report, null, 2) + '\n' : render(report))
  return healthy(report) ? EXIT_HEALTHY : EXIT_UNHEALTHY
}

/**
 * Runs the check once a second until it passes or `budgetMs` is spent, telling each change of
 * the result on a line of its own (`[12.0 s] startup: starting (database, tables failing)`).
 */
async function waitFor (run: () => Promise<Report>, budgetMs: number, args: Args, io: CliIo): Promise<Report> {
  // The monotonic clock: a wall clock stepped back an hour must not make the wait an hour longer.
  const now = monotonicMs
  const started = now()
  let last = ''
  for (;;) {
    const attemptAt = now()
    const report = await run()
    const failing = report.checks === undefined ? [] : Object.entries(report.checks).filter(([, ok]) => !ok).map(([name]) => name)
    const line = `${report.check}: ${report.status}${failing.length > 0 ? ` (${failing.join(', ')} failing)` : ''}`
    if (line !== last && !args.quiet && !args.json) io.out(`[${((attemptAt - started) / 1000).toFixed(1)} s] ${line}\n`)
    last = line
    if (healthy(report)) return report
    const elapsed = now() - started
    if (elapsed >= budgetMs) {
      if (!args.quiet && !args.json) io.out(`gave up after ${(elapsed / 1000).toFixed(1)} s (--wait ${budgetMs / 1000})\n`)
      return report
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(1000 - (now() - attemptAt), budgetMs - elapsed))))
  }
}
