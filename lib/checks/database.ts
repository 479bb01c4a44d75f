import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { describeError, REASON_MAX } from '../describe-error.js'

/** `database`: one round trip to the database. */
export function databaseCheck (db: DatabaseAdapter, o: { name?: string } = {}): Check {
  return {
    name: o.name ?? 'database',
    componentType: 'datastore',
    label: 'Database',
    async run (signal) {
      try {
        await db.ping(signal)
      } catch (err) {
        throw new CheckFailure(`Database check failed: ${describeError(err)}`, { maxLength: REASON_MAX + 'Database check failed: '.length })
      }
    }
  }
}
