import type { Check } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { resolveDatabase } from '../db/resolve.js'
import { sqliteAdapter, sqliteDriverProblem } from '../db/sqlite.js'
import { HealthOptionsError } from '../errors.js'
import { buildService, type HealthService } from '../service.js'
import { resolveServiceSettings, type ServiceSettings } from '../service-options.js'
import { botsChecks, workerChecks } from './checks.js'
import { type BotsConfig, type BotsConfigWatch, layoutFrom, watchBotsEnvironment } from './environment.js'
import { type BotsHealthOptions, configDirFrom, resolveBotsOptions, type ResolvedBotsOptions } from './options.js'

// The one composition root for a Bots deployment: where botssys and usersys are, which checks
// each probe runs, and the database they share. The plugin, `serve` and the CLI all build their
// service here.

export type { BotsHealthOptions, UserCheck } from './options.js'
export type { BotsLayout } from './environment.js'

/** Bots' readiness mode, as the report shows it (`HEALTH_CHECK_DB_ONLY`). */
export const DATABASE_ONLY = 'database_only'

/** Where botssys and usersys are: explicit paths, else bots.ini in the config dir. */
export function resolveBotsConfig (o: Pick<ResolvedBotsOptions, 'configDir' | 'botssys' | 'usersys'>, now?: () => number): BotsConfig {
  if (o.configDir === undefined) {
    if (o.botssys === undefined || o.usersys === undefined) {
      throw new HealthOptionsError('configDir', 'is required (or BOTS_CONFIG_DIR, or both botssys and usersys): it is the Bots config dir holding bots.ini')
    }
    return { layout: { botssys: o.botssys, usersys: o.usersys } }
  }
  const watch = watchBotsEnvironment(o.configDir, { botssys: o.botssys, usersys: o.usersys }, now !== undefined ? { now } : {})
  return { layout: layoutFrom(watch.current()), watch }
}

/** The health service for a Bots deployment, without Fastify: the plugin and the CLI both use it. */
export async function createBotsHealth (options: BotsHealthOptions): Promise<HealthService> {
  return await buildBotsHealth(resolveBotsOptions(options))
}

/** The service over options already resolved. */
export async function buildBotsHealth (o: ResolvedBotsOptions): Promise<HealthService> {
  const clock = o.service.clock
  const config = resolveBotsConfig(o, clock !== undefined ? () => clock.now() : undefined)
  const db = await databaseOf(o, config)
  if (db.kind === 'sqlite') {
    const problem = await sqliteDriverProblem()
    if (problem !== undefined) {
      await db.close?.()
      throw new HealthOptionsError('database', `is SQLite, and ${problem}`)
    }
  }
  const checks = botsChecks(config, db, { requiredTables: o.requiredTables, databaseOnly: o.databaseOnly, freshVolume: o.freshVolume, engineLock: o.worker.engineLock, engineRunsMs: o.worker.engineRunsMs, stuckTransactionsMs: o.worker.stuckTransactionsMs })
  // Database-only readiness runs the database alone: the worker checks stay out of it too.
  const worker = workerChecks(config, o.worker, clock !== undefined ? () => clock.now() : undefined)
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
  return buildService({
    ...o.service,
    ...probes,
    readyMode: o.databaseOnly ? DATABASE_ONLY : undefined,
    secrets: [...o.service.secrets, ...(db.secrets ?? [])],
    onClose: async () => { await db.close?.() }
  })
}

/**
 * Liveness of a Bots worker alone, for the exec probe: the process and jobqueue checks, no
 * database opened; bots.ini is read only for the jobqueue's port.
 */
export function createBotsLiveHealth (o: { configDir?: string, process?: string, jobqueue?: boolean, env?: NodeJS.ProcessEnv } & ServiceSettings): HealthService {
  const configDir = configDirFrom(o.configDir, o.env ?? process.env)
  const config: BotsConfig = o.jobqueue === true ? resolveBotsConfig({ configDir, botssys: undefined, usersys: undefined }) : { layout: { botssys: '', usersys: '' } }
  const { live } = workerChecks(config, { process: o.process, jobqueue: o.jobqueue === true ? {} : undefined })
  return buildService({ ...resolveServiceSettings(o), live, ready: [], startup: [], readyMode: undefined, onClose: undefined })
}

/** The database of a Bots deployment: the option, or one picked from the layout (Bots' SQLite default follows bots.ini). */
async function databaseOf (o: ResolvedBotsOptions, config: BotsConfig): Promise<DatabaseAdapter> {
  const option = typeof o.database === 'function' ? o.database(config.layout) : o.database
  return followsBotsIni(option, config) ? followingSqlite(config) : await resolveDatabase(option, o.service.timeoutMs)
}

/** The database alone, as the Bots options say (`wait-engine-idle` reads Bots' lock from it); the caller closes it. */
export async function openBotsDatabase (options: BotsHealthOptions): Promise<DatabaseAdapter> {
  const o = resolveBotsOptions(options)
  return await databaseOf(o, resolveBotsConfig(o))
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
    query: async (signal, sql, params) => {
      const db = await now(signal)
      if (db.query === undefined) throw new Error('this adapter cannot run queries')
      return await db.query(signal, sql, params)
    },
    close: async () => { await current.db.close?.() }
  }
}
