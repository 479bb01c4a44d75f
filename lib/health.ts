import { join } from 'node:path'
import { type Check, CheckFailure } from './check.js'
import { diskCheck, type FreeSpace, parseFreeSpace } from './checks/disk.js'
import { webserverCheck } from './checks/http.js'
import { JOBQUEUE_DEFAULT_PORT, jobqueueCheck } from './checks/jobqueue.js'
import { processCheck } from './checks/process.js'
import { writableCheck } from './checks/writable.js'
import { BOTS_REQUIRED_TABLES, type BotsEnvironment, loadBotsEnvironment } from './bots-config.js'
import { configCheck } from './checks/config.js'
import { databaseCheck } from './checks/database.js'
import { directoryCheck, directoryTreeCheck } from './checks/directories.js'
import { tablesCheck } from './checks/tables.js'
import { type DatabaseAdapter, isDatabaseAdapter } from './db/adapter.js'
import { corePoolOf, isMysqlPool, mysqlAdapter, type MysqlPoolLike } from './db/mysql.js'
import { isPgPool, type PgPoolLike, postgresAdapter } from './db/postgres.js'
import { assertMilliseconds, HealthOptionsError } from './options-error.js'
import { urlSecrets } from './redact.js'
import { createHealthService, type HealthLogger, type HealthService } from './service.js'

export { assertMilliseconds, HealthOptionsError }

/**
 * The database to check: an adapter of your own, a mysql2 pool (either flavour) or the
 * `fastify.mysql` decorator, a `pg` Pool, `{ sqlite: path }`, or a URL (`mysql://`,
 * `mariadb://`, `postgres://`, `sqlite:PATH`) as a string or `{ url }`.
 */
export type DatabaseOption = DatabaseAdapter | MysqlPoolLike | PgPoolLike | { sqlite: string } | { url: string } | string

export interface BotsHealthOptions {
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
  timeoutMs?: number
  cacheTtlMs?: number
  failureCacheTtlMs?: number
  /** Readiness checks the database only (`"mode":"database_only"`). Default: `HEALTH_CHECK_DB_ONLY=true`. */
  databaseOnly?: boolean
  startupLatch?: boolean
  exposeReasons?: boolean
  secrets?: readonly string[]
  logger?: HealthLogger
  /** The environment to read `BOTS_CONFIG_DIR` and `HEALTH_CHECK_DB_ONLY` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv
  /**
   * `process`: liveness also requires a running, non-zombie process whose command line contains
   * this text (e.g. `bots-jobqueueserver`). Reads /proc: the pod needs `shareProcessNamespace: true`.
   */
  process?: string
  /**
   * `jobqueue`: liveness and readiness also require an XML-RPC answer from Bots' jobqueueserver on
   * `[jobqueue] port` of bots.ini (default 28082) on 127.0.0.1.
   */
  jobqueue?: boolean | { port?: number, host?: string }
  /** `webserver`: readiness also requires an HTTP answer below 500 on `[webserver] port` (8080). */
  webserver?: boolean | { port?: number, host?: string }
  /** `writable`: readiness and startup also require that `botssys/data` can be written. */
  writable?: boolean
  /** `disk`: readiness also requires free space on botssys, by default 5 % or 500 MiB, whichever is less. */
  disk?: boolean | { minFree?: string | number }
  /**
   * Checks of your own (a cache, a queue, an HTTP dependency), under the same deadline, cache,
   * single-flight, latch and logs. `probes` defaults to `['ready']`; a name already taken is refused.
   */
  checks?: readonly UserCheck[]
}

/** A check of your own, and the probes it belongs to. */
export interface UserCheck extends Check {
  probes?: readonly ('live' | 'ready' | 'startup')[]
}

function optionalString (name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new HealthOptionsError(name, `must be a non-empty string path, got ${JSON.stringify(value) ?? String(value)}`)
  }
}

function optionalBoolean (name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new HealthOptionsError(name, `must be true or false, got ${JSON.stringify(value)}`)
}

/** `HEALTH_CHECK_DB_ONLY=true`, case-insensitive, as the seed read it. */
export function envFlag (value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true'
}

export interface ResolvedDatabase {
  adapter: DatabaseAdapter
  secrets: string[]
}

