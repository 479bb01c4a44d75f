import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import type { DatabaseAdapter } from '../db/adapter.js'
import { describeDbError, REASON_MAX } from '../db/describe-error.js'

/** `database`: one round trip to the database. */
export function databaseCheck (db: DatabaseAdapter): Check {
  return {
    name: 'database',
    componentType: 'datastore',
    label: 'Database',
    async run (signal) {
      try {
        await db.ping(signal)
      } catch (err) {
        throw new CheckFailure(`Database check failed: ${describeDbError(err)}`, { maxLength: REASON_MAX + 'Database check failed: '.length })
      }
    }
  }
}
