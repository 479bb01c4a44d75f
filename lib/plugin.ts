import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema, LogLevel } from 'fastify'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { assertMilliseconds, type BotsHealthOptions, createBotsHealth, type DatabaseOption, HealthOptionsError, validateOptions } from './health.js'
import { schemas } from './schemas.js'
import { HEALTH_JSON, toHealthJson, toVerbose } from './formats.js'
import type { LiveReport, ReadyReport, StartupReport } from './schemas.js'
import { type HealthService, type ProbeOptions, UnknownCheckError } from './service.js'

export interface HealthPluginOptions extends Omit<BotsHealthOptions, 'database' | 'logger'> {
  /**
   * The database. Default: the `fastify.mysql` decorator of @fastify/mysql when it is registered
   * (`'mysql'` says so explicitly). Else a mysql2 pool, `{ sqlite: path }`, a URL or an adapter.
   */
  database?: BotsHealthOptions['database'] | 'mysql'
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
  /**
   * Also serve the probes on a port of their own (Spring Boot's management port): a bare Fastify
   * instance sharing this service, which the app's hooks, auth, rate limits and body parsers never
   * touch, and which answers while the main port is saturated. It listens once the app is ready
   * and closes with it. The routes stay on the main port too, with `config.healthProbe: true`.
   */
  listen?: { port: number, host?: string }
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthService
  }
  interface FastifyContextConfig {
    /** True on this plugin's probe routes: an auth hook can let them through. */
    healthProbe?: boolean
  }
}

const NO_STORE = 'no-store'
const JSON_TYPE = 'application/json; charset=utf-8'
const HEALTH_JSON_TYPE = `${HEALTH_JSON}; charset=utf-8`
const TEXT_TYPE = 'text/plain; charset=utf-8'
type Report = LiveReport | ReadyReport | StartupReport

function validatePrefix (prefix: unknown): string {
  if (prefix === undefined) return '/health'
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.startsWith('/'))) {
    throw new HealthOptionsError('prefix', `must be a path starting with "/", got ${JSON.stringify(prefix)}`)
  }
  return prefix.replace(/\/+$/, '')
}

