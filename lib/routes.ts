import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, LogLevel } from 'fastify'
import type { Report } from './engine/report.js'
import type { ProbeOptions } from './engine/select.js'
import { ERR_PREFIX } from './errors.js'
import { schemas } from './schemas.js'
import { directProbes, type HealthService } from './service.js'
import { type Format, formatOf, WRITERS } from './writers/index.js'
import { statusCode } from './writers/status.js'

// The probe routes of a service: ping, live, ready, startup and one route per check, with their
// schemas for documentation and OpenAPI. Used by the plugin on the app and by the probe server.

export interface RouteOptions {
  readonly prefix: string
  readonly routeLogLevel: LogLevel
  /** False: the routes stay out of the OpenAPI document (@fastify/swagger). Default true. */
  readonly openapi?: boolean
}

const NO_STORE = 'no-store'
const JSON_TYPE = WRITERS.json.contentType

export function addProbeRoutes (fastify: FastifyInstance, service: HealthService, o: RouteOptions): void {
  for (const schema of schemas) {
    if (fastify.getSchema(schema.$id) === undefined) fastify.addSchema(schema)
  }
  const { prefix, routeLogLevel: logLevel } = o
  const routerOptions = fastify.initialConfig as { routerOptions?: { ignoreTrailingSlash?: boolean }, ignoreTrailingSlash?: boolean }
  const trailingSlashIgnored = routerOptions.routerOptions?.ignoreTrailingSlash === true || routerOptions.ignoreTrailingSlash === true

  function route (path: string, schema: Record<string, unknown>, handler: (req: FastifyRequest, reply: FastifyReply) => unknown): void {
    const url = `${prefix}/${path}`
    for (const u of trailingSlashIgnored ? [url] : [url, `${url}/`]) {
      fastify.route({ method: 'GET', url: u, logLevel, config: { healthProbe: true, otel: false }, schema: { tags: ['health'], ...schema, hide: o.openapi === false || u.endsWith('/') } as FastifySchema, serializerCompiler, validatorCompiler, errorHandler, handler })
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
  /** The statuses each code answers with, so that a 200 documents a healthy body and a 503 an unhealthy one. */
  const STATUSES: Record<string, { 200: string[], 503: string[] }> = {
    BotsHealthLiveReport: { 200: ['ok'], 503: ['not_alive'] },
    BotsHealthReadyReport: { 200: ['ready'], 503: ['not_ready'] },
    BotsHealthStartupReport: { 200: ['started'], 503: ['starting'] },
    BotsHealthHealthJson: { 200: ['pass', 'warn'], 503: ['fail'] }
  }
  const withStatus = (id: string, code: 200 | 503) => ({ allOf: [ref(id), { type: 'object', properties: { status: { enum: STATUSES[id]?.[code] } } }] })
  function responses (reportId: string, codes: (200 | 503)[], badRequest: boolean) {
    const content = (code: 200 | 503) => ({
      'application/json': { schema: withStatus(reportId, code) },
      'application/health+json': { schema: withStatus('BotsHealthHealthJson', code) },
      'text/plain': { schema: ref('BotsHealthVerboseText') }
    })
    return Object.fromEntries([
      ...codes.map((c) => [c, { description: c === 200 ? 'Healthy' : 'Unhealthy', content: content(c) }]),
      ...(badRequest ? [[400, { description: 'Bad Request', content: { 'application/json': { schema: ref('BotsHealthProbeError') } } }]] : [])
    ])
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
      // Liveness takes no query (nothing to exclude: a 400 never comes) and fails only with checks.
      response: name === 'live' ? responses(reportId, service.checks.live.length > 0 ? [200, 503] : [200], false) : responses(reportId, [200, 503], true)
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
  const message = err.message.startsWith(`${ERR_PREFIX}: `) ? err.message : `${ERR_PREFIX}: ${err.message}`
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

/** The metrics route: Prometheus 0.0.4, or OpenMetrics when the scraper asks for it; it runs no check. */
export function addMetricsRoute (fastify: FastifyInstance, metrics: { render (accept: string | undefined): Promise<{ contentType: string, body: string }> }, o: { path: string, routeLogLevel: LogLevel }): void {
  fastify.route({
    method: 'GET',
    url: o.path,
    logLevel: o.routeLogLevel,
    config: { healthMetrics: true, otel: false },
    schema: { hide: true } as FastifySchema,
    async handler (req, reply) {
      const { contentType, body } = await metrics.render(req.headers.accept)
      reply.header('cache-control', NO_STORE).type(contentType)
      return body
    }
  })
}
