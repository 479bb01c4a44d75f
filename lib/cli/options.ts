import { resolve } from 'node:path'
import type { BotsHealthOptions } from '../health.js'
import type { Args } from './args.js'

/** `--database-url` > `DATABASE_URL` > `DB_*` (MySQL) > Bots' SQLite default. */
export function databaseFrom (args: Pick<Args, 'databaseUrl'>, env: NodeJS.ProcessEnv, sqlitePath: string): { url: string, secrets: string[] } {
  if (args.databaseUrl !== undefined && args.databaseUrl !== '') return { url: args.databaseUrl, secrets: [] }
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') return { url: env.DATABASE_URL, secrets: [] }
  if (env.DB_HOST !== undefined && env.DB_HOST !== '') {
    const user = encodeURIComponent(env.DB_USER ?? '')
    const password = env.DB_PASSWORD ?? ''
    const auth = user !== '' || password !== '' ? `${user}${password !== '' ? ':' + encodeURIComponent(password) : ''}@` : ''
    const host = env.DB_HOST.includes(':') && !env.DB_HOST.startsWith('[') ? `[${env.DB_HOST}]` : env.DB_HOST
    const port = env.DB_PORT !== undefined && env.DB_PORT !== '' ? env.DB_PORT : '3306'
    return { url: `mysql://${auth}${host}:${port}/${encodeURIComponent(env.DB_NAME ?? '')}`, secrets: password !== '' ? [password] : [] }
  }
  return { url: `sqlite:${sqlitePath}`, secrets: [] }
}

/** The service options every front end of the CLI shares: check, --wait and serve. */
export function healthOptions (args: Args, env: NodeJS.ProcessEnv, secrets: string[]): BotsHealthOptions {
  return {
    // bots.ini is read once, by createBotsHealth; the SQLite default comes from what it found
    database: (layout) => {
      const db = databaseFrom(args, env, layout.environment?.sqlitePath ?? resolve(layout.botssys, 'sqlitedb', 'botsdb'))
      secrets.push(...db.secrets)
      return { url: db.url }
    },
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
