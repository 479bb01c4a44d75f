import { join } from 'node:path'
import { type Check, CheckFailure } from './check.js'
import { diskCheck } from './checks/disk.js'
import { webserverCheck } from './checks/http.js'
import { JOBQUEUE_DEFAULT_PORT, jobqueueCheck } from './checks/jobqueue.js'
import { processCheck } from './checks/process.js'
import { writableCheck } from './checks/writable.js'
import { type BotsEnvironment, loadBotsEnvironment } from './bots-config.js'
import { configCheck } from './checks/config.js'
import { databaseCheck } from './checks/database.js'
import { directoryCheck, directoryTreeCheck } from './checks/directories.js'
import { tablesCheck } from './checks/tables.js'
import type { DatabaseAdapter } from './db/adapter.js'
import { resolveDatabase } from './db/resolve.js'
import { HealthOptionsError } from './options-error.js'
import { type BotsHealthOptions, type BotsLayout, resolveBotsOptions, type ResolvedBotsOptions, type ResolvedWorkerOptions } from './options.js'
import { type HealthService, serviceOf } from './service.js'

// The composition root for a Bots deployment: where botssys and usersys are, which checks each
// probe runs, and the database they share. The plugin and the CLI both build their service here.

export type { BotsHealthOptions, BotsLayout, UserCheck } from './options.js'

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

/** Where botssys and usersys are: explicit paths, else bots.ini in `configDir`/`$BOTS_CONFIG_DIR`. */
export function resolveLayout (o: Pick<ResolvedBotsOptions, 'configDir' | 'botssys' | 'usersys' | 'env'>): BotsLayout {
  const configDir = o.configDir ?? (o.env.BOTS_CONFIG_DIR !== undefined && o.env.BOTS_CONFIG_DIR !== '' ? o.env.BOTS_CONFIG_DIR : undefined)
  if (configDir === undefined) {
    if (o.botssys === undefined || o.usersys === undefined) {
      throw new HealthOptionsError('configDir', 'is required (or BOTS_CONFIG_DIR, or both botssys and usersys): it is the Bots config dir holding bots.ini')
    }
    return { botssys: o.botssys, usersys: o.usersys }
  }
  const environment = loadBotsEnvironment(configDir, { botssys: o.botssys, usersys: o.usersys })
  return { botssys: environment.botssys, usersys: environment.usersys, environment }
}

/** The checks that watch a Bots process beside this one, and which probe each belongs to. */
export function workerChecks (layout: BotsLayout, o: Partial<ResolvedWorkerOptions>): { live: Check[], ready: Check[], startup: Check[] } {
  const live: Check[] = []
  const ready: Check[] = []
  const startup: Check[] = []
  if (o.process !== undefined) live.push(processCheck(o.process))
  const endpoint = (name: 'jobqueue' | 'webserver', fallback: number, make: (port: number, host?: string) => Check): Check | undefined => {
    const given = o[name]
    if (given === undefined) return undefined
    const port = given.port ?? botsPort(layout.environment, name, fallback)
    return typeof port === 'string' ? misconfigured(name, `${name}: ${port}`) : make(port, given.host)
  }
  const jobqueue = endpoint('jobqueue', JOBQUEUE_DEFAULT_PORT, (port, host) => jobqueueCheck({ port, ...(host !== undefined ? { host } : {}) }))
  if (jobqueue !== undefined) {
    live.push(jobqueue)
    ready.push(jobqueue)
  }
  const webserver = endpoint('webserver', 8080, (port, host) => webserverCheck({ port, ...(host !== undefined ? { host } : {}) }))
  if (webserver !== undefined) ready.push(webserver)
  if (o.writable === true) {
    const writable = writableCheck('writable', join(layout.botssys, 'data'))
    ready.push(writable)
    startup.push(writable)
  }
  if (o.disk !== undefined) ready.push(diskCheck(layout.botssys, o.disk.minFree !== undefined ? { minFree: o.disk.minFree } : {}))
  return { live, ready, startup }
}

/**
 * Builds the probes' checks for a Bots layout and a database. Database-only mode is Bots'
 * (`HEALTH_CHECK_DB_ONLY`): readiness then runs the database check alone.
 */
export function botsChecks (layout: BotsLayout, db: DatabaseAdapter, requiredTables: readonly string[], databaseOnly = false): { ready: Check[], startup: Check[] } {
  const database = databaseCheck(db)
  const ready = databaseOnly ? [database] : [database, directoryCheck('botssys', layout.botssys), directoryCheck('usersys', layout.usersys)]
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
  const layout = resolveLayout(o)
  const db = await resolveDatabase(typeof o.database === 'function' ? o.database(layout) : o.database, o.service.timeoutMs)
  const checks = botsChecks(layout, db, o.requiredTables, o.databaseOnly)
  // Database-only readiness runs the database alone: the worker checks stay out of it too.
  const worker = workerChecks(layout, o.worker)
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