function pickDatabase (fastify: FastifyInstance, database: HealthPluginOptions['database']): BotsHealthOptions['database'] {
  const decorated = (fastify as unknown as { mysql?: unknown }).mysql
  if (database === 'mysql') {
    if (decorated === undefined) throw new HealthOptionsError('database', '"mysql" needs @fastify/mysql registered before this plugin')
    return decorated as DatabaseOption
  }
  if (database !== undefined) return database
  if (decorated !== undefined && decorated !== null) return decorated as DatabaseOption
  throw new HealthOptionsError('database', 'is required: register @fastify/mysql before this plugin, or pass database: a mysql2 pool, { sqlite: "/path/to/botsdb" }, a URL or an adapter')
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

function validatePluginOptions (opts: HealthPluginOptions): void {
  assertMilliseconds('drainDelayMs', opts.drainDelayMs)
  for (const name of ['handleSignals', 'log'] as const) {
    if (opts[name] !== undefined && typeof opts[name] !== 'boolean') throw new HealthOptionsError(name, `must be true or false, got ${JSON.stringify(opts[name])}`)
  }
  if (opts.routeLogLevel !== undefined && !LOG_LEVELS.has(opts.routeLogLevel)) {
    throw new HealthOptionsError('routeLogLevel', `must be one of ${[...LOG_LEVELS].join(', ')}, got ${JSON.stringify(opts.routeLogLevel)}`)
  }
  if (opts.listen !== undefined) {
    const l = opts.listen as { port?: unknown, host?: unknown } | null
    if (typeof l !== 'object' || l === null || !Number.isInteger(l.port) || (l.port as number) < 0 || (l.port as number) > 65535 || (l.host !== undefined && (typeof l.host !== 'string' || l.host === ''))) {
      throw new HealthOptionsError('listen', `must be { port: 0-65535, host?: "0.0.0.0" }, got ${JSON.stringify(opts.listen)}`)
    }
  }
  if (opts.service !== undefined) {
    for (const name of ['drainDelayMs', 'handleSignals'] as const) {
      if (opts[name] !== undefined) throw new HealthOptionsError(name, 'does not go with service: the registration that owns the service drains it; set it there')
    }
    const s = opts.service as Partial<HealthService> | null
    if (typeof s !== 'object' || s === null || typeof s.ready !== 'function' || typeof s.startup !== 'function' || typeof s.live !== 'function' || typeof s.checks !== 'object') {
      throw new HealthOptionsError('service', 'must be a health service (app.health, or createHealthService()), with live(), ready(), startup() and checks')
    }
  }
}

const plugin: FastifyPluginAsync<HealthPluginOptions> = async (fastify, opts) => {
  const prefix = validatePrefix(opts.prefix)
  validateOptions(opts)
  validatePluginOptions(opts)

  const owned = opts.service === undefined
  const service = opts.service ?? await createBotsHealth({
    ...opts,
    database: pickDatabase(fastify, opts.database),
    ...(opts.log === false ? {} : { logger: fastify.log })
  })
  if (owned) {
    fastify.decorate('health', service)
    const delay = opts.drainDelayMs ?? 0
    // Whoever starts the drain (a signal, close-with-grace, fastify-cli, a test calling close()),
    // close() waits until the drain delay has passed since it began.
    let drainEnds: number | undefined
    const drain = (): void => {
      service.beginDrain()
      drainEnds ??= performance.now() + delay
    }
    fastify.addHook('preClose', async () => {
      drain()
      const left = (drainEnds ?? 0) - performance.now()
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left))
    })
    fastify.addHook('onClose', async () => { await service.close() })
    if (opts.handleSignals === true) handleSignals(fastify, drain, delay)
  }

  if (opts.listen !== undefined) {
    const { port, host } = opts.listen
    const probeApp = Fastify({
      loggerInstance: fastify.log.child({ probePort: port }),
      return503OnClosing: false,
      bodyLimit: 1024
    })
    await probeApp.register(plugin, { service, prefix, routeLogLevel: opts.routeLogLevel ?? 'warn' })
    fastify.addHook('onReady', async () => { await probeApp.listen({ port, host: host ?? '0.0.0.0' }) })
    fastify.addHook('onClose', async () => { await probeApp.close() })
  }

  for (const schema of schemas) {
    if (fastify.getSchema(schema.$id) === undefined) fastify.addSchema(schema)
  }

  const logLevel = opts.routeLogLevel ?? 'warn'
  const routerOptions = fastify.initialConfig as { routerOptions?: { ignoreTrailingSlash?: boolean }, ignoreTrailingSlash?: boolean }
  const trailingSlashIgnored = routerOptions.routerOptions?.ignoreTrailingSlash === true || routerOptions.ignoreTrailingSlash === true

  function route (path: string, schema: Record<string, unknown>, handler: (req: FastifyRequest, reply: FastifyReply) => unknown): void {
    const url = `${prefix}/${path}`
    for (const u of trailingSlashIgnored ? [url] : [url, `${url}/`]) {
      fastify.route({ method: 'GET', url: u, logLevel, config: { healthProbe: true }, schema: { tags: ['health'], ...schema, hide: u.endsWith('/') } as FastifySchema, serializerCompiler, validatorCompiler, errorHandler, handler })
    }
  }

  // The routes send strings they rendered once per report, so Fastify need not compile a
  // serialiser for each status code and content type (that took ~300 ms of every app's boot):
  // the response schemas are for documentation and for clients.
  // A probe route's errors (Fastify's own 400 for a bad querystring, an unknown check) answer as
  // the probe does: a JSON body and no caching. A route error handler costs nothing per request,
  // where a hook would run on every probe.
  const errorHandler = (err: Error & { statusCode?: number }, _req: FastifyRequest, reply: FastifyReply): void => {
    const body = errorBody(err)
    reply.code(body.statusCode).header('cache-control', NO_STORE).type(JSON_TYPE).send(JSON.stringify(body))
  }
  // Fastify's own error replies (a 400 from the querystring) come here as Error objects.
  const serializerCompiler = () => (data: unknown) => JSON.stringify(data instanceof Error ? errorBody(data) : data)
  // The one querystring the probes take, checked by hand: an ajv validator compiled for each of
  // the ~20 routes cost the boot time and ~10 MB of a probe server's memory.
  const validatorCompiler = () => validateProbeQuery
  const ref = (id: string) => ({ $ref: `${id}#` })
  route('ping', { summary: 'ok, with no check run', produces: ['text/plain'], response: { 200: { content: { 'text/plain': { schema: ref('BotsHealthPing') } } } } }, (_req, reply) => {
    reply.header('cache-control', NO_STORE).type('text/plain; charset=utf-8')
    return 'ok'
  })

  // Reports are frozen and reused while their results are cached, so each is rendered once per
  // format and then sent as the same string.
  const rendered = new Map<string, WeakMap<object, string>>()
  function send (reply: FastifyReply, report: Report, code: number, type: string, render: (r: Report) => string): FastifyReply {
    reply.code(code).header('cache-control', NO_STORE).type(type)
    let cache = rendered.get(type)
    if (cache === undefined) rendered.set(type, cache = new WeakMap())
    let body = cache.get(report)
    if (body === undefined) cache.set(report, body = render(report))
    return reply.send(body)
  }

  const querystring = {
    type: 'object',
    properties: {
      verbose: { type: 'string', description: 'Any value: answer in kube-apiserver\'s text format' },
      exclude: { type: 'array', items: { type: 'string' }, description: 'Leave this check out (repeatable); an unknown name is a 400' }
    }
  }
  function responses (reportId: string, codes: number[]) {
    const content = {
      'application/json': { schema: ref(reportId) },
      'application/health+json': { schema: ref('BotsHealthHealthJson') },
      'text/plain': { schema: ref('BotsHealthVerboseText') }
    }
    return Object.fromEntries([...codes.map((c) => [c, { description: c === 200 ? 'Healthy' : 'Unhealthy', content }]), [400, { description: 'Bad Request', content: { 'application/json': { schema: ref('BotsHealthProbeError') } } }]])
  }

  function probe (name: 'live' | 'ready' | 'startup', path: string, summary: string, only?: string): void {
    const reportId = name === 'live' ? 'BotsHealthLiveReport' : name === 'ready' ? 'BotsHealthReadyReport' : 'BotsHealthStartupReport'
    const run = name === 'live' ? () => service.live() : name === 'ready' ? (o: ProbeOptions) => service.ready(o) : (o: ProbeOptions) => service.startup(o)
    route(path, {
      summary,
      produces: ['application/json', 'application/health+json', 'text/plain'],
      ...(name === 'live' ? {} : { querystring }),
      response: responses(reportId, name === 'live' ? [200] : [200, 503])
    }, async (req, reply) => {
      const query = req.query as { verbose?: string, exclude?: string[] }
      let report: Report
      try {
        report = await run(only !== undefined ? { only } : { exclude: query.exclude ?? [] })
      } catch (err) {
        if (!(err instanceof UnknownCheckError)) throw err
        return reply.code(400).header('cache-control', NO_STORE).send({ statusCode: 400, error: 'Bad Request', message: `fastify-bots-health: ${err.message}` })
      }
      const code = report.status === 'ok' || report.status === 'ready' || report.status === 'started' ? 200 : 503
      const format = query.verbose !== undefined ? 'text' : negotiate(req.headers.accept)
      if (format === 'text') return send(reply, report, code, TEXT_TYPE, (r) => toVerbose(r, only !== undefined ? `${name}/${only}` : name))
      if (format === 'health+json') return send(reply, report, code, HEALTH_JSON_TYPE, (r) => JSON.stringify(toHealthJson(r)))
      return send(reply, report, code, JSON_TYPE, (r) => JSON.stringify(r))
    })
  }

  probe('live', 'live', 'Liveness: the process answers; never touches a dependency')
  probe('ready', 'ready', 'Readiness: can this instance take traffic now')
  probe('startup', 'startup', 'Startup: has this instance finished initialising')
  for (const check of service.checks.ready) probe('ready', `ready/${check}`, `Readiness check ${check} alone`, check)
  for (const check of service.checks.startup) probe('startup', `startup/${check}`, `Startup check ${check} alone`, check)
}