/** Turns the `database` option into an adapter; URLs and `{ sqlite }` open a driver we own. */
export async function resolveDatabase (database: unknown, timeoutMs: number): Promise<ResolvedDatabase> {
  if (isDatabaseAdapter(database)) return { adapter: database, secrets: [] }
  if (database === '' || (typeof database === 'object' && database !== null && (database as { url?: unknown }).url === '')) {
    throw new HealthOptionsError('database', 'is an empty URL: give mysql://, mariadb://, postgres://, sqlite:PATH, a pool or an adapter')
  }
  if (typeof database === 'string' || (typeof database === 'object' && database !== null && typeof (database as { url?: unknown }).url === 'string')) {
    const url = typeof database === 'string' ? database : (database as { url: string }).url
    const { adapterFromUrl } = await import('./db/url.js')
    return await adapterFromUrl(url, { timeoutMs })
  }
  if (typeof database === 'object' && database !== null && typeof (database as { sqlite?: unknown }).sqlite === 'string') {
    const { sqliteAdapter } = await import('./db/sqlite.js')
    return { adapter: sqliteAdapter((database as { sqlite: string }).sqlite), secrets: [] }
  }
  if (isPgPool(database)) {
    const options = (database as { options?: { password?: unknown, connectionString?: unknown } }).options
    const secrets = typeof options?.password === 'string' && options.password !== '' ? [options.password] : []
    if (typeof options?.connectionString === 'string') secrets.push(...urlSecrets(options.connectionString))
    return { adapter: postgresAdapter(database as object), secrets }
  }
  if (isMysqlPool(database)) {
    return { adapter: mysqlAdapter(database as MysqlPoolLike), secrets: mysqlPasswordOf(database) }
  }
  throw new HealthOptionsError('database', 'must be a mysql2 pool, the fastify.mysql decorator, a pg Pool, { sqlite: path }, a database URL (mysql://, mariadb://, postgres://, sqlite:PATH) or an adapter with ping() and listTables()')
}

/** The password a pool was configured with, so that no error can echo it. */
function mysqlPasswordOf (pool: unknown): string[] {
  const config = (corePoolOf(pool) as { config?: { connectionConfig?: { password?: unknown } } } | undefined)?.config
  const password = config?.connectionConfig?.password
  return typeof password === 'string' && password !== '' ? [password] : []
}

/** Validates the options that do not need I/O; throws HealthOptionsError naming the option. */
export function validateOptions (o: Partial<BotsHealthOptions>): void {
  assertMilliseconds('timeoutMs', o.timeoutMs, true)
  assertMilliseconds('cacheTtlMs', o.cacheTtlMs)
  assertMilliseconds('failureCacheTtlMs', o.failureCacheTtlMs)
  optionalString('configDir', o.configDir)
  optionalString('botssys', o.botssys)
  optionalString('usersys', o.usersys)
  optionalBoolean('databaseOnly', o.databaseOnly)
  optionalBoolean('startupLatch', o.startupLatch)
  optionalBoolean('exposeReasons', o.exposeReasons)
  if (o.env !== undefined && (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env))) {
    throw new HealthOptionsError('env', `must be an object of environment variables (process.env), got ${JSON.stringify(o.env)}`)
  }
  if (o.secrets !== undefined && (!Array.isArray(o.secrets) || !o.secrets.every((x) => typeof x === 'string'))) {
    throw new HealthOptionsError('secrets', `must be an array of strings, got ${JSON.stringify(o.secrets)}`)
  }
  optionalString('process', o.process)
  optionalBoolean('writable', o.writable)
  endpointOption('jobqueue', o.jobqueue)
  endpointOption('webserver', o.webserver)
  if (o.disk !== undefined && typeof o.disk !== 'boolean') {
    const minFree = (o.disk as { minFree?: unknown } | null)?.minFree
    if (typeof o.disk !== 'object' || o.disk === null || (minFree !== undefined && freeSpaceOf(minFree) === undefined)) {
      throw new HealthOptionsError('disk', `must be true, false or { minFree: "5%" | "500MiB" | bytes }, got ${JSON.stringify(o.disk)}`)
    }
  }
  if (o.checks !== undefined) {
    if (!Array.isArray(o.checks)) throw new HealthOptionsError('checks', `must be an array of { name, run(signal), probes }, got ${JSON.stringify(o.checks)}`)
    o.checks.forEach((c: Partial<UserCheck> | null, i: number) => {
      const at = `checks[${i}]`
      if (typeof c !== 'object' || c === null) throw new HealthOptionsError(at, 'must be { name, run(signal), probes }')
      if (typeof c.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(c.name)) throw new HealthOptionsError(`${at}.name`, `must be 1-64 letters, digits, _ . or - (it is a key of the report and a path), got ${JSON.stringify(c.name)}`)
      if (typeof c.run !== 'function') throw new HealthOptionsError(`${at}.run`, 'must be a function (signal) => Promise<void> that rejects when the check fails')
      if (c.probes !== undefined && (!Array.isArray(c.probes) || c.probes.length === 0 || !c.probes.every((p) => p === 'live' || p === 'ready' || p === 'startup'))) {
        throw new HealthOptionsError(`${at}.probes`, `must be a non-empty array of "live", "ready", "startup", got ${JSON.stringify(c.probes)}`)
      }
    })
  }
  if (o.requiredTables !== undefined && (!Array.isArray(o.requiredTables) || !o.requiredTables.every((t) => typeof t === 'string' && t !== ''))) {
    throw new HealthOptionsError('requiredTables', 'must be an array of table names')
  }
}

