import type { LogLevel } from 'fastify'
import { BOTS_OPTION_NAMES, type BotsHealthOptions } from './bots/options.js'
import { HealthOptionsError } from './errors.js'
import type { HealthService } from './service.js'
import { assertMilliseconds, isPort, optionalBoolean, routePrefix, shown } from './validate.js'

// The plugin's own options: how the routes are mounted, drained and logged. The options of the
// service it builds are the Bots layer's (bots/options.ts) and the service's (service-options.ts).

/** The plugin's defaults, written once. */
export const PLUGIN_DEFAULTS = Object.freeze({
  prefix: '/health',
  /** Where `metrics: true` serves them. */
  metricsPath: '/metrics',
  drainDelayMs: 0,
  handleSignals: false,
  log: true,
  routeLogLevel: 'warn' as LogLevel,
  /** The probe port's host, when `listen` names none. */
  listenHost: '0.0.0.0'
})

export interface PluginOnlyOptions {
  /** Where the routes go. Default `/health`. */
  prefix?: string
  /** On close, keep serving for this long with readiness at 503 so Kubernetes takes the pod out first. Default 0. */
  drainDelayMs?: number
  /** On SIGTERM or SIGINT: start draining, wait `drainDelayMs`, then close the app. Default false. */
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
   * touch, and which answers while the main port is saturated. It listens just after the app's
   * listen() (an app only inject()ed binds nothing) and closes with it. The routes stay on the main port too, with `config.healthProbe: true`.
   */
  listen?: { port: number, host?: string }
  /** False: the probe routes stay out of the OpenAPI document (@fastify/swagger). Default true. */
  openapi?: boolean
  /**
   * Prometheus metrics (needs prom-client 15, an optional peer): `true` serves `/metrics` on the
   * probe port when `listen` is set, else on the app; `{ path }` another path; `{ registry }` puts
   * the families in your prom-client registry instead (the one your app serves), and serves none.
   */
  metrics?: boolean | { path?: string, registry?: object }
}

export interface HealthPluginOptions extends Omit<BotsHealthOptions, 'database' | 'logger'>, PluginOnlyOptions {
  /**
   * The database. Default: the `fastify.mysql` decorator of @fastify/mysql when it is registered
   * (`'mysql'` says so explicitly). Else a mysql2 pool, `{ sqlite: path }`, a URL or an adapter.
   */
  database?: BotsHealthOptions['database'] | 'mysql'
  /**
   * Route the probes to a service you already have (say, a second mount under `/bots/health`):
   * nothing is decorated, and no option of a service may be given beside it.
   */
  service?: HealthService
}

export interface ResolvedPluginOptions {
  readonly prefix: string
  readonly drainDelayMs: number
  readonly handleSignals: boolean
  readonly log: boolean
  readonly routeLogLevel: LogLevel
  readonly openapi: boolean
  readonly listen: { readonly port: number, readonly host: string } | undefined
  /** Undefined when off; `registry` when the families go to one of yours. */
  readonly metrics: { readonly path: string, readonly registry: object | undefined } | undefined
  /** The service given, else undefined: the plugin builds and owns one. */
  readonly service: HealthService | undefined
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

/** Validates the plugin's own options and fills their defaults; with `service`, refuses the service's options. */
export function resolvePluginOptions (o: HealthPluginOptions): ResolvedPluginOptions {
  if (typeof o !== 'object' || o === null) throw new HealthOptionsError('options', 'must be an object')
  assertMilliseconds('drainDelayMs', o.drainDelayMs)
  optionalBoolean('handleSignals', o.handleSignals)
  optionalBoolean('log', o.log)
  optionalBoolean('openapi', o.openapi)
  if (o.routeLogLevel !== undefined && !LOG_LEVELS.has(o.routeLogLevel)) {
    throw new HealthOptionsError('routeLogLevel', `must be one of ${[...LOG_LEVELS].join(', ')}, got ${shown(o.routeLogLevel)}`)
  }
  let listen: ResolvedPluginOptions['listen']
  if (o.listen !== undefined) {
    const l = o.listen as { port?: unknown, host?: unknown } | null
    if (typeof l !== 'object' || l === null || !isPort(l.port, true) || (l.host !== undefined && (typeof l.host !== 'string' || l.host === ''))) {
      throw new HealthOptionsError('listen', `must be { port: 0-65535, host?: "0.0.0.0" }, got ${shown(o.listen)}`)
    }
    listen = { port: l.port, host: (l.host as string | undefined) ?? PLUGIN_DEFAULTS.listenHost }
  }
  if (o.service !== undefined) assertService(o)
  const metrics = metricsOption(o.metrics)
  return {
    prefix: o.prefix === undefined ? PLUGIN_DEFAULTS.prefix : routePrefix('prefix', o.prefix),
    drainDelayMs: o.drainDelayMs ?? PLUGIN_DEFAULTS.drainDelayMs,
    handleSignals: o.handleSignals ?? PLUGIN_DEFAULTS.handleSignals,
    log: o.log ?? PLUGIN_DEFAULTS.log,
    routeLogLevel: o.routeLogLevel ?? PLUGIN_DEFAULTS.routeLogLevel,
    openapi: o.openapi ?? true,
    listen,
    metrics,
    service: o.service
  }
}

function metricsOption (value: unknown): ResolvedPluginOptions['metrics'] {
  if (value === undefined || value === false) return undefined
  if (value === true) return { path: PLUGIN_DEFAULTS.metricsPath, registry: undefined }
  const v = value as { path?: unknown, registry?: unknown } | null
  const pathOk = v?.path === undefined || (typeof v.path === 'string' && /^\/[A-Za-z0-9._~/-]*$/.test(v.path) && !v.path.includes('//'))
  const registryOk = v?.registry === undefined || (typeof v.registry === 'object' && v.registry !== null && typeof (v.registry as { registerMetric?: unknown }).registerMetric === 'function')
  if (typeof value !== 'object' || value === null || !pathOk || !registryOk) {
    throw new HealthOptionsError('metrics', `must be true, false, { path: "/metrics" } or { registry: a prom-client Registry }, got ${shown(value)}`)
  }
  return { path: (v?.path as string | undefined) ?? PLUGIN_DEFAULTS.metricsPath, registry: v?.registry as object | undefined }
}

/**
 * A service given is used as it is: whoever built it chose its checks, deadlines and database,
 * and its owner drains it. An option that would have built or drained it is a mistake, named.
 */
function assertService (o: HealthPluginOptions): void {
  const s = o.service as Partial<HealthService> | null
  if (typeof s !== 'object' || s === null || typeof s.ready !== 'function' || typeof s.startup !== 'function' || typeof s.live !== 'function' || typeof s.checks !== 'object') {
    throw new HealthOptionsError('service', 'must be a health service (app.health, or createHealthService()), with live(), ready(), startup() and checks')
  }
  for (const name of ['drainDelayMs', 'handleSignals'] as const) {
    if (o[name] !== undefined) throw new HealthOptionsError(name, 'does not go with service: the registration that owns the service drains it; set it there')
  }
  if (o.log !== undefined) throw new HealthOptionsError('log', 'does not go with service: the service logs where it was built; set its logger there')
  const given = BOTS_OPTION_NAMES.filter((name) => (o as Record<string, unknown>)[name] !== undefined)
  if (given.length > 0) {
    throw new HealthOptionsError('service', `does not go with ${given.join(', ')}: the service was built with its own options (set them where it was made), and these would be ignored`)
  }
}