function errorBody (err: Error & { statusCode?: number }): { statusCode: number, error: string, message: string } {
  const statusCode = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
  const message = err.message.startsWith('fastify-bots-health: ') ? err.message : `fastify-bots-health: ${err.message}`
  return { statusCode, error: statusCode === 400 ? 'Bad Request' : 'Internal Server Error', message }
}

/** `?verbose` (once, any value) and `?exclude=name` (repeatable); other keys are ignored. */
function validateProbeQuery (data: unknown): { value: unknown } | { error: Error } {
  const q = data as Record<string, unknown>
  if (Array.isArray(q.verbose)) return { error: new Error('querystring/verbose must be given at most once') }
  if (q.exclude !== undefined && !Array.isArray(q.exclude)) q.exclude = [q.exclude]
  if (Array.isArray(q.exclude) && q.exclude.length > 100) return { error: new Error(`querystring/exclude names ${q.exclude.length} checks; a probe has a handful`) }
  return { value: q }
}

type Format = 'json' | 'health+json' | 'text'
const OFFERS: readonly [Format, string, string][] = [['json', 'application', 'json'], ['health+json', 'application', 'health+json'], ['text', 'text', 'plain']]

/**
 * The format the Accept header prefers (RFC 9110: media types case-insensitive, q-values,
 * wildcards); plain JSON when it names none of ours, on a tie, or when there is no header.
 */
