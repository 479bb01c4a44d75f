/**
 * What the checks need of a database. Every method takes the check's AbortSignal: when it
 * aborts, give back what was acquired (release or destroy the connection) and then settle.
 */
export interface DatabaseAdapter {
  /** `mysql`, `sqlite`, `postgres`, or your own name. */
  readonly kind: string
  /** One round trip (`SELECT 1`). */
  ping (signal: AbortSignal): Promise<void>
  /** The tables of the current schema or database. */
  listTables (signal: AbortSignal): Promise<TableList>
  /**
   * A read-only query with `?` placeholders (`$1`, `$2` on PostgreSQL), for the checks that read
   * Bots' own tables (the engine lock). Absent on an adapter of your own: those checks say so.
   */
  query? (signal: AbortSignal, sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>
  /** Release what the adapter owns; called when the service closes. Absent for borrowed pools. */
  close? (): Promise<void>
  /** The passwords it connects with: no report, log or output may echo them. */
  readonly secrets?: readonly string[]
}

export interface TableList {
  readonly names: readonly string[]
  /** True where the server compares table names case-insensitively (MySQL `lower_case_table_names` 1 or 2). */
  readonly caseInsensitive: boolean
}

export function isDatabaseAdapter (value: unknown): value is DatabaseAdapter {
  const v = value as Partial<DatabaseAdapter> | null
  return typeof v === 'object' && v !== null && typeof v.ping === 'function' && typeof v.listTables === 'function'
}

export { abortError } from '../check.js'
