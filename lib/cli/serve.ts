// `bots-healthcheck serve`: the probe server beside a Bots process in its pod (a sidecar), over
// the service the Bots layer builds. Loaded only by this command: the exec probes never pay for
// Fastify.
import { createBotsHealth } from '../bots/compose.js'
import { createDrain, shutdownOnSignal } from '../drain.js'
import { PLUGIN_DEFAULTS } from '../plugin-options.js'
import { createProbeServer } from '../probe-server.js'
import { redact } from '../redact.js'
import { createHealthMetrics } from '../metrics.js'
import { addMetricsRoute, addProbeRoutes } from '../routes.js'
import { EXIT_ERROR, EXIT_HEALTHY } from '../writers/text.js'
import type { Args } from './args.js'
import type { CliIo } from './io.js'
import { healthOptions } from './options.js'

/** How long the close may take after the drain before the server exits anyway. */
const CLOSE_LIMIT_MS = 5000

export interface Served {
  /** The address it listens on, e.g. `http://127.0.0.1:9000`. */
  url: string
  /** Settles with the exit code once the server has closed (after a signal's drain). */
  closed: Promise<number>
}

export async function startServer (args: Args, env: NodeJS.ProcessEnv, io: CliIo, secrets: readonly string[]): Promise<Served> {
  const app = createProbeServer({ logger: { level: env.LOG_LEVEL ?? 'info', base: { name: 'bots-healthcheck' }, stream: { write: (line: string) => io.out(line) } } })
  let service
  try {
    service = await createBotsHealth({ ...healthOptions(args, env, secrets), logger: app.log })
  } catch (err) {
    await app.close()
    throw err
  }
  app.addHook('onClose', async () => { await service.close() })
  addProbeRoutes(app, service, { prefix: args.prefix, routeLogLevel: PLUGIN_DEFAULTS.routeLogLevel })
  const metrics = createHealthMetrics(service)
  app.addHook('onClose', async () => { metrics.close() })
  addMetricsRoute(app, metrics, { path: PLUGIN_DEFAULTS.metricsPath, routeLogLevel: PLUGIN_DEFAULTS.routeLogLevel })
  const url = await app.listen({ port: args.port, host: args.host })
  let resolveClosed!: (code: number) => void
  const closed = new Promise<number>((resolve) => { resolveClosed = resolve })
  const onSignal = shutdownOnSignal({
    drain: createDrain(service, args.drainDelayMs),
    drainDelayMs: args.drainDelayMs,
    close: () => app.close(),
    closeLimitMs: CLOSE_LIMIT_MS,
    log: app.log,
    second: 'exit',
    redact: (text) => redact(text, secrets),
    done: (code) => resolveClosed(code === 0 ? EXIT_HEALTHY : EXIT_ERROR)
  })
  io.onSignal?.(onSignal)
  app.log.info({ url, checks: service.checks }, 'probe server listening')
  return { url, closed }
}

/** Runs until SIGTERM or SIGINT, then drains and exits 0. */
export async function serveCommand (args: Args, env: NodeJS.ProcessEnv, io: CliIo, secrets: readonly string[]): Promise<number> {
  let served: Served
  try {
    served = await startServer(args, env, io, secrets)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const message = e.code === 'EADDRINUSE' ? `port ${args.port} on ${args.host} is already in use` : e.message
    io.err(`bots-healthcheck: error: ${redact(message, secrets)}\n`)
    return EXIT_ERROR
  }
  return await served.closed
}
