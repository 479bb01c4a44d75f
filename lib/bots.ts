import { join } from 'node:path'
import { type Check, CheckFailure } from './check.js'
import { diskCheck } from './checks/disk.js'
import { webserverCheck } from './checks/http.js'
import { JOBQUEUE_DEFAULT_PORT, jobqueueCheck } from './checks/jobqueue.js'
import { processCheck } from './checks/process.js'
import { writableCheck } from './checks/writable.js'
import { type BotsConfigWatch, type BotsEnvironment, watchBotsEnvironment } from './bots-config.js'
import { pythonInt } from './bots-ini.js'
import { configCheck } from './checks/config.js'
import { databaseCheck } from './checks/database.js'
import { directoryCheck, directoryTreeCheck } from './checks/directories.js'
import { tablesCheck } from './checks/tables.js'
import type { DatabaseAdapter } from './db/adapter.js'
import { resolveDatabase } from './db/resolve.js'
import { sqliteAdapter } from './db/sqlite.js'
import { HealthOptionsError } from './options-error.js'
import { type BotsHealthOptions, type BotsLayout, resolveBotsOptions, type ResolvedBotsOptions, type ResolvedWorkerOptions } from './options.js'
import { type HealthService, serviceOf } from './service.js'

// The composition root for a Bots deployment: where botssys and usersys are, which checks each
// probe runs, and the database they share. The plugin and the CLI both build their service here.

export type { BotsHealthOptions, BotsLayout, UserCheck } from './options.js'

/**
 * A port from bots.ini as Bots' `getint` reads it (Python's int(): blanks around, a sign, `_`
 * between digits, any Unicode digits), else the default when the key is absent; a string saying
 * why when it is bad.
 */
export function botsPort (environment: BotsEnvironment | undefined, section: string, fallback: number): number | string {
  const raw = environment?.sections?.[section]?.port
  if (raw === undefined) return fallback
  const n = pythonInt(raw)
  if (n === undefined || n < 1 || n > 65535) return `[${section}] port in bots.ini is not a port number (Bots stops on it): ${JSON.stringify(raw.slice(0, 20))}`
  return n
}

/** A check that fails with a fixed reason: the configuration made it impossible to run. */
function misconfigured (name: string, reason: string): Check {
  return { name, async run () { throw new CheckFailure(reason) } }
}

/** Where botssys and usersys are now, and how to follow bots.ini when they may change. */
export interface BotsConfig {
  readonly layout: BotsLayout
  /** Present when a config dir is in play: bots.ini is followed while the probes run. */
  readonly watch?: BotsConfigWatch
}

/** Where botssys and usersys are: explicit paths, else bots.ini in `configDir`/`$BOTS_CONFIG_DIR`. */
export function resolveBotsConfig (o: Pick<ResolvedBotsOptions, 'configDir' | 'botssys' | 'usersys' | 'env'>): BotsConfig {
  const configDir = o.configDir ?? (o.env.BOTS_CONFIG_DIR !== undefined && o.env.BOTS_CONFIG_DIR !== '' ? o.env.BOTS_CONFIG_DIR : undefined)
  if (configDir === undefined) {
    if (o.botssys === undefined || o.usersys === undefined) {
      throw new HealthOptionsError('configDir', 'is required (or BOTS_CONFIG_DIR, or both botssys and usersys): it is the Bots config dir holding bots.ini')
    }
    return { layout: { botssys: o.botssys, usersys: o.usersys } }
  }
  const watch = watchBotsEnvironment(configDir, { botssys: o.botssys, usersys: o.usersys })
  return { layout: layoutOf(watch.current()), watch }
}

function layoutOf (environment: BotsEnvironment): BotsLayout {
  return { botssys: environment.botssys, usersys: environment.usersys, environment }
}

/**
 * A check made from the layout, made again when bots.ini changes what it depends on: each run
 * looks at bots.ini first (at most once a second, see watchBotsEnvironment).
 */
function following (config: BotsConfig, make: (layout: BotsLayout) => Check): Check {
  const first = make(config.layout)
  const watch = config.watch
  if (watch === undefined) return first
  let made = { environment: watch.current(), check: first }
  return {
    name: first.name,
    ...(first.label !== undefined ? { label: first.label } : {}),
    ...(first.componentType !== undefined ? { componentType: first.componentType } : {}),
    async run (signal) {
      const environment = await watch.refresh(signal)
      if (made.environment !== environment) made = { environment, check: make(layoutOf(environment)) }
      await made.check.run(signal)
    }
  }
}

/** The port of a Bots endpoint: given, else from bots.ini, else Bots' default; unknown while bots.ini cannot be read. */
function endpointPort (layout: BotsLayout, name: 'jobqueue' | 'webserver', given: number | undefined, fallback: number): number | { unknown: string } | { bad: string } {
  if (given !== undefined) return given
  const env = layout.environment
  if (env !== undefined && env.sections === undefined) return { unknown: `${name}: port unknown: ${env.configError ?? 'bots.ini cannot be read'}` }
  const port = botsPort(env, name, fallback)
  return typeof port === 'string' ? { bad: `${name}: ${port}` } : port
}

