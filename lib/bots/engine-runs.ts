import type { Check, CheckOutcome } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { ageFrom, defaultTimeNow, minutes, readBotsTable, utcOffsetSeconds } from './tables.js'

// Each engine run writes one row to Bots' `report` table (Django's model `report`: `ts` copied from
// the run's root transaction, counts of what it did). A suspended CronJob, a Forbid policy behind
// a hung run, or an engine that crashed while its entrypoint exited 0 shows nothing in Kubernetes:
// the newest row grows old. A run that hit EDI errors exits 2 and looks like a failed Job.

/**
 * The newest run's age in seconds, computed from the database's clock. Django (USE_TZ = False, as
 * Bots ships) writes naive local times in Bots' TIME_ZONE: MySQL's `datetime(6)` keeps them as
 * written, so now is the server's UTC moved to that zone; PostgreSQL's `timestamp with time zone`
 * took the session's zone (Django set it) and is an instant; SQLite's text is compared with the
 * host's clock in that zone.
 */
function newestRunQuery (kind: string, timeZone: string | undefined): { sql: string, params: unknown[] } {
  const rest = 'lasterror, processerrors, lastopen, type FROM report ORDER BY idta DESC LIMIT 1'
  if (kind === 'mysql') {
    return timeZone !== undefined
      ? { sql: `SELECT TIMESTAMPDIFF(SECOND, ts, UTC_TIMESTAMP() + INTERVAL ? SECOND) AS age, ${rest}`, params: [utcOffsetSeconds(timeZone)] }
      : { sql: `SELECT TIMESTAMPDIFF(SECOND, ts, NOW()) AS age, ${rest}`, params: [] }
  }
  if (kind === 'postgres') return { sql: `SELECT EXTRACT(EPOCH FROM (CURRENT_TIMESTAMP - ts)) AS age, ${rest}`, params: [] }
  const now = defaultTimeNow(kind, timeZone)
  return { sql: `SELECT ${ageFrom(kind, now.expr)} AS age, ${rest}`, params: now.params }
}

/**
 * `engine_runs`: warns when the newest engine run is older than `everyMs` (no run for that long),
 * when none is recorded, or when the last one had errors, naming its counts. The query reads one
 * row by the primary key (`ORDER BY idta DESC LIMIT 1`), whatever the size of `report`.
 */
export function engineRunsCheck (db: DatabaseAdapter, o: { everyMs: number, timeZone?: string | undefined, name?: string }): Check {
  return {
    name: o.name ?? 'engine_runs',
    componentType: 'datastore',
    label: 'Engine runs',
    async run (signal): Promise<CheckOutcome | undefined> {
      const rows = await readBotsTable(db, signal, { check: 'engine_runs', what: "Bots' engine runs (table report)", ...newestRunQuery(db.kind, o.timeZone) })
      const row = rows[0]
      if (row === undefined) return { warn: 'no engine run recorded yet (table report is empty)' }
      const problems: string[] = []
      const age = Number(row.age)
      if (Number.isFinite(age) && age * 1000 > o.everyMs) problems.push(`no engine run for ${minutes(age)}, expected every ${minutes(o.everyMs / 1000)}`)
      const counts = { errors: Number(row.lasterror), 'process errors': Number(row.processerrors), open: Number(row.lastopen) }
      const bad = Object.entries(counts).filter(([, n]) => Number.isFinite(n) && n > 0)
      if (bad.length > 0) problems.push(`the last engine run (${String(row.type ?? 'run')}, ${minutes(Math.max(0, age))} ago) had ${bad.map(([what, n]) => `${n} ${what}`).join(', ')}`)
      const errors = [counts.errors, counts['process errors']].filter((n) => Number.isFinite(n)).reduce((a, b) => a + b, 0)
      const measures = { ...(Number.isFinite(age) ? { bots_engine_last_run_age_seconds: Math.max(0, age) } : {}), bots_engine_last_run_errors: errors }
      return problems.length > 0 ? { measures, warn: problems.join('; ') } : { measures }
    }
  }
}
