import type { Check, CheckWarning } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import type { BotsEnvironment } from './environment.js'
import { pythonInt } from './ini.js'
import { BOTS_DEFAULTS } from './options.js'
import { minutes, readBotsTable, sqliteAge } from './tables.js'

// Bots' engine takes a database lock, `INSERT INTO mutex (mutexk) VALUES (1)`, and removes it only
// in an atexit handler. Python runs none on an unhandled SIGTERM, which a pod eviction, a rollout
// or a node drain sends: the lock stays, and the next run mails "[Bots severe error] Database is
// locked" and runs a crash recovery. A lock older than `[settings] maxruntime` is such a lock.

/** `[settings] maxruntime` as Bots' `getint` reads it; the default when absent or unusable. */
export function maxRuntimeMinutes (environment: BotsEnvironment | undefined): number {
  const raw = environment?.sections?.settings?.maxruntime
  const n = raw === undefined ? undefined : pythonInt(raw)
  return n !== undefined && n > 0 ? n : BOTS_DEFAULTS.maxRuntimeMinutes
}

/**
 * The lock's age in seconds, computed where the time was written: MySQL's `ts` is a TIMESTAMP
 * (UTC inside, compared in one session); PostgreSQL's is a local time in Bots' time zone, so now is
 * taken in that zone by the server; SQLite's is the engine's local time (Django's TIME_ZONE), so
 * now is the host's clock in that zone. Never the probe's zone against the database's.
 */
function ageQuery (kind: string, timeZone: string | undefined): { sql: string, params: unknown[] } {
  if (kind === 'mysql') return { sql: 'SELECT TIMESTAMPDIFF(SECOND, ts, CURRENT_TIMESTAMP) AS age FROM mutex WHERE mutexk = 1', params: [] }
  if (kind === 'postgres') {
    return timeZone !== undefined
      ? { sql: 'SELECT EXTRACT(EPOCH FROM ((CURRENT_TIMESTAMP AT TIME ZONE $1) - ts)) AS age FROM mutex WHERE mutexk = 1', params: [timeZone] }
      : { sql: 'SELECT EXTRACT(EPOCH FROM (LOCALTIMESTAMP - ts)) AS age FROM mutex WHERE mutexk = 1', params: [] }
  }
  const age = sqliteAge(timeZone)
  return { sql: `SELECT ${age.expr} AS age FROM mutex WHERE mutexk = 1`, params: age.params }
}

/**
 * `engine_lock`: warns when Bots' engine lock is older than maxruntime (a run killed before its
 * atexit handler: the next run will report a locked database and recover); passes when there is
 * none, or a younger one (an engine run in progress).
 */
export function engineLockCheck (db: DatabaseAdapter, o: { maxRuntimeMinutes: number, timeZone?: string | undefined, name?: string }): Check {
  return {
    name: o.name ?? 'engine_lock',
    componentType: 'datastore',
    label: 'Engine lock',
    async run (signal): Promise<CheckWarning | undefined> {
      const rows = await readBotsTable(db, signal, { check: 'engine_lock', what: "Bots' lock (table mutex)", ...ageQuery(db.kind, o.timeZone) })
      const age = Number(rows[0]?.age)
      if (rows.length === 0 || !Number.isFinite(age)) return undefined
      const limit = o.maxRuntimeMinutes * 60
      if (age <= limit) return undefined
      return { warn: `engine lock held for ${minutes(age)}, longer than maxruntime (${o.maxRuntimeMinutes} min): an engine run ended without removing it (killed by SIGTERM: an eviction, a rollout); the next run reports a locked database and recovers` }
    }
  }
}
