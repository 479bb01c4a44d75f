import type { Check, CheckOutcome } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { ageFrom, defaultTimeNow, minutes, readBotsTable } from './tables.js'

// Bots' transactions (table `ta`, one row per file and step): `statust` OPEN (0) is "a severe
// error" once the run is over, and OK (2) is "stuck" when found after the run (botsconfig.py).
// During a run both are normal: only rows older than the limit given count.

const OPEN = 0
const OK = 2

/**
 * `ta` has no index on `statust` or `ts` (Bots' DDL indexes `parent` and `reference`), and a busy
 * Bots holds millions of rows. The query reads the newest `scanned` rows by the primary key, a
 * range on MySQL's clustered index, PostgreSQL's `ta_pkey` and SQLite's rowid: its cost is bounded
 * by `scanned`, never by the table.
 */
function stuckQuery (kind: string, timeZone: string | undefined, from: number, olderThanSeconds: number): { sql: string, params: unknown[] } {
  const now = defaultTimeNow(kind, timeZone)
  const pg = kind === 'postgres'
  const ph = (i: number): string => pg ? `$${now.params.length + i}` : '?'
  // The limit is one value, computed once: each row in the range compares its ts with it.
  const before = kind === 'mysql'
    ? `ts < ${now.expr} - INTERVAL ${ph(2)} SECOND`
    : pg ? `ts < ${now.expr} - make_interval(secs => ${ph(2)})` : `julianday(ts) < julianday(${now.expr}) - ${ph(2)} / 86400.0`
  const sql = `SELECT COUNT(*) AS n, SUM(CASE WHEN statust = ${OPEN} THEN 1 ELSE 0 END) AS open, MAX(${ageFrom(kind, now.expr)}) AS oldest ` +
    `FROM ta WHERE idta > ${ph(1)} AND statust IN (${OPEN}, ${OK}) AND ${before}`
  // PostgreSQL numbers its parameters and uses the zone's twice; the others take them in order.
  const params = pg ? [...now.params, from, olderThanSeconds] : [...now.params, from, ...now.params, olderThanSeconds]
  return { sql, params }
}

/**
 * `transactions`: warns with the count and the oldest age of Bots' transactions left OPEN or OK
 * for longer than `olderThanMs`, among the newest `scanned` (two reads by the primary key: the
 * newest idta, then that range).
 */
export function stuckTransactionsCheck (db: DatabaseAdapter, o: { olderThanMs: number, scanned: number, timeZone?: string | undefined, name?: string }): Check {
  const what = "Bots' transactions (table ta)"
  return {
    name: o.name ?? 'transactions',
    componentType: 'datastore',
    label: 'Transactions',
    async run (signal): Promise<CheckOutcome> {
      const top = await readBotsTable(db, signal, { check: 'transactions', what, sql: 'SELECT MAX(idta) AS top FROM ta', params: [] })
      const none = { measures: { bots_transactions_stuck: 0 } }
      const newest = Number(top[0]?.top)
      if (!Number.isFinite(newest)) return none
      const rows = await readBotsTable(db, signal, { check: 'transactions', what, ...stuckQuery(db.kind, o.timeZone, newest - o.scanned, Math.floor(o.olderThanMs / 1000)) })
      const n = Number(rows[0]?.n)
      if (!(n > 0)) return none
      const open = Number(rows[0]?.open)
      const ok = n - open
      const kinds = [
        ...(open > 0 ? [`${open} OPEN (a severe error in a run)`] : []),
        ...(ok > 0 ? [`${ok} OK never picked up (stuck)`] : [])
      ]
      return { measures: { bots_transactions_stuck: n }, warn: `${n} transaction${n === 1 ? '' : 's'} older than ${minutes(o.olderThanMs / 1000)} left unfinished: ${kinds.join(', ')}; the oldest for ${minutes(Number(rows[0]?.oldest))} (of the newest ${o.scanned} transactions)` }
    }
  }
}