/** The checks that watch a Bots process beside this one, and which probe each belongs to. */
export function workerChecks (c: BotsConfig, o: Partial<ResolvedWorkerOptions>): { live: Check[], ready: Check[], startup: Check[] } {
  const live: Check[] = []
  const ready: Check[] = []
  const startup: Check[] = []
  if (o.process !== undefined) live.push(processCheck(o.process))
  const jq = o.jobqueue
  if (jq !== undefined) {
    const make = (forLive: boolean) => (layout: BotsLayout): Check => {
      const port = endpointPort(layout, 'jobqueue', jq.port, JOBQUEUE_DEFAULT_PORT)
      if (typeof port === 'number') return jobqueueCheck({ port, ...(jq.host !== undefined ? { host: jq.host } : {}) })
      // Liveness does not guess a port it cannot know: a restart would not teach it the port.
      if ('unknown' in port) return forLive ? { name: 'jobqueue', label: 'Jobqueue', async run () {} } : misconfigured('jobqueue', port.unknown)
      return misconfigured('jobqueue', port.bad)
    }
    live.push(following(c, make(true)))
    ready.push(following(c, make(false)))
  }
  const ws = o.webserver
  if (ws !== undefined) {
    ready.push(following(c, (layout) => {
      const port = endpointPort(layout, 'webserver', ws.port, 8080)
      if (typeof port === 'number') return webserverCheck({ port, ...(ws.host !== undefined ? { host: ws.host } : {}) })
      return misconfigured('webserver', 'unknown' in port ? port.unknown : port.bad)
    }))
  }
  if (o.writable === true) {
    const writable = following(c, (layout) => writableCheck('writable', join(layout.botssys, 'data')))
    ready.push(writable)
    startup.push(writable)
  }
  const disk = o.disk
  if (disk !== undefined) ready.push(following(c, (layout) => diskCheck(layout.botssys, disk.minFree !== undefined ? { minFree: disk.minFree } : {})))
  return { live, ready, startup }
}

/**
 * Builds the probes' checks for a Bots layout and a database. Database-only mode is Bots'
 * (`HEALTH_CHECK_DB_ONLY`): readiness then runs the database check alone.
 */
export function botsChecks (c: BotsConfig, db: DatabaseAdapter, requiredTables: readonly string[], databaseOnly = false): { ready: Check[], startup: Check[] } {
  const database = databaseCheck(db)
  const botssys = following(c, (layout) => directoryCheck('botssys', layout.botssys))
  const usersys = following(c, (layout) => directoryCheck('usersys', layout.usersys))
  const ready = databaseOnly ? [database] : [database, botssys, usersys]
  const startup = [
    database,
    tablesCheck(db, requiredTables),
    following(c, (layout) => directoryTreeCheck('botssys', layout.botssys, ['data'])),
    usersys
  ]
  // With a config dir in play, both probes say whether bots.ini was loaded: a Bots process whose
  // bots.ini is missing or malformed is neither ready nor started.
  if (c.layout.environment !== undefined) {
    const config = following(c, (layout) => configCheck(layout.environment?.configError))
    if (!databaseOnly) ready.push(config)
    startup.push(config)
  }
  return { ready, startup }
}

/** The health service for a Bots deployment, without Fastify: the plugin and the CLI both use it. */
export async function createBotsHealth (options: BotsHealthOptions): Promise<HealthService> {
  return await botsHealthOf(resolveBotsOptions(options))
}

/** The service over options already resolved. */
export async function botsHealthOf (o: ResolvedBotsOptions): Promise<HealthService> {
  const config = resolveBotsConfig(o)
  const layout = config.layout
  const option = typeof o.database === 'function' ? o.database(layout) : o.database
  const db = followsBotsIni(option, config) ? followingSqlite(config) : await resolveDatabase(option, o.service.timeoutMs)
  const checks = botsChecks(config, db, o.requiredTables, o.databaseOnly)
  // Database-only readiness runs the database alone: the worker checks stay out of it too.
  const worker = workerChecks(config, o.worker)
  const probes = { live: [...worker.live], ready: [...checks.ready, ...(o.databaseOnly ? [] : worker.ready)], startup: [...checks.startup, ...worker.startup] }
  const taken = new Set([...probes.live, ...probes.ready, ...probes.startup, ...worker.ready].map((c) => c.name))
  for (const c of o.checks) {
    if (taken.has(c.name)) throw new HealthOptionsError('checks', `has a check named "${c.name}", a name already taken (${[...taken].join(', ')}): choose another`)
    taken.add(c.name)
    const check: Check = { name: c.name, ...(c.label !== undefined ? { label: c.label } : {}), ...(c.componentType !== undefined ? { componentType: c.componentType } : {}), run: (signal) => c.run(signal) }
    for (const p of c.probes ?? ['ready']) {
      if (p !== 'ready' || !o.databaseOnly) probes[p].push(check)
    }
  }
  return serviceOf({
    ...o.service,
    ...probes,
    secrets: [...o.service.secrets, ...(db.secrets ?? [])],
    onClose: async () => { await db.close?.() }
  })
}

/** Bots' own SQLite database, where bots.ini puts it (`<botssys>/sqlitedb/botsdb`). */
function followsBotsIni (option: unknown, config: BotsConfig): boolean {
  const path = (option as { sqlite?: unknown } | null)?.sqlite
  return config.watch !== undefined && typeof path === 'string' && path === config.layout.environment?.sqlitePath
}

/** The SQLite adapter of Bots' default database, opened afresh where bots.ini moves botssys. */
function followingSqlite (config: BotsConfig): DatabaseAdapter {
  const watch = config.watch as BotsConfigWatch
  const first = watch.current().sqlitePath
  let current = { path: first, db: sqliteAdapter(first) }
  const now = async (signal: AbortSignal): Promise<DatabaseAdapter> => {
    const path = (await watch.refresh(signal)).sqlitePath
    if (path !== current.path) {
      await current.db.close?.()
      current = { path, db: sqliteAdapter(path) }
    }
    return current.db
  }
  return {
    kind: 'sqlite',
    ping: async (signal) => { await (await now(signal)).ping(signal) },
    listTables: async (signal) => await (await now(signal)).listTables(signal),
    close: async () => { await current.db.close?.() }
  }
}
