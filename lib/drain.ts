import { readFileSync } from 'node:fs'
import { errorText } from './error-text.js'
import type { HealthService } from './service.js'
import { monotonicMs } from './monotonic.js'

// The drain, one implementation for the plugin and `serve`: readiness turns 503 at once, and
// the close waits until the drain delay has passed since the drain began, whoever began it (a
// signal, close-with-grace, fastify-cli, a test calling close()).

export interface Drain {
  /** Readiness answers 503 from now on; the delay is counted from the first call. */
  begin (): void
  /** Begins the drain if nobody has, then resolves once the delay since it began has passed. */
  over (): Promise<void>
}

export function createDrain (service: Pick<HealthService, 'beginDrain'>, delayMs: number, now: () => number = monotonicMs): Drain {
  let endsAt: number | undefined
  const begin = (): void => {
    service.beginDrain()
    endsAt ??= now() + delayMs
  }
  return {
    begin,
    async over () {
      begin()
      const left = (endsAt ?? 0) - now()
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left))
    }
  }
}

export interface ShutdownOptions {
  drain: Drain
  /** How long readiness stays 503 before the close starts (tell it in the log). */
  drainDelayMs: number
  /** Closes the server (its onClose hooks close the service). */
  close: () => Promise<void>
  /** How long the close may take before the process is made to end anyway. */
  closeLimitMs: number
  log: { info (o: object, m: string): void, warn (o: object, m: string): void, error (o: object, m: string): void }
  /** Called once at the end: 0 after a clean close, 1 when the close failed or took too long. */
  done: (code: number) => void
  /** A second signal: `exit` ends at once (done(0)); `ignore` lets the first one finish. */
  second: 'exit' | 'ignore'
  /** Takes the secrets out of a close error before it is logged. */
  redact?: (text: string) => string
}

/**
 * What a signal starts: the drain, the close once the drain delay has passed, and an end by
 * `closeLimitMs` after that whatever the close does (a hook that hangs, a socket that stays, a
 * driver waiting on a hung connect must not keep the pod until its grace period ends).
 */
export function shutdownOnSignal (o: ShutdownOptions): (signal: string) => void {
  let signalled = false
  return (signal) => {
    if (signalled) {
      if (o.second === 'exit') {
        o.log.warn({ signal }, 'second signal: exiting now')
        o.done(0)
      }
      return
    }
    signalled = true
    o.drain.begin()
    o.log.info({ signal, drainDelayMs: o.drainDelayMs }, `${signal}: readiness is now 503; closing after the drain delay`)
    o.drain.over().then(() => {
      const limit = setTimeout(() => {
        o.log.error({ signal, afterMs: o.closeLimitMs }, 'close did not finish: exiting')
        o.done(1)
      }, o.closeLimitMs)
      o.close().then(() => { clearTimeout(limit); o.done(0) }, (err: unknown) => {
        clearTimeout(limit)
        const text = errorText(err)
        o.log.error({ err: o.redact?.(text) ?? text }, `close after ${signal} failed`)
        o.done(1)
      })
    }, () => {})
  }
}

/** fastify-cli's close-with-grace delay when none is given (`-g`, `--close-grace-delay`). */
const FASTIFY_CLI_DEFAULT_GRACE_MS = 500
/** What a close needs after the drain: the server's own close, the pools'. */
export const CLOSE_MARGIN_MS = 1000

/**
 * The delay after which fastify-cli's close-with-grace ends the process, when this process is
 * `fastify start`: `-g N`, `--close-grace-delay N` (or `=N`), else `FASTIFY_CLOSE_GRACE_DELAY`
 * (fastify-cli loads .env into it), else 500 ms. Undefined when this is not fastify-cli.
 * fastify-cli empties process.argv past the script as it parses it: the command line is read
 * from /proc/self/cmdline (Linux, where pods run) when `argv` has no more than the script.
 */
export function fastifyCliGraceMs (argv: readonly string[], env: NodeJS.ProcessEnv, cmdline: () => readonly string[] = procCmdline): number | undefined {
  const script = argv[1] ?? ''
  if (!/(^|[\\/])(fastify-cli[\\/]cli\.js|\.bin[\\/]fastify|fastify)$/.test(script)) return undefined
  const full = argv.length > 2 ? argv : cmdline()
  const args = full.slice(full.findIndex((a) => a === script || /(fastify-cli[\\/]cli\.js|[\\/]fastify)$/.test(a)) + 1)
  if (!args.includes('start')) return undefined
  let given: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--') break
    if (a === '-g' || a === '--close-grace-delay') given = args[i + 1]
    else if (a.startsWith('--close-grace-delay=')) given = a.slice('--close-grace-delay='.length)
    else if (/^-g\d+$/.test(a)) given = a.slice(2)
  }
  const value = Number(given ?? env.FASTIFY_CLOSE_GRACE_DELAY ?? FASTIFY_CLI_DEFAULT_GRACE_MS)
  return Number.isFinite(value) && value >= 0 ? value : FASTIFY_CLI_DEFAULT_GRACE_MS
}

/** This process's command line as the kernel keeps it (empty where there is no /proc). */
function procCmdline (): string[] {
  try {
    return readFileSync('/proc/self/cmdline', 'utf8').split('\0').filter((a) => a !== '')
  } catch {
    return []
  }
}
