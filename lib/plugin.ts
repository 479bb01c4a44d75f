import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, LogLevel } from 'fastify'
import fp from 'fastify-plugin'
import { type BotsHealthOptions, createBotsHealth, type DatabaseOption, HealthOptionsError, validateOptions } from './health.js'
import { schemas } from './schemas.js'
import type { HealthService } from './service.js'

export interface HealthPluginOptions extends Omit<BotsHealthOptions, 'database' | 'logger'> {
  /**
   * The database. Default: the `fastify.mysql` decorator of @fastify/mysql when it is registered
   * (`'mysql'` says so explicitly). Else a mysql2 pool, `{ sqlite: path }`, a URL or an adapter.
   */
  database?: DatabaseOption | 'mysql'
  /** Where the routes go. Default `/health`. */
  prefix?: string
  /** Route the probes to a service you already have (say, a second mount under `/bots/health`): nothing is decorated. */
  service?: HealthService
  /** On close, keep serving for this long with readiness at 503 so Kubernetes takes the pod out first. Default 0. */
  drainDelayMs?: number
  /** On SIGTERM: start draining, wait `drainDelayMs`, then close the app. Default false. */
  handleSignals?: boolean
  /** Log readiness/startup transitions on `fastify.log`. Default true. */
  log?: boolean
  /**
   * Fastify's log level for the probe routes, so that a probe every few seconds does not write
   * two request lines each time. Default `'warn'`; `'info'` logs them like any route.
   */
  routeLogLevel?: LogLevel
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthService
  }
}

const NO_STORE = 'no-store'
const JSON_TYPE = 'application/json; charset=utf-8'

function validatePrefix (prefix: unknown): string {
  if (prefix === undefined) return '/health'
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.startsWith('/'))) {
    throw new HealthOptionsError('prefix', `must be a path starting with "/", got ${JSON.stringify(prefix)}`)
  }
  return prefix.replace(/\/+$/, '')
}

function pickDatabase (fastify: FastifyInstance, database: HealthPluginOptions['database']): DatabaseOption {
  const decorated = (fastify as unknown as { mysql?: unknown }).mysql
  if (database === 'mysql') {
    if (decorated === undefined) throw new HealthOptionsError('database', '"mysql" needs @fastify/mysql registered before this plugin')
    return decorated as DatabaseOption
  }
  if (database !== undefined) return database
  if (decorated !== undefined && decorated !== null) return decorated as DatabaseOption
  throw new HealthOptionsError('database', 'is required: register @fastify/mysql before this plugin, or pass database: a mysql2 pool, { sqlite: "/path/to/botsdb" }, a URL or an adapter')
}

const plugin: FastifyPluginAsync<HealthPluginOptions> = async (fastify, opts) => {
  const prefix = validatePrefix(opts.prefix)
  validateOptions(opts)
  if (opts.drainDelayMs !== undefined && (typeof opts.drainDelayMs !== 'number' || !Number.isFinite(opts.drainDelayMs) || opts.drainDelayMs < 0)) {
    throw new HealthOptionsError('drainDelayMs', `must be a non-negative number of milliseconds, got ${JSON.stringify(opts.drainDelayMs)}`)
  }

  let health = opts.service
  if (health === undefined) {
    health = await createBotsHealth({
      ...opts,
      database: pickDatabase(fastify, opts.database),
      ...(opts.log === false ? {} : { logger: fastify.log })
    })
    fastify.decorate('health', health)
    const service = health
    fastify.addHook('preClose', async () => {
      if (service.draining) return // SIGTERM already drained
      service.beginDrain()
      const delay = opts.drainDelayMs ?? 0
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    })
    fastify.addHook('onClose', async () => { await service.close() })
    if (opts.handleSignals === true) handleSignals(fastify, service, opts.drainDelayMs ?? 0)
    if ((opts.drainDelayMs ?? 0) > 0 && opts.handleSignals !== true && (fastify.initialConfig as { return503OnClosing?: boolean }).return503OnClosing !== false) {
      // Fastify answers every request with its own 503 body once close() has begun; the probes
      // keep their bodies (and liveness its 200) during the drain only with this server option.
      fastify.log.warn('fastify-bots-health: drainDelayMs is set but the server has return503OnClosing on: during fastify.close() the probes answer Fastify\'s generic 503. Create the server with { return503OnClosing: false }, or drain through handleSignals, which drains before close() begins')
    }
  }

  for (const schema of schemas) {
    if (fastify.getSchema(schema.$id) === undefined) fastify.addSchema(schema)
  }

  const service = health
  const logLevel = opts.routeLogLevel ?? 'warn'
  const routerOptions = fastify.initialConfig as { routerOptions?: { ignoreTrailingSlash?: boolean }, ignoreTrailingSlash?: boolean }
  const trailingSlashIgnored = routerOptions.routerOptions?.ignoreTrailingSlash === true || routerOptions.ignoreTrailingSlash === true

  function route (path: string, schema: Record<number, unknown>, handler: (req: FastifyRequest, reply: FastifyReply) => unknown): void {
    const url = `${prefix}/${path}`
    for (const u of trailingSlashIgnored ? [url] : [url, `${url}/`]) {
      fastify.route({ method: 'GET', url: u, logLevel, schema: { response: schema, hide: u.endsWith('/') }, handler })
    }
  }

  const ref = (id: string) => ({ $ref: `${id}#` })
  route('ping', { 200: ref('BotsHealthPing') }, (_req, reply) => {
    reply.header('cache-control', NO_STORE).type('text/plain; charset=utf-8')
    return 'ok'
  })
  // Reports are frozen and reused while their results are cached, so each is serialised (by the
  // route's schema serialiser) once and then sent as the same string.
  const serialised = new WeakMap<object, string>()
  function sendReport (reply: FastifyReply, report: object, code: number): FastifyReply {
    reply.code(code).header('cache-control', NO_STORE).type(JSON_TYPE)
    let body = serialised.get(report)
    if (body === undefined) {
      body = String(reply.serialize(report))
      serialised.set(report, body)
    }
    return reply.send(body)
  }

  route('live', { 200: ref('BotsHealthLiveReport') }, async (_req, reply) => sendReport(reply, await service.live(), 200))
  route('ready', { 200: ref('BotsHealthReadyReport'), 503: ref('BotsHealthReadyReport') }, async (_req, reply) => {
    const report = await service.ready()
    return sendReport(reply, report, report.status === 'ready' ? 200 : 503)
  })
  route('startup', { 200: ref('BotsHealthStartupReport'), 503: ref('BotsHealthStartupReport') }, async (_req, reply) => {
    const report = await service.startup()
    return sendReport(reply, report, report.status === 'started' ? 200 : 503)
  })
}

function handleSignals (fastify: FastifyInstance, service: HealthService, drainDelayMs: number): void {
  const onSignal = (): void => {
    if (service.draining) return
    service.beginDrain()
    fastify.log.info({ drainDelayMs }, 'SIGTERM: readiness is now 503; closing after the drain delay')
    setTimeout(() => { fastify.close().catch((err: unknown) => fastify.log.error({ err }, 'close after SIGTERM failed')) }, drainDelayMs)
  }
  process.on('SIGTERM', onSignal)
  fastify.addHook('onClose', async () => { process.removeListener('SIGTERM', onSignal) })
}

/** The Fastify plugin: routes under `prefix`, and the `fastify.health` service. */
export const healthPlugin = fp(plugin, { fastify: '5.x', name: 'fastify-bots-health' })
export default healthPlugin