export function negotiate (accept: string | undefined): Format {
  if (accept === undefined || accept === '' || accept === '*/*') return 'json'
  // The kubelet and most clients name neither of the other two: answer them without parsing.
  const lower = accept.toLowerCase()
  if (!lower.includes('health+json') && !lower.includes('text/')) return 'json'
  let best: Format = 'json'
  let bestQ = -1
  let bestSpecific = -1
  for (const [format, type, subtype] of OFFERS) {
    let q = -1
    let specific = -1
    for (const part of lower.split(',')) {
      const [range = '', ...params] = part.split(';').map((p) => p.trim())
      const [t = '', st = ''] = range.split('/')
      const level = t === type && st === subtype ? 2 : t === type && st === '*' ? 1 : t === '*' && st === '*' ? 0 : -1
      if (level < 0 || level < specific) continue
      const qp = params.find((p) => p.startsWith('q='))
      const value = qp === undefined ? 1 : Number(qp.slice(2))
      specific = level
      q = Number.isFinite(value) ? value : 0
    }
    // A wildcard alone does not make a later offer win over plain JSON.
    if (q > bestQ || (q === bestQ && specific > bestSpecific && specific === 2)) {
      best = format
      bestQ = q
      bestSpecific = specific
    }
  }
  return bestQ > 0 ? best : 'json'
}

/** How long after the drain close() may take before the process is made to exit. */
const FORCE_EXIT_AFTER_MS = 10_000

function handleSignals (fastify: FastifyInstance, drain: () => void, drainDelayMs: number): void {
  let signalled = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return
    signalled = true
    drain()
    fastify.log.info({ signal, drainDelayMs }, `${signal}: readiness is now 503; closing after the drain delay`)
    setTimeout(() => { fastify.close().catch((err: unknown) => fastify.log.error({ err }, `close after ${signal} failed`)) }, drainDelayMs)
    // A close that never ends (a hook that hangs, a socket that stays) must not keep the pod alive.
    setTimeout(() => {
      fastify.log.error({ signal, afterMs: drainDelayMs + FORCE_EXIT_AFTER_MS }, 'close did not finish: exiting')
      process.exit(1)
    }, drainDelayMs + FORCE_EXIT_AFTER_MS).unref()
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  fastify.addHook('onClose', async () => {
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('SIGINT', onSignal)
  })
}

/** The Fastify plugin: routes under `prefix`, and the `fastify.health` service. */
export const healthPlugin = fp(plugin, { fastify: '5.x', name: 'fastify-bots-health' })
export default healthPlugin
