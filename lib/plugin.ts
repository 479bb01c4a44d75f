import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { botsHealthOf } from './bots.js'
import type { DatabaseOption } from './db/resolve.js'
import type { Report } from './engine/report.js'
import { HealthOptionsError } from './options-error.js'
import { type BotsHealthOptions, type PluginOnlyOptions, resolveBotsOptions, resolvePluginOptions } from './options.js'
import { hardExit } from './fs-gate.js'
import { schemas } from './schemas.js'
import { directProbes, type HealthService, type ProbeOptions } from './service.js'
import { type Format, formatOf, WRITERS } from './writers/index.js'
import { statusCode } from './writers/status.js'

export interface HealthPluginOptions extends Omit<BotsHealthOptions, 'database' | 'logger'>, PluginOnlyOptions {
  /**
   * The database. Default: the `fastify.mysql` decorator of @fastify/mysql when it is registered
   * (`'mysql'` says so explicitly). Else a mysql2 pool, `{ sqlite: path }`, a URL or an adapter.
   */
  database?: BotsHealthOptions['database'] | 'mysql'
  /** Route the probes to a service you already have (say, a second mount under `/bots/health`): nothing is decorated. */
  service?: HealthService
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
const JSON_TYPE = WRITERS.json.contentType

function pickDatabase (fastify: FastifyInstance, database: HealthPluginOptions['database']): BotsHealthOptions['database'] | undefined {
  const decorated = (fastify as unknown as { mysql?: unknown }).mysql
  if (database === 'mysql') {
    if (decorated === undefined) throw new HealthOptionsError('database', '"mysql" needs @fastify/mysql registered before this plugin')
    return decorated as DatabaseOption
  }
  if (database !== undefined) return database
  return decorated !== undefined && decorated !== null ? decorated as DatabaseOption : undefined
}

function assertService (s: Partial<HealthService> | null): void {
  if (typeof s !== 'object' || s === null || typeof s.ready !== 'function' || typeof s.startup !== 'function' || typeof s.live !== 'function' || typeof s.checks !== 'object') {
    throw new HealthOptionsError('service', 'must be a health service (app.health, or createHealthService()), with live(), ready(), startup() and checks')
  }
}

const plugin: FastifyPluginAsync<HealthPluginOptions> = async (fastify, opts) => {
  const po = resolvePluginOptions(opts, opts.service !== undefined)
  if (opts.service !== undefined) assertService(opts.service)
  const owned = opts.service === undefined
  const service = opts.service ?? await botsHealthOf(resolveBotsOptions({
    ...opts,
    database: pickDatabase(fastify, opts.database),
    ...(po.log ? { logger: fastify.log } : {})
  }, 'is required: register @fastify/mysql before this plugin, or pass database: a mysql2 pool, { sqlite: "/path/to/botsdb" }, a URL or an adapter'))
  const prefix = po.prefix
  if (owned) {
    fastify.decorate('health', service)
    const delay = po.drainDelayMs
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
    if (po.handleSignals) handleSignals(fastify, drain, delay)
  }

  if (po.listen !== undefined) {
    const { port, host } = po.listen
    const probeApp = Fastify({
      loggerInstance: fastify.log.child({ probePort: port }),
      return503OnClosing: false,
      bodyLimit: 1024
    })
    await probeApp.register(plugin, { service, prefix, routeLogLevel: po.routeLogLevel })
    fastify.addHook('onReady', async () => { await probeApp.listen({ port, host }) })
    fastify.addHook('onClose', async () => { await probeApp.close() })
  }

  for (const schema of schemas) {
    if (fastify.getSchema(schema.$id) === undefined) fastify.addSchema(schema)
  }

  const logLevel = po.routeLogLevel
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
  const rendered: Record<Format, WeakMap<Report, string>> = { json: new WeakMap(), 'health+json': new WeakMap(), text: new WeakMap() }
  function send (reply: FastifyReply, report: Report, format: Format, route: string): FastifyReply {
    const writer = WRITERS[format]
    let body = rendered[format].get(report)
    if (body === undefined) rendered[format].set(report, body = writer.render(report, { route, componentTypes: service.componentTypes ?? {} }))
    return reply.code(statusCode(report)).header('cache-control', NO_STORE).type(writer.contentType).send(body)
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

  const probes = directProbes(service)
  function probe (name: 'live' | 'ready' | 'startup', path: string, summary: string, only?: string): void {
    const reportId = name === 'live' ? 'BotsHealthLiveReport' : name === 'ready' ? 'BotsHealthReadyReport' : 'BotsHealthStartupReport'
    const run = name === 'live' ? () => probes.live() : name === 'ready' ? (o?: ProbeOptions) => probes.ready(o) : (o?: ProbeOptions) => probes.startup(o)
    const onlyThis: ProbeOptions | undefined = only !== undefined ? Object.freeze({ only }) : undefined
    const routeName = only !== undefined ? `${name}/${only}` : name
    route(path, {
      summary,
      produces: ['application/json', 'application/health+json', 'text/plain'],
      ...(name === 'live' ? {} : { querystring }),
      response: responses(reportId, name === 'live' ? [200] : [200, 503])
    }, (req, reply) => {
      const query = req.query as { verbose?: string, exclude?: string[] }
      const format = formatOf(query.verbose, req.headers.accept)
      // A cached answer is sent at once; a promise only while a check runs. A throw (an unknown
      // check) goes to the route's error handler either way.
      const report = run(onlyThis ?? (query.exclude !== undefined ? { exclude: query.exclude } : undefined))
      if (report instanceof Promise) return report.then((r) => send(reply, r, format, routeName))
      send(reply, report, format, routeName)
      return undefined
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
      hardExit(1)
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
