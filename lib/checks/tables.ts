import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { describeError, REASON_MAX } from '../describe-error.js'

/** `tables`: every required table exists in the current schema. */
export function tablesCheck (db: DatabaseAdapter, o: { required: readonly string[], name?: string }): Check {
  const required = o.required
  return {
    name: o.name ?? 'tables',
    componentType: 'datastore',
    label: 'Tables',
    async run (signal) {
      let list
      try {
        list = await db.listTables(signal)
      } catch (err) {
        throw new CheckFailure(`Tables check failed: ${describeError(err)}`, { maxLength: REASON_MAX + 'Tables check failed: '.length })
      }
      const fold = list.caseInsensitive ? (s: string) => s.toLowerCase() : (s: string) => s
      const present = new Set(list.names.map(fold))
      const missing = required.filter((t) => !present.has(fold(t)))
      if (missing.length > 0) throw new CheckFailure(`Missing tables: ${missing.join(', ')}`)
    }
  }
}
