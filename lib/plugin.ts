import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { buildBotsHealth } from './bots/compose.js'
import { type BotsHealthOptions, resolveBotsOptions } from './bots/options.js'
import type { DatabaseOption } from './db/resolve.js'
import { CLOSE_MARGIN_MS, createDrain, fastifyCliGraceMs, shutdownOnSignal } from './drain.js'
import { HealthOptionsError } from './errors.js'
import { hardExit } from './fs-gate.js'
import { type HealthPluginOptions, resolvePluginOptions, type ResolvedPluginOptions } from './plugin-options.js'
import { createProbeServer } from './probe-server.js'
import { addMetricsRoute, addProbeRoutes } from './routes.js'
import type { HealthService } from './service.js'

// The Fastify plugin, a composition: its options resolved, a service (given, or built by the
// Bots layer and owned), the drain of an owned service, the probe port, and the routes.

export type { HealthPluginOptions } from './plugin-options.js'

// In this file, which index.d.ts reaches, so that users' code sees them (a route config typed in
// routes.ts alone never reached their editor).
declare module 'fastify' {
  interface FastifyInstance {
    health: HealthService
  }
  interface FastifyContextConfig {
    /** True on this plugin's probe routes: an auth hook can let them through. */
    healthProbe?: boolean
    /** False on the probe routes and /metrics: @fastify/otel makes no span for them. */
    otel?: boolean
    /** True on the metrics route. */
    healthMetrics?: boolean
  }
}

/** How long after the drain close() may take before the process is made to exit (handleSignals). */
const CLOSE_LIMIT_MS = 10_000

function pickDatabase (fastify: FastifyInstance, database: HealthPluginOptions['database']): BotsHealthOptions['database'] | undefined {
  const decorated = (fastify as unknown as { mysql?: unknown }).mysql
  if (database === 'mysql') {
    if (decorated === undefined) throw new HealthOptionsError('database', '"mysql" needs @fastify/mysql registered before this plugin')
    return decorated as DatabaseOption
  }
  if (database !== undefined) return database
  return decorated !== undefined && decorated !== null ? decorated as DatabaseOption : undefined
}

/** The service this registration builds, owns, decorates and drains. */
async function ownService (fastify: FastifyInstance, opts: HealthPluginOptions, po: ResolvedPluginOptions): Promise<HealthService> {
  // Before anything is opened: a second service would open a second pool that nothing closes.
  if (fastify.hasDecorator('health')) {
    throw new HealthOptionsError('service', 'is needed for a second registration: this app already has fastify.health (a service and its database pool). Mount its routes again with { prefix: \'/other/health\', service: fastify.health }')
  }
  const service = await buildBotsHealth(resolveBotsOptions({
    ...opts,
    database: pickDatabase(fastify, opts.database),
    ...(po.log ? { logger: fastify.log } : {})
  }, 'is required: register @fastify/mysql before this plugin, or pass database: a mysql2 pool, { sqlite: "/path/to/botsdb" }, a URL or an adapter'))
  fastify.decorate('health', service)
  const grace = po.drainDelayMs > 0 ? fastifyCliGraceMs(process.argv, process.env) : undefined
  if (grace !== undefined && po.drainDelayMs + CLOSE_MARGIN_MS > grace) {
    fastify.log.warn({ drainDelayMs: po.drainDelayMs, closeGraceDelayMs: grace }, `fastify-cli ends the process ${grace} ms after a signal (its close-grace delay), before the drain of ${po.drainDelayMs} ms and the close after it: start it with -g ${po.drainDelayMs + CLOSE_MARGIN_MS} (--close-grace-delay, or FASTIFY_CLOSE_GRACE_DELAY), or readiness is cut short`)
  }
  const drain = createDrain(service, po.drainDelayMs)
  fastify.addHook('preClose', () => drain.over())
  fastify.addHook('onClose', async () => { await service.close() })
  if (po.handleSignals) {
    const onSignal = shutdownOnSignal({
      drain,
      drainDelayMs: po.drainDelayMs,
      close: () => fastify.close(),
      closeLimitMs: CLOSE_LIMIT_MS,
      log: fastify.log,
      second: 'ignore',
      done: (code) => { if (code !== 0) hardExit(code) }
    })
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
    fastify.addHook('onClose', async () => {
      process.removeListener('SIGTERM', onSignal)
      process.removeListener('SIGINT', onSignal)
    })
  }
  return service
}

/** The probes on a port of their own, listening once the app is ready and closed with it. */
function probePort (fastify: FastifyInstance, service: HealthService, po: ResolvedPluginOptions, listen: { port: number, host: string }): FastifyInstance {
  const probeApp = createProbeServer({ loggerInstance: fastify.log.child({ probePort: listen.port }) })
  addProbeRoutes(probeApp, service, po)
  // Bound when the app listens (just after its listen() resolves), not when it is ready: an app
  // that is only inject()ed (a test suite) binds no port. A port that cannot be bound is said at
  // error level; the kubelet's probes on it fail, as they would with no listener.
  fastify.addHook('onListen', async () => {
    try {
      await probeApp.listen(listen)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      fastify.log.error({ err, probePort: listen.port }, `the probe port ${listen.host}:${listen.port} cannot listen${code === 'EADDRINUSE' ? ': it is in use' : ''}; the probes on it will fail`)
    }
  })
  fastify.addHook('onClose', async () => { await probeApp.close() })
  return probeApp
}

/**
 * The metrics of the service: in the registry given, or on `/metrics` of the probe port (when
 * there is one) or of the app. prom-client is loaded here only, when metrics are asked for.
 */
async function addMetrics (fastify: FastifyInstance, service: HealthService, po: ResolvedPluginOptions, metrics: NonNullable<ResolvedPluginOptions['metrics']>, probeApp: FastifyInstance | undefined): Promise<void> {
  let mod: typeof import('./metrics.js')
  try {
    mod = await import('./metrics.js')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new HealthOptionsError('metrics', 'needs prom-client 15, which is not installed: npm install prom-client')
  }
  const m = mod.createHealthMetrics(service, metrics.registry !== undefined ? { registry: metrics.registry as never } : {})
  fastify.addHook('onClose', async () => { m.close() })
  if (metrics.registry === undefined) addMetricsRoute(probeApp ?? fastify, m, { path: metrics.path, routeLogLevel: po.routeLogLevel })
}

const plugin: FastifyPluginAsync<HealthPluginOptions> = async (fastify, opts) => {
  const po = resolvePluginOptions(opts)
  const service = po.service ?? await ownService(fastify, opts, po)
  const probeApp = po.listen !== undefined ? probePort(fastify, service, po, po.listen) : undefined
  if (po.metrics !== undefined) await addMetrics(fastify, service, po, po.metrics, probeApp)
  addProbeRoutes(fastify, service, po)
}

/** The Fastify plugin: routes under `prefix`, and the `fastify.health` service. */
export const healthPlugin = fp(plugin, { fastify: '5.x', name: 'fastify-bots-health' })
export default healthPlugin
