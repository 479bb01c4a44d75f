import { join } from 'node:path'
import { type Check, CheckFailure, type CheckWarning } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { describeError } from '../describe-error.js'
import { BoundedReadError, readBoundedFile } from '../read-bounded.js'
import type { BotsEnvironment } from './environment.js'
import { pythonInt } from './ini.js'

// Bots' engine takes a database lock, `INSERT INTO mutex (mutexk) VALUES (1)`, and removes it only
// in an atexit handler. Python runs none on an unhandled SIGTERM, which a pod eviction, a rollout
// or a node drain sends: the lock stays, and the next run mails "[Bots severe error] Database is
// locked" and runs a crash recovery. A lock older than `[settings] maxruntime` is such a lock.

/** Bots' default `[settings] maxruntime`, in minutes. */
export const MAXRUNTIME_DEFAULT_MINUTES = 60

/** `[settings] maxruntime` as Bots' `getint` reads it; the default when absent or unusable. */
export function maxRuntimeMinutes (environment: BotsEnvironment | undefined): number {
  const raw = environment?.sections?.settings?.maxruntime
  const n = raw === undefined ? undefined : pythonInt(raw)
  return n !== undefined && n > 0 ? n : MAXRUNTIME_DEFAULT_MINUTES
}

/** Django's TIME_ZONE when settings.py sets none. */
const DJANGO_DEFAULT_TIME_ZONE = 'America/Chicago'

/**
 * The time zone Bots writes its local times in: Django's `TIME_ZONE` of `settings.py` in the
 * config dir (with `USE_TZ = False`, as Bots ships it, Django sets the process's TZ and
 * PostgreSQL's session time zone to it). Undefined when settings.py cannot be read or names a zone
 * this Node does not know.
 */
export function botsTimeZone (configDir: string): string | undefined {
  let text: string
  try {
    text = readBoundedFile(join(configDir, 'settings.py'), 1024 * 1024).toString('utf8')
  } catch (err) {
    if (err instanceof BoundedReadError) return undefined
    throw err
  }
  const m = /^TIME_ZONE\s*=\s*(['"])([^'"\n]+)\1\s*(?:#.*)?$/m.exec(text)
  const zone = m?.[2] ?? DJANGO_DEFAULT_TIME_ZONE
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

/** Now as a wall-clock time in `timeZone`, `YYYY-MM-DD HH:MM:SS`, as SQLite's datetime() writes it. */
export function wallTimeIn (timeZone: string, at = Date.now()): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(new Date(at)).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`
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
  return timeZone !== undefined
    ? { sql: 'SELECT (julianday(?) - julianday(ts)) * 86400 AS age FROM mutex WHERE mutexk = 1', params: [wallTimeIn(timeZone)] }
    : { sql: "SELECT (julianday('now', 'localtime') - julianday(ts)) * 86400 AS age FROM mutex WHERE mutexk = 1", params: [] }
}

const minutes = (seconds: number): string => `${Math.floor(seconds / 60)} min`

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
      if (db.query === undefined) throw new CheckFailure(`engine_lock: the ${db.kind} adapter cannot run queries: use the mysql, postgres or sqlite adapter`)
      const { sql, params } = ageQuery(db.kind, o.timeZone)
      let rows
      try {
        rows = await db.query(signal, sql, params)
      } catch (err) {
        throw new CheckFailure(`engine_lock: cannot read Bots' lock (table mutex): ${describeError(err)}`)
      }
      const age = Number(rows[0]?.age)
      if (rows.length === 0 || !Number.isFinite(age)) return undefined
      const limit = o.maxRuntimeMinutes * 60
      if (age <= limit) return undefined
      return { warn: `engine lock held for ${minutes(age)}, longer than maxruntime (${o.maxRuntimeMinutes} min): an engine run ended without removing it (killed by SIGTERM: an eviction, a rollout); the next run reports a locked database and recovers` }
    }
  }
}
