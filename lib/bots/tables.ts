import { join } from 'node:path'
import { CheckFailure } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { describeError } from '../describe-error.js'
import { BoundedReadError, readBoundedFile } from '../read-bounded.js'

// Reading Bots' own tables (mutex, report): the time zone Bots writes its local times in, the age
// of a row on SQLite, and the query every such check makes, with its two ways to fail said once.

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

/** The offset of `timeZone` from UTC now, in seconds (DST included). */
export function utcOffsetSeconds (timeZone: string, at = Date.now()): number {
  const wall = wallTimeIn(timeZone, at)
  return Math.round((Date.parse(`${wall.replace(' ', 'T')}Z`) - Math.floor(at / 1000) * 1000) / 1000)
}

/**
 * Now, as Bots' database writes its default time into a `ts` column (`mutex.ts`, `ta.ts`): MySQL's
 * is a TIMESTAMP (UTC inside, read and compared in one session); PostgreSQL's is a local time in
 * Bots' time zone, so now is taken in that zone by the server (`$<zoneParam>` holds it); SQLite's
 * is the engine's local time (Django's TIME_ZONE), so now is the host's clock in that zone. Never
 * the probe's zone against the database's.
 */
export function defaultTimeNow (kind: string, timeZone: string | undefined, zoneParam = 1): { expr: string, params: unknown[] } {
  if (kind === 'mysql') return { expr: 'CURRENT_TIMESTAMP', params: [] }
  if (kind === 'postgres') {
    return timeZone !== undefined ? { expr: `(CURRENT_TIMESTAMP AT TIME ZONE $${zoneParam})`, params: [timeZone] } : { expr: 'LOCALTIMESTAMP', params: [] }
  }
  return timeZone !== undefined ? { expr: '?', params: [wallTimeIn(timeZone)] } : { expr: "datetime('now', 'localtime')", params: [] }
}

/** The age in seconds of such a `ts` column, from `now` (defaultTimeNow's expression). */
export function ageFrom (kind: string, now: string): string {
  if (kind === 'mysql') return `TIMESTAMPDIFF(SECOND, ts, ${now})`
  if (kind === 'postgres') return `EXTRACT(EPOCH FROM (${now} - ts))`
  return `(julianday(${now}) - julianday(ts)) * 86400`
}

/** An age or a limit as the checks say it: whole minutes, or seconds below one minute (tenths below ten). */
export function minutes (seconds: number): string {
  if (seconds >= 60) return `${Math.floor(seconds / 60)} min`
  // Below 10 s a tenth tells "waited 3.5 s" from a limit of "3 s".
  const s = Math.max(0, seconds)
  return s < 10 ? `${(Math.floor(s * 10) / 10).toFixed(1).replace(/\.0$/, '')} s` : `${Math.floor(s)} s`
}

/**
 * The rows of a read-only query on one of Bots' tables, for check `check`. Fails with the check's
 * name when the adapter cannot query (one of your own) or the query fails (the table is missing).
 */
export async function readBotsTable (db: DatabaseAdapter, signal: AbortSignal, o: { check: string, what: string, sql: string, params: unknown[] }): Promise<Record<string, unknown>[]> {
  if (db.query === undefined) throw new CheckFailure(`${o.check}: the ${db.kind} adapter cannot run queries: use the mysql, postgres or sqlite adapter`)
  try {
    return await db.query(signal, o.sql, o.params)
  } catch (err) {
    throw new CheckFailure(`${o.check}: cannot read ${o.what}: ${describeError(err)}`)
  }
}
