import type { Check } from '../check.js'
import { type FreeSpace, parseFreeSpace } from '../checks/disk.js'
import type { DatabaseOption } from '../db/resolve.js'
import { HealthOptionsError } from '../errors.js'
import { type ResolvedServiceSettings, resolveServiceSettings, type ServiceSettings } from '../service-options.js'
import { duration, isPort, optionalBoolean, optionalString, reservedName, shown } from '../validate.js'
import type { BotsLayout } from './environment.js'
import { pythonBoolean } from './ini.js'

// The Bots layer's options: the input type, the resolved type, their defaults, and the
// environment variables Bots' own images set (BOTS_CONFIG_DIR, HEALTH_CHECK_DB_ONLY, DATABASE_URL,
// DB_*). The plugin, `serve` and the CLI read them here and nowhere else.

/** The Bots layer's defaults, written once. */
export const BOTS_DEFAULTS = Object.freeze({
  /** The tables Bots' engine cannot run without (`mutex` is its database lock). */
  requiredTables: Object.freeze(['channel', 'routes', 'ta', 'mutex']) as readonly string[],
  /** Bots' default `[jobqueue] port`. */
  jobqueuePort: 28082,
  /** Bots' default `[webserver] port`. */
  webserverPort: 8080,
  /** Where the CLI looks for bots.ini when neither --config-dir nor BOTS_CONFIG_DIR says. */
  cliConfigDir: './config',
  /** Bots' MySQL port, for DB_HOST without DB_PORT. */
  mysqlPort: 3306,
  /** Bots' default `[settings] maxruntime`: how long an engine run may take, in minutes. */
  maxRuntimeMinutes: 60,
  /** `transactions`: how many of the newest rows of `ta` are read (a range of its primary key). */
  transactionsScanned: 100_000,
  /** `dirmonitor`: a file matching a watched filemask is waiting after this long, ms. */
  dirmonitorStaleMs: 10 * 60_000,
  /** `dirmonitor`: the most directory entries one check reads looking for waiting files. */
  dirmonitorScanEntries: 10_000,
  /** `dirmonitor`: the most time one check spends on that, ms (a third of a shorter deadline). */
  dirmonitorScanMs: 150
})

/** The tables Bots' engine cannot run without (`mutex` is its database lock). */
export const BOTS_REQUIRED_TABLES: readonly string[] = BOTS_DEFAULTS.requiredTables

/** A check of your own, and the probes it belongs to. */
export interface UserCheck extends Check {
  probes?: readonly ('live' | 'ready' | 'startup')[]
}

export interface Endpoint {
  port?: number
  host?: string
}

