import { resolve } from 'node:path'
import type { BotsHealthOptions } from '../bots.js'
import type { DatabaseOption } from '../db/resolve.js'
import type { Args } from './args.js'

/**
 * `--database-url` > `DATABASE_URL` > `DB_*` (MySQL connection options, Bots' own variables) >
 * Bots' SQLite default.
 */
export function databaseFrom (args: Pick<Args, 'databaseUrl'>, env: NodeJS.ProcessEnv, sqlitePath: string): DatabaseOption {
  if (args.databaseUrl !== undefined && args.databaseUrl !== '') return { url: args.databaseUrl }
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') return { url: env.DATABASE_URL }
  if (env.DB_HOST !== undefined && env.DB_HOST !== '') {
    const port = env.DB_PORT !== undefined && env.DB_PORT !== '' ? Number(env.DB_PORT) : 3306
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`DB_PORT must be a port number (1-65535), got ${JSON.stringify(env.DB_PORT)}`)
    return {
      mysql: {
        host: env.DB_HOST.replace(/^\[|\]$/g, ''),
        port,
        ...(env.DB_USER !== undefined && env.DB_USER !== '' ? { user: env.DB_USER } : {}),
        ...(env.DB_PASSWORD !== undefined && env.DB_PASSWORD !== '' ? { password: env.DB_PASSWORD } : {}),
        ...(env.DB_NAME !== undefined && env.DB_NAME !== '' ? { database: env.DB_NAME } : {})
      }
    }
  }
  return { sqlite: sqlitePath }
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
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {})
  }
}

export function workerOptions (args: Args): Pick<BotsHealthOptions, 'process' | 'jobqueue' | 'webserver' | 'writable' | 'disk'> {
  return {
    ...(args.process !== undefined ? { process: args.process } : {}),
    jobqueue: args.jobqueue,
    webserver: args.webserver,
    writable: args.writable,
    disk: args.disk ? (args.minFree !== undefined ? { minFree: args.minFree } : true) : false
  }
}
