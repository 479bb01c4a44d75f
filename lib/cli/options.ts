import { resolve } from 'node:path'
import type { BotsHealthOptions } from '../bots/options.js'
import { databaseFromEnv } from '../bots/options.js'
import type { DatabaseOption } from '../db/resolve.js'
import type { Args } from './args.js'

/**
 * `--database-url` > `DATABASE_URL` > `DB_*` (MySQL connection options, Bots' own variables) >
 * Bots' SQLite default.
 */
export function databaseFrom (args: Pick<Args, 'databaseUrl'>, env: NodeJS.ProcessEnv, sqlitePath: string): DatabaseOption {
  if (args.databaseUrl !== undefined && args.databaseUrl !== '') return { url: args.databaseUrl }
  return databaseFromEnv(env) ?? { sqlite: sqlitePath }
}

/** The service options every front end of the CLI shares: check, --wait and serve. */
export function healthOptions (args: Args, env: NodeJS.ProcessEnv, secrets: readonly string[]): BotsHealthOptions {
  return {
    // bots.ini is read once, by createBotsHealth; the SQLite default comes from what it found
    database: (layout) => databaseFrom(args, env, layout.environment?.sqlitePath ?? resolve(layout.botssys, 'sqlitedb', 'botsdb')),
    configDir: args.configDir,
    env,
    secrets,
    ...workerOptions(args),
    freshVolume: args.freshVolume,
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {})
  }
}

export function workerOptions (args: Args): Pick<BotsHealthOptions, 'process' | 'jobqueue' | 'webserver' | 'writable' | 'disk' | 'engineLock' | 'engineRuns' | 'stuckTransactions' | 'dirmonitor'> {
  return {
    ...(args.process !== undefined ? { process: args.process } : {}),
    jobqueue: args.jobqueue && args.jobqueueStall !== undefined ? { stall: args.jobqueueStall } : args.jobqueue,
    webserver: args.webserver,
    writable: args.writable,
    disk: args.disk ? (args.minFree !== undefined ? { minFree: args.minFree } : true) : false,
    engineLock: args.engineLock,
    ...(args.engineRuns !== undefined ? { engineRuns: args.engineRuns } : {}),
    ...(args.stuckTransactions !== undefined ? { stuckTransactions: args.stuckTransactions } : {}),
    dirmonitor: args.dirmonitor ? (args.dirmonitorStale !== undefined ? { stale: args.dirmonitorStale } : true) : false
  }
}