export interface BotsHealthOptions extends ServiceSettings {
  /** The database, or a function that picks it from the resolved layout (Bots' SQLite default). */
  database: DatabaseOption | ((layout: BotsLayout) => DatabaseOption)
  /** The Bots config dir holding bots.ini; falls back to `$BOTS_CONFIG_DIR`. */
  configDir?: string
  /** botssys path; wins over bots.ini. Relative paths resolve against the bots environment. */
  botssys?: string
  /** usersys path; wins over bots.ini. */
  usersys?: string
  /** Tables startup requires. Default `channel, routes, ta, mutex`. */
  requiredTables?: readonly string[]
  /** Readiness checks the database only (`"mode":"database_only"`). Default: `HEALTH_CHECK_DB_ONLY=true`. */
  databaseOnly?: boolean
  /**
   * Startup leaves out botssys (and its `data`) and usersys, which Bots creates on its first start:
   * for an init container that runs before any Bots process on a fresh volume. Startup then
   * requires the database, Bots' tables and bots.ini.
   */
  freshVolume?: boolean
  /** The environment to read `BOTS_CONFIG_DIR` and `HEALTH_CHECK_DB_ONLY` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv
  /**
   * `process`: liveness also requires a process that runs this program (e.g. `bots-jobqueueserver`:
   * its console script, `python -m bots.jobqueueserver`), neither a zombie nor stopped. Reads
   * /proc: the pod needs `shareProcessNamespace: true`.
   */
  process?: string
  /**
   * `jobqueue`: liveness and readiness also require an XML-RPC answer (`listjobs`) from Bots'
   * jobqueueserver on `[jobqueue] port` of bots.ini (default 28082) on 127.0.0.1. In a long-lived
   * process, liveness also fails when a job has waited longer than `stall` (`90m`, or ms; default
   * `[settings] maxruntime`): the launcher is stuck.
   */
  jobqueue?: boolean | (Endpoint & { stall?: string | number })
  /** `webserver`: readiness also requires an HTTP answer below 500 on `[webserver] port` (8080). */
  webserver?: boolean | Endpoint
  /** `writable`: readiness and startup also require that `botssys/data` can be written. */
  writable?: boolean
  /** `disk`: readiness also requires free space on botssys, by default 5 % or 500 MiB, whichever is less, and free inodes. */
  disk?: boolean | { minFree?: string | number }
  /**
   * `engine_lock`: readiness warns when Bots' engine lock (table `mutex`) is older than
   * `[settings] maxruntime` of bots.ini (60 min): a run killed before it could remove it.
   */
  engineLock?: boolean
  /**
   * `engine_runs`: readiness warns when Bots' newest engine run (table `report`) is older than
   * this (`15m`, `1h`, or ms), or when the last run had errors.
   */
  engineRuns?: string | number
  /**
   * `transactions`: readiness warns when Bots' transactions (table `ta`) were left OPEN or OK
   * (stuck) for longer than this (`2h`, or ms), among the newest 100,000.
   */
  stuckTransactions?: string | number
  /**
   * `dirmonitor`: readiness fails when a `[dirmonitorN]` path of bots.ini is missing or unreadable,
   * or `[jobqueue] enabled` is not true; warns when a path is on a network file system, or when
   * files matching its filemask have waited longer than `stale` (default `10m`).
   */
  dirmonitor?: boolean | { stale?: string | number }
  /**
   * Checks of your own (a cache, a queue, an HTTP dependency), under the same deadline, cache,
   * single-flight, latch and logs. `probes` defaults to `['ready']`; a name already taken is refused.
   */
  checks?: readonly UserCheck[]
}

/**
 * Every option a Bots service is built from: with the plugin's `service:` none of them applies
 * (the service was built with its own), and the plugin refuses them.
 */
export const BOTS_OPTION_NAMES: readonly (keyof BotsHealthOptions)[] = Object.freeze([
  'database', 'configDir', 'botssys', 'usersys', 'requiredTables', 'databaseOnly', 'freshVolume', 'env', 'process', 'jobqueue', 'webserver', 'writable', 'disk', 'engineLock', 'engineRuns', 'stuckTransactions', 'dirmonitor', 'checks',
  'timeoutMs', 'cacheTtlMs', 'failureCacheTtlMs', 'startupLatch', 'exposeReasons', 'secrets', 'logger', 'clock', 'timers'
])

/** The worker checks, resolved: undefined when off. */
export interface ResolvedWorkerOptions {
  readonly process: string | undefined
  /** `stallMs`: how long a job may wait; undefined: maxruntime of bots.ini. */
  readonly jobqueue: (Endpoint & { readonly stallMs?: number }) | undefined
  readonly webserver: Endpoint | undefined
  readonly writable: boolean
  readonly disk: { readonly minFree: FreeSpace | undefined } | undefined
  readonly engineLock: boolean
  /** How often engine runs are expected, in ms; undefined when not checked. */
  readonly engineRunsMs: number | undefined
  /** How old an unfinished transaction may get, in ms; undefined when not checked. */
  readonly stuckTransactionsMs: number | undefined
  readonly dirmonitor: { readonly staleMs: number, readonly scan: { readonly entries: number, readonly ms: number } } | undefined
}

export interface ResolvedBotsOptions {
  readonly database: BotsHealthOptions['database']
  /** The option, else `$BOTS_CONFIG_DIR`; undefined when neither is set. */
  readonly configDir: string | undefined
  readonly botssys: string | undefined
  readonly usersys: string | undefined
  readonly requiredTables: readonly string[]
  readonly databaseOnly: boolean
  readonly freshVolume: boolean
  readonly env: NodeJS.ProcessEnv
  readonly worker: ResolvedWorkerOptions
  readonly checks: readonly UserCheck[]
  readonly service: ResolvedServiceSettings
}

