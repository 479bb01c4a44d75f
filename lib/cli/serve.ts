// `bots-healthcheck serve`: the plugin in a Fastify instance of its own, beside a Bots process in
// its pod (a sidecar). Loaded only by this command: the exec probes never pay for Fastify.
import Fastify from 'fastify'
import { healthPlugin } from '../plugin.js'
import type { Args } from './args.js'
import type { CliIo } from './io.js'
import { healthOptions } from './options.js'
import { EXIT_ERROR, EXIT_HEALTHY } from '../writers/text.js'
import { redact } from '../redact.js'
import { errorText } from '../error-text.js'

/** How long the close may take after the drain before the server exits anyway. */
const CLOSE_LIMIT_MS = 5000

export interface Served {
  /** The address it listens on, e.g. `http://127.0.0.1:9000`. */
  url: string
  /** Settles with the exit code once the server has closed (after a signal's drain). */
  closed: Promise<number>
}

export async function startServer (args: Args, env: NodeJS.ProcessEnv, io: CliIo, secrets: readonly string[]): Promise<Served> {
  const app = Fastify({
    logger: { level: env.LOG_LEVEL ?? 'info', base: { name: 'bots-healthcheck' }, stream: { write: (line: string) => io.out(line) } },
    // A probe server has no body to parse and nothing to keep alive for long.
    bodyLimit: 1024,
    keepAliveTimeout: 5000,
    // A client that never finishes its request (slowloris) must not hold the close: once the
    // drain is over, every connection is cut, and a request has 10 s to arrive whole.
    forceCloseConnections: true,
    requestTimeout: 10_000,
    return503OnClosing: false,
    // The probe routes bring their own validator and serializer: no Ajv nor fast-json-stringify
    // instance is built (they are most of what Fastify itself costs in memory).
    schemaController: {
      compilersFactory: {
        buildValidator: (() => () => () => true) as never,
        buildSerializer: (() => () => (data: unknown) => JSON.stringify(data)) as never
      }
    }
  })
  await app.register(healthPlugin, { ...healthOptions(args, env, secrets), prefix: args.prefix, drainDelayMs: 0 })
  const url = await app.listen({ port: args.port ?? 9000, host: args.host })
  let resolveClosed!: (code: number) => void
  const closed = new Promise<number>((resolve) => { resolveClosed = resolve })
  let stopping = false
  const stop = (signal = 'stop'): void => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now')
      resolveClosed(EXIT_HEALTHY)
      return
    }
    stopping = true
    app.health.beginDrain()
    app.log.info({ signal, drainDelayMs: args.drainDelayMs }, `${signal}: readiness is now 503; closing after the drain delay`)
    setTimeout(() => {
      // A close that does not finish (a database driver waiting on a hung connect) must not
      // keep the pod until its grace period ends.
      const force = setTimeout(() => {
        app.log.error({ signal, afterMs: CLOSE_LIMIT_MS }, 'close did not finish: exiting')
        resolveClosed(EXIT_ERROR)
      }, CLOSE_LIMIT_MS)
      app.close().then(() => { clearTimeout(force); resolveClosed(EXIT_HEALTHY) }, (err: unknown) => {
        clearTimeout(force)
        app.log.error({ err: redact(errorText(err), secrets) }, 'close failed')
        resolveClosed(EXIT_ERROR)
      })
    }, args.drainDelayMs)
  }
  io.onSignal?.((signal) => stop(signal))
  app.log.info({ url, checks: app.health.checks }, 'probe server listening')
  return { url, closed }
}

/** Runs until SIGTERM or SIGINT, then drains and exits 0. */
export async function serveCommand (args: Args, env: NodeJS.ProcessEnv, io: CliIo, secrets: readonly string[]): Promise<number> {
  let served: Served
  try {
    served = await startServer(args, env, io, secrets)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const message = e.code === 'EADDRINUSE' ? `port ${args.port ?? 9000} on ${args.host} is already in use` : e.message
    io.err(`bots-healthcheck: error: ${redact(message, secrets)}\n`)
    return EXIT_ERROR
  }
  return await served.closed
}
