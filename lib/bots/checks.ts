import { join } from 'node:path'
import { type Check, CheckFailure } from '../check.js'
import { databaseCheck } from '../checks/database.js'
import { directoryCheck } from '../checks/directories.js'
import { diskCheck } from '../checks/disk.js'
import { httpCheck } from '../checks/http.js'
import { processCheck } from '../checks/process.js'
import { tablesCheck } from '../checks/tables.js'
import { writableCheck } from '../checks/writable.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { configCheck } from './config-check.js'
import { engineLockCheck, maxRuntimeMinutes } from './engine-lock.js'
import { botsTimeZone } from './tables.js'
import { engineRunsCheck } from './engine-runs.js'
import { type BotsConfig, type BotsEnvironment, type BotsLayout, layoutFrom } from './environment.js'
import { pythonInt } from './ini.js'
import { dirmonitorCheck } from './dirmonitor.js'
import { JobWatch, jobqueueCheck } from './jobqueue.js'
import { stuckTransactionsCheck } from './transactions.js'
import { BOTS_DEFAULTS, type ResolvedWorkerOptions } from './options.js'
import { monotonicMs } from '../monotonic.js'

// Which checks each probe runs for a Bots deployment, made from its layout and made again when
// bots.ini changes what they depend on.

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

/** `webserver`: Bots' Django webserver answers on `[webserver] port` (default 8080) of this pod. */
export function webserverCheck (o: { port?: number, host?: string } = {}): Check {
  const host = o.host ?? '127.0.0.1'
  return httpCheck(`http://${host.includes(':') ? `[${host}]` : host}:${o.port ?? BOTS_DEFAULTS.webserverPort}/`, { name: 'webserver' })
}

/** A check that fails with a fixed reason: the configuration made it impossible to run. */
function misconfigured (name: string, reason: string): Check {
  return { name, async run () { throw new CheckFailure(reason) } }
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
      if (made.environment !== environment) made = { environment, check: make(layoutFrom(environment)) }
      return await made.check.run(signal)
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

/**
 * The checks that watch a Bots process beside this one, and which probe each belongs to. `now` is
 * the monotonic clock the job queue's waiting jobs are timed by (the service's).
 */
export function workerChecks (c: BotsConfig, o: Partial<ResolvedWorkerOptions>, now: () => number = monotonicMs): { live: Check[], ready: Check[], startup: Check[] } {
  const live: Check[] = []
  const ready: Check[] = []
  const startup: Check[] = []
  if (o.process !== undefined) live.push(processCheck(o.process))
  const jq = o.jobqueue
  if (jq !== undefined) {
    // Liveness watches the queue move: one memory of the waiting jobs, kept across bots.ini changes.
    const watch = new JobWatch(now)
    const make = (forLive: boolean) => (layout: BotsLayout): Check => {
      const port = endpointPort(layout, 'jobqueue', jq.port, BOTS_DEFAULTS.jobqueuePort)
      const stall = forLive ? { stall: { afterMs: jq.stallMs ?? maxRuntimeMinutes(layout.environment) * 60_000, watch } } : {}
      if (typeof port === 'number') return jobqueueCheck({ port, ...(jq.host !== undefined ? { host: jq.host } : {}), ...stall })
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
      const port = endpointPort(layout, 'webserver', ws.port, BOTS_DEFAULTS.webserverPort)
      if (typeof port === 'number') return webserverCheck({ port, ...(ws.host !== undefined ? { host: ws.host } : {}) })
      return misconfigured('webserver', 'unknown' in port ? port.unknown : port.bad)
    }))
  }
  if (o.writable === true) {
    const writable = following(c, (layout) => writableCheck(join(layout.botssys, 'data'), { name: 'writable' }))
    ready.push(writable)
    startup.push(writable)
  }
  const disk = o.disk
  if (disk !== undefined) ready.push(following(c, (layout) => diskCheck(layout.botssys, disk.minFree !== undefined ? { minFree: disk.minFree } : {})))
  const dm = o.dirmonitor
  if (dm !== undefined) ready.push(following(c, (layout) => dirmonitorCheck(layout.environment, { staleMs: dm.staleMs, bounds: dm.scan })))
  return { live, ready, startup }
}

/**
 * Builds the probes' checks for a Bots layout and a database. Database-only mode is Bots'
 * (`HEALTH_CHECK_DB_ONLY`): readiness then runs the database check alone.
 */
export function botsChecks (c: BotsConfig, db: DatabaseAdapter, o: { requiredTables: readonly string[], databaseOnly?: boolean, freshVolume?: boolean, engineLock?: boolean, engineRunsMs?: number | undefined, stuckTransactionsMs?: number | undefined }): { ready: Check[], startup: Check[] } {
  const { requiredTables, databaseOnly = false } = o
  const database = databaseCheck(db)
  const botssys = following(c, (layout) => directoryCheck(layout.botssys, { name: 'botssys' }))
  const usersys = following(c, (layout) => directoryCheck(layout.usersys, { name: 'usersys' }))
  const ready = databaseOnly ? [database] : [database, botssys, usersys]
  // On a fresh volume, no Bots process has made botssys, botssys/data and usersys yet.
  const startup = [
    database,
    tablesCheck(db, { required: requiredTables }),
    ...(o.freshVolume === true ? [] : [following(c, (layout) => directoryCheck(layout.botssys, { name: 'botssys', subdirectories: ['data'] })), usersys])
  ]
  // With a config dir in play, both probes say whether bots.ini was loaded: a Bots process whose
  // bots.ini is missing or malformed is neither ready nor started.
  if (c.layout.environment !== undefined) {
    const config = following(c, (layout) => configCheck(layout.environment?.configError))
    if (!databaseOnly) ready.push(config)
    startup.push(config)
  }
  // Bots' own tables, read in Bots' time zone: each finding is a warning, for someone to look at;
  // readiness stays up.
  const zone = (layout: BotsLayout): string | undefined => layout.environment !== undefined ? botsTimeZone(layout.environment.configDir) : undefined
  if (o.engineLock === true && !databaseOnly) {
    ready.push(following(c, (layout) => engineLockCheck(db, { maxRuntimeMinutes: maxRuntimeMinutes(layout.environment), timeZone: zone(layout) })))
  }
  const everyMs = o.engineRunsMs
  if (everyMs !== undefined && !databaseOnly) ready.push(following(c, (layout) => engineRunsCheck(db, { everyMs, timeZone: zone(layout) })))
  const olderThanMs = o.stuckTransactionsMs
  if (olderThanMs !== undefined && !databaseOnly) {
    ready.push(following(c, (layout) => stuckTransactionsCheck(db, { olderThanMs, scanned: BOTS_DEFAULTS.transactionsScanned, timeZone: zone(layout) })))
  }
  return { ready, startup }
}