// ---- the environment variables of Bots' images -------------------------------------------------

/** `HEALTH_CHECK_DB_ONLY`: true for `true` (the seed's), `1`, `yes` or `on`, any case, as Python's configparser reads a boolean. */
function envFlag (value: string | undefined): boolean {
  return value !== undefined && pythonBoolean(value.trim()) === true
}

/** The config dir given, else `$BOTS_CONFIG_DIR` (when not empty). */
export function configDirFrom (given: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (given !== undefined) return given
  return env.BOTS_CONFIG_DIR !== undefined && env.BOTS_CONFIG_DIR !== '' ? env.BOTS_CONFIG_DIR : undefined
}

/** `DATABASE_URL`, else Bots' `DB_HOST`/`DB_PORT`/`DB_NAME`/`DB_USER`/`DB_PASSWORD` (MySQL); undefined when neither is set. */
export function databaseFromEnv (env: NodeJS.ProcessEnv): DatabaseOption | undefined {
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') return { url: env.DATABASE_URL }
  if (env.DB_HOST === undefined || env.DB_HOST === '') return undefined
  const port = env.DB_PORT !== undefined && env.DB_PORT !== '' ? Number(env.DB_PORT) : BOTS_DEFAULTS.mysqlPort
  if (!isPort(port)) throw new HealthOptionsError('DB_PORT', `must be a port number (1-65535), got ${shown(env.DB_PORT)}`)
  const given = (v: string | undefined): v is string => v !== undefined && v !== ''
  return {
    mysql: {
      host: env.DB_HOST.replace(/^\[|\]$/g, ''),
      port,
      ...(given(env.DB_USER) ? { user: env.DB_USER } : {}),
      ...(given(env.DB_PASSWORD) ? { password: env.DB_PASSWORD } : {}),
      ...(given(env.DB_NAME) ? { database: env.DB_NAME } : {})
    }
  }
}

// ---- validation ------------------------------------------------------------------------------

/** Validates every Bots option (no I/O) and fills its defaults; throws HealthOptionsError naming the option. */
export function resolveBotsOptions (o: Omit<BotsHealthOptions, 'database'> & { database?: BotsHealthOptions['database'] }, missingDatabase = 'is required: pass a mysql2 pool, register @fastify/mysql first, or give { sqlite: path } or a URL'): ResolvedBotsOptions {
  if (typeof o !== 'object' || o === null) throw new HealthOptionsError('options', 'must be an object')
  const service = resolveServiceSettings(o)
  for (const name of ['configDir', 'botssys', 'usersys', 'process'] as const) optionalString(name, o[name])
  for (const name of ['databaseOnly', 'freshVolume', 'writable', 'engineLock'] as const) optionalBoolean(name, o[name])
  if (o.env !== undefined && (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env))) {
    throw new HealthOptionsError('env', `must be an object of environment variables (process.env), got ${shown(o.env)}`)
  }
  if (o.requiredTables !== undefined && (!Array.isArray(o.requiredTables) || !o.requiredTables.every((t) => typeof t === 'string' && t !== ''))) {
    throw new HealthOptionsError('requiredTables', 'must be an array of table names')
  }
  const env = o.env ?? process.env
  const worker = {
    process: o.process,
    jobqueue: jobqueueOption(o.jobqueue),
    webserver: endpointOption('webserver', o.webserver),
    writable: o.writable === true,
    disk: diskOption(o.disk),
    engineLock: o.engineLock === true,
    engineRunsMs: o.engineRuns === undefined ? undefined : duration('engineRuns', o.engineRuns),
    stuckTransactionsMs: o.stuckTransactions === undefined ? undefined : duration('stuckTransactions', o.stuckTransactions),
    dirmonitor: dirmonitorOption(o.dirmonitor, service.timeoutMs)
  }
  const checks = userChecks(o.checks)
  // Last, so that a bad option is named even where the database is missing too.
  if (o.database === undefined || o.database === null) throw new HealthOptionsError('database', missingDatabase)
  return {
    database: o.database,
    configDir: configDirFrom(o.configDir, env),
    botssys: o.botssys,
    usersys: o.usersys,
    requiredTables: o.requiredTables ?? BOTS_DEFAULTS.requiredTables,
    databaseOnly: o.databaseOnly ?? envFlag(env.HEALTH_CHECK_DB_ONLY),
    freshVolume: o.freshVolume === true,
    env,
    worker,
    checks,
    service
  }
}

