import type { DatabaseAdapter } from '../../lib/index.js'
import { BOTS_TABLES } from './mysql.js'

/** The one in-memory adapter of the tests: a database that is up, down or hung on command. */
export interface MemoryAdapter extends DatabaseAdapter {
  /** How many times ping and listTables ran. */
  readonly calls: number
  /** How many calls are in flight now (a hung call counts until its signal aborts). */
  readonly inFlight: number
  /** Every call fails with this message. */
  down (message?: string): void
  /** Every call waits until its signal aborts (a well-behaved adapter over a hung server). */
  hang (): void
  up (): void
  tables: string[]
}

export function memoryAdapter (o: { tables?: readonly string[], down?: string, caseInsensitive?: boolean, kind?: string } = {}): MemoryAdapter {
  let state: { mode: 'up' } | { mode: 'down', message: string } | { mode: 'hung' } = o.down !== undefined ? { mode: 'down', message: o.down } : { mode: 'up' }
  let calls = 0
  let inFlight = 0
  const call = async (signal: AbortSignal): Promise<void> => {
    calls++
    inFlight++
    try {
      if (state.mode === 'down') throw new Error(state.message)
      if (state.mode === 'hung') {
        await new Promise<void>((_resolve, reject) => {
          if (signal.aborted) return reject(new Error('aborted'))
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
        })
      }
    } finally {
      inFlight--
    }
  }
  const adapter: MemoryAdapter = {
    kind: o.kind ?? 'memory',
    tables: [...(o.tables ?? BOTS_TABLES)],
    get calls () { return calls },
    get inFlight () { return inFlight },
    async ping (signal) { await call(signal) },
    async listTables (signal) {
      await call(signal)
      return { names: [...adapter.tables], caseInsensitive: o.caseInsensitive === true }
    },
    down (message = 'connection refused') { state = { mode: 'down', message } },
    hang () { state = { mode: 'hung' } },
    up () { state = { mode: 'up' } }
  }
  return adapter
}
