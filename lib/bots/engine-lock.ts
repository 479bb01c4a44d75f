import type { Check, CheckOutcome } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import type { BotsEnvironment } from './environment.js'
import { pythonInt } from './ini.js'
import { BOTS_DEFAULTS } from './options.js'
import { ageFrom, defaultTimeNow, minutes, readBotsTable } from './tables.js'

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

function lockAge (kind: string, timeZone: string | undefined): { sql: string, params: unknown[] } {
  const now = defaultTimeNow(kind, timeZone)
  return { sql: `SELECT ${ageFrom(kind, now.expr)} AS age FROM mutex WHERE mutexk = 1`, params: now.params }
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
    async run (signal): Promise<CheckOutcome> {
      const rows = await readBotsTable(db, signal, { check: 'engine_lock', what: "Bots' lock (table mutex)", ...lockAge(db.kind, o.timeZone) })
      const age = Number(rows[0]?.age)
      if (rows.length === 0 || !Number.isFinite(age)) return { measures: { bots_engine_lock_age_seconds: 0 } }
      const measures = { bots_engine_lock_age_seconds: Math.max(0, age) }
      const limit = o.maxRuntimeMinutes * 60
      if (age <= limit) return { measures }
      return { measures, warn: `engine lock held for ${minutes(age)}, longer than maxruntime (${o.maxRuntimeMinutes} min): an engine run ended without removing it (killed by SIGTERM: an eviction, a rollout); the next run reports a locked database and recovers` }
    }
  }
}

/** Whether Bots' engine lock is held now (an engine run in progress, or one that left it behind). */
export async function engineLockHeld (db: DatabaseAdapter, signal: AbortSignal): Promise<boolean> {
  const rows = await readBotsTable(db, signal, { check: 'wait-engine-idle', what: "Bots' lock (table mutex)", sql: 'SELECT mutexk FROM mutex WHERE mutexk = 1', params: [] })
  return rows.length > 0
}