function endpointOption (name: string, value: unknown, more = ''): Endpoint | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return {}
  const v = value as { port?: unknown, host?: unknown } | null
  const portOk = v?.port === undefined || isPort(v.port)
  const hostOk = v?.host === undefined || (typeof v.host === 'string' && v.host !== '')
  if (typeof value !== 'object' || value === null || !portOk || !hostOk) {
    throw new HealthOptionsError(name, `must be true, false or { port: 1-65535, host: "127.0.0.1"${more} }, got ${shown(value)}`)
  }
  return { ...(v?.port !== undefined ? { port: v.port as number } : {}), ...(v?.host !== undefined ? { host: v.host as string } : {}) }
}

function jobqueueOption (value: unknown): ResolvedWorkerOptions['jobqueue'] {
  const endpoint = endpointOption('jobqueue', value, ', stall: "90m"')
  const stall = (value as { stall?: unknown } | null | undefined)?.stall
  if (endpoint === undefined || stall === undefined) return endpoint
  return { ...endpoint, stallMs: duration('jobqueue.stall', stall) }
}

function dirmonitorOption (value: unknown, timeoutMs: number): ResolvedWorkerOptions['dirmonitor'] {
  if (value === undefined || value === false) return undefined
  const stale = (value as { stale?: unknown } | null)?.stale
  if (value !== true && (typeof value !== 'object' || value === null)) throw new HealthOptionsError('dirmonitor', `must be true, false or { stale: "10m" }, got ${shown(value)}`)
  return {
    staleMs: stale === undefined ? BOTS_DEFAULTS.dirmonitorStaleMs : duration('dirmonitor.stale', stale),
    scan: { entries: BOTS_DEFAULTS.dirmonitorScanEntries, ms: Math.min(BOTS_DEFAULTS.dirmonitorScanMs, timeoutMs / 3) }
  }
}

function diskOption (value: unknown): ResolvedWorkerOptions['disk'] {
  if (value === undefined || value === false) return undefined
  if (value === true) return { minFree: undefined }
  const minFree = (value as { minFree?: unknown } | null)?.minFree
  const parsed = minFree === undefined ? undefined : freeSpaceFrom(minFree)
  if (typeof value !== 'object' || value === null || (minFree !== undefined && parsed === undefined)) {
    throw new HealthOptionsError('disk', `must be true, false or { minFree: "5%" | "500MiB" | bytes }, got ${shown(value)}`)
  }
  return { minFree: parsed }
}

function freeSpaceFrom (value: unknown): FreeSpace | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? { bytes: value } : undefined
  return typeof value === 'string' ? parseFreeSpace(value) : undefined
}

function userChecks (value: unknown): readonly UserCheck[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new HealthOptionsError('checks', `must be an array of { name, run(signal), probes }, got ${shown(value)}`)
  value.forEach((c: Partial<UserCheck> | null, i: number) => {
    const at = `checks[${i}]`
    if (typeof c !== 'object' || c === null) throw new HealthOptionsError(at, 'must be { name, run(signal), probes }')
    if (typeof c.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(c.name)) throw new HealthOptionsError(`${at}.name`, `must be 1-64 letters, digits, _ . or - (it is a key of the report and a path), got ${shown(c.name)}`)
    reservedName(`${at}.name`, c.name)
    if (typeof c.run !== 'function') throw new HealthOptionsError(`${at}.run`, 'must be a function (signal) => Promise<void> that rejects when the check fails')
    if (c.probes !== undefined && (!Array.isArray(c.probes) || c.probes.length === 0 || !c.probes.every((p) => p === 'live' || p === 'ready' || p === 'startup'))) {
      throw new HealthOptionsError(`${at}.probes`, `must be a non-empty array of "live", "ready", "startup", got ${shown(c.probes)}`)
    }
  })
  return [...value] as UserCheck[]
}