function endpointOption (name: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return
  const v = value as { port?: unknown, host?: unknown } | null
  const portOk = v?.port === undefined || (Number.isInteger(v.port) && (v.port as number) >= 1 && (v.port as number) <= 65535)
  const hostOk = v?.host === undefined || (typeof v.host === 'string' && v.host !== '')
  if (typeof value !== 'object' || value === null || !portOk || !hostOk) {
    throw new HealthOptionsError(name, `must be true, false or { port: 1-65535, host: "127.0.0.1" }, got ${JSON.stringify(value)}`)
  }
}

function freeSpaceOf (value: unknown): FreeSpace | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? { bytes: value } : undefined
  return typeof value === 'string' ? parseFreeSpace(value) : undefined
}

/**
 * A port from bots.ini as Bots' `getint` reads it (Python's int(): blanks around, a sign, `_`
 * between digits), else the default when the key is absent; a string saying why when it is bad.
 */
export function botsPort (environment: BotsEnvironment | undefined, section: string, fallback: number): number | string {
  const raw = environment?.sections?.[section]?.port
  if (raw === undefined) return fallback
  const text = raw.trim()
  const n = /^[+]?\d+(?:_\d+)*$/.test(text) ? Number(text.replace(/[+_]/g, '')) : Number.NaN
  if (!Number.isInteger(n) || n < 1 || n > 65535) return `[${section}] port in bots.ini is not a port number (Bots stops on it): ${JSON.stringify(raw.slice(0, 20))}`
  return n
}

/** A check that fails with a fixed reason: the configuration made it impossible to run. */
function misconfigured (name: string, reason: string): Check {
  return { name, async run () { throw new CheckFailure(reason) } }
}

export interface BotsLayout {
  botssys: string
  usersys: string
  /** Present when a config dir is in play. */
  environment?: BotsEnvironment
}

/** Where botssys and usersys are: explicit paths, else bots.ini in `configDir`/`$BOTS_CONFIG_DIR`. */
export function resolveLayout (o: Pick<BotsHealthOptions, 'configDir' | 'botssys' | 'usersys' | 'env'>): BotsLayout {
  const env = o.env ?? process.env
  const configDir = o.configDir ?? (env.BOTS_CONFIG_DIR !== undefined && env.BOTS_CONFIG_DIR !== '' ? env.BOTS_CONFIG_DIR : undefined)
  if (configDir === undefined) {
    if (o.botssys === undefined || o.usersys === undefined) {
      throw new HealthOptionsError('configDir', 'is required (or BOTS_CONFIG_DIR, or both botssys and usersys): it is the Bots config dir holding bots.ini')
    }
    return { botssys: o.botssys, usersys: o.usersys }
  }
  const environment = loadBotsEnvironment(configDir, { botssys: o.botssys, usersys: o.usersys })
  return { botssys: environment.botssys, usersys: environment.usersys, environment }
}

type WorkerOptions = Pick<BotsHealthOptions, 'process' | 'jobqueue' | 'webserver' | 'writable' | 'disk'>

/** The checks that watch a Bots process beside this one, and which probe each belongs to. */
export function workerChecks (layout: BotsLayout, o: WorkerOptions): { live: Check[], ready: Check[], startup: Check[] } {
  const live: Check[] = []
  const ready: Check[] = []
  const startup: Check[] = []
  if (o.process !== undefined) live.push(processCheck(o.process))
  const endpoint = (name: 'jobqueue' | 'webserver', given: BotsHealthOptions['jobqueue'], fallback: number, make: (port: number, host?: string) => Check): Check | undefined => {
    if (given === undefined || given === false) return undefined
    const explicit = typeof given === 'object' ? given : {}
    const port = explicit.port ?? botsPort(layout.environment, name, fallback)
    return typeof port === 'string' ? misconfigured(name, `${name}: ${port}`) : make(port, explicit.host)
  }
  const jobqueue = endpoint('jobqueue', o.jobqueue, JOBQUEUE_DEFAULT_PORT, (port, host) => jobqueueCheck({ port, ...(host !== undefined ? { host } : {}) }))
  if (jobqueue !== undefined) {
    live.push(jobqueue)
    ready.push(jobqueue)
  }
  const webserver = endpoint('webserver', o.webserver, 8080, (port, host) => webserverCheck({ port, ...(host !== undefined ? { host } : {}) }))
  if (webserver !== undefined) ready.push(webserver)
  if (o.writable === true) {
    const writable = writableCheck('writable', join(layout.botssys, 'data'))
    ready.push(writable)
    startup.push(writable)
  }
  if (o.disk !== undefined && o.disk !== false) {
    const minFree = typeof o.disk === 'object' && o.disk.minFree !== undefined ? freeSpaceOf(o.disk.minFree) : undefined
    ready.push(diskCheck(layout.botssys, minFree !== undefined ? { minFree } : {}))
  }
  return { live, ready, startup }
}

/** Builds the probes' checks for a Bots layout and a database. */
export function botsChecks (layout: BotsLayout, db: DatabaseAdapter, requiredTables: readonly string[]): { ready: Check[], startup: Check[] } {
  const database = databaseCheck(db)
  const ready = [database, directoryCheck('botssys', layout.botssys), directoryCheck('usersys', layout.usersys)]
  const startup = [
    database,
    tablesCheck(db, requiredTables),
    directoryTreeCheck('botssys', layout.botssys, ['data']),
    directoryCheck('usersys', layout.usersys)
  ]
  // With a config dir in play, both probes say whether bots.ini was loaded: a Bots process whose
  // bots.ini is missing or malformed is neither ready nor started.
  if (layout.environment !== undefined) {
    const config = configCheck(layout.environment.configError)
    ready.push(config)
    startup.push(config)
  }
  return { ready, startup }
}

/** The health service for a Bots deployment, without Fastify: the plugin and the CLI both use it. */
export async function createBotsHealth (options: BotsHealthOptions): Promise<HealthService> {
  validateOptions(options)
  const env = options.env ?? process.env
  const layout = resolveLayout(options)
  const timeoutMs = options.timeoutMs ?? 500
  if (options.database === undefined || options.database === null) {
    throw new HealthOptionsError('database', 'is required: pass a mysql2 pool, register @fastify/mysql first, or give { sqlite: path } or a URL')
  }
  const db = await resolveDatabase(typeof options.database === 'function' ? options.database(layout) : options.database, timeoutMs)
  const checks = botsChecks(layout, db.adapter, options.requiredTables ?? BOTS_REQUIRED_TABLES)
  const worker = workerChecks(layout, options)
  const probes = { live: [...worker.live], ready: [...checks.ready, ...worker.ready], startup: [...checks.startup, ...worker.startup] }
  const taken = new Set([...probes.live, ...probes.ready, ...probes.startup].map((c) => c.name))
  for (const c of options.checks ?? []) {
    if (taken.has(c.name)) throw new HealthOptionsError('checks', `has a check named "${c.name}", a name already taken (${[...taken].join(', ')}): choose another`)
    taken.add(c.name)
    const check: Check = { name: c.name, ...(c.label !== undefined ? { label: c.label } : {}), run: (signal) => c.run(signal) }
    for (const p of c.probes ?? ['ready']) probes[p].push(check)
  }
  return createHealthService({
    ...probes,
    timeoutMs,
    cacheTtlMs: options.cacheTtlMs,
    failureCacheTtlMs: options.failureCacheTtlMs,
    databaseOnly: options.databaseOnly ?? envFlag(env.HEALTH_CHECK_DB_ONLY),
    startupLatch: options.startupLatch,
    exposeReasons: options.exposeReasons,
    secrets: [...(options.secrets ?? []), ...db.secrets],
    logger: options.logger,
    onClose: async () => { await db.adapter.close?.() }
  })
}
