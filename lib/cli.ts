// bots-healthcheck: the exec-probe front end. It never imports Fastify, and loads a database
// driver only for the checks that need one: it is spawned on every probe of every worker pod.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { redact } from './redact.js'
import type { LiveReport, ReadyReport, StartupReport } from './schemas.js'

const USAGE = 'usage: bots-healthcheck [--check live|ready|startup] [--config-dir DIR] [--database-url URL] [--timeout MS] [--json] [--quiet]'

const HELP = `${USAGE}

Runs one health check of a Bots environment and exits 0 (healthy), 1 (unhealthy) or 2 (error).

  -c, --check NAME        live (default), ready or startup
      --config-dir DIR    the Bots config dir holding bots.ini
                          (default: $BOTS_CONFIG_DIR, then ./config)
      --database-url URL  mysql://, mariadb://, sqlite:PATH or a file path
                          (default: $DATABASE_URL, then $DB_HOST/$DB_PORT/$DB_NAME/
                          $DB_USER/$DB_PASSWORD for MySQL, then Bots' SQLite
                          database <botssys>/sqlitedb/botsdb)
      --timeout MS        deadline of each check (default 500)
      --json              print the report as JSON (the HTTP route's body)
  -q, --quiet             print nothing; only the exit code tells
  -h, --help              this help
  -v, --version           the version

live never touches the database, the disk or bots.ini.`

type Report = LiveReport | ReadyReport | StartupReport
const EXIT_HEALTHY = 0
const EXIT_UNHEALTHY = 1
const EXIT_ERROR = 2

class UsageError extends Error {}

interface Args {
  check: 'live' | 'ready' | 'startup'
  configDir: string
  databaseUrl?: string
  timeoutMs?: number
  json: boolean
  quiet: boolean
  help: boolean
  version: boolean
}

function parse (argv: string[], env: NodeJS.ProcessEnv): Args {
  let values
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        check: { type: 'string', short: 'c' },
        'config-dir': { type: 'string' },
        'database-url': { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' }
      }
    }))
  } catch (err) {
    // parseArgs' messages name the flag; drop its advice about '--' which does not apply here.
    const message = err instanceof Error ? err.message.split('. To specify')[0] ?? err.message : String(err)
    throw new UsageError(message)
  }
  const check = values.check ?? 'live'
  if (check !== 'live' && check !== 'ready' && check !== 'startup') {
    throw new UsageError(`--check must be live, ready or startup, got ${JSON.stringify(check)}`)
  }
  let timeoutMs: number | undefined
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout)
    if (!/^\d+$/.test(values.timeout) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive whole number of milliseconds, got ${JSON.stringify(values.timeout)}`)
  }
  if (values['config-dir'] === '') throw new UsageError('--config-dir must not be empty')
  const configDir = values['config-dir'] ?? (env.BOTS_CONFIG_DIR !== undefined && env.BOTS_CONFIG_DIR !== '' ? env.BOTS_CONFIG_DIR : './config')
  return {
    check,
    configDir: resolve(configDir),
    ...(values['database-url'] !== undefined ? { databaseUrl: values['database-url'] } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    json: values.json === true,
    quiet: values.quiet === true,
    help: values.help === true,
    version: values.version === true
  }
}

/** `--database-url` > `DATABASE_URL` > `DB_*` (MySQL) > Bots' SQLite default. */
function databaseFrom (args: Pick<Args, 'databaseUrl'>, env: NodeJS.ProcessEnv, sqlitePath: string): { url: string, secrets: string[] } {
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

function render (report: Report): string {
  const lines = [`Health Check: ${report.check}`, `Status: ${report.status}`]
  if (report.check === 'liveness') return lines.join('\n') + '\n'
  if (report.check === 'readiness' && report.mode !== undefined) lines.push(`Mode: ${report.mode}`)
  lines.push('', 'Checks:')
  for (const [name, ok] of Object.entries(report.checks)) lines.push(`  ${ok ? '✓' : '✗'} ${name}`)
  if (report.errors !== undefined && report.errors.length > 0) {
    lines.push('', 'Errors:')
    for (const e of report.errors) lines.push(`  - ${e}`)
  }
  return lines.join('\n') + '\n'
}

function version (): string {
  // The CLI ships as one CommonJS bundle next to package.json's folder (dist/), see package.json.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

async function probe (args: Args, env: NodeJS.ProcessEnv, secrets: string[]): Promise<Report> {
  if (args.check === 'live') {
    const { LIVE_REPORT } = await import('./service.js')
    return LIVE_REPORT
  }
  const { createBotsHealth, resolveLayout } = await import('./health.js')
  const layout = resolveLayout({ configDir: args.configDir, env })
  const db = databaseFrom(args, env, layout.environment?.sqlitePath ?? resolve(layout.botssys, 'sqlitedb', 'botsdb'))
  secrets.push(...db.secrets)
  const health = await createBotsHealth({
    database: { url: db.url },
    configDir: args.configDir,
    env,
    secrets,
    // One run per process: nothing to cache, and no latch to keep.
    cacheTtlMs: 0,
    failureCacheTtlMs: 0,
    startupLatch: false,
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {})
  })
  const report = args.check === 'ready' ? await health.ready() : await health.startup()
  // Closing waits for an attempt that is still pending (a hung connect); the process exits
  // right after printing, so do not wait for it.
  health.close().catch(() => {})
  return report
}

async function main (argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let args: Args
  try {
    args = parse(argv, env)
  } catch (e) {
    err(`bots-healthcheck: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`)
    return EXIT_ERROR
  }
  if (args.help) {
    out(HELP + '\n')
    return EXIT_HEALTHY
  }
  if (args.version) {
    out(version() + '\n')
    return EXIT_HEALTHY
  }
  const secrets: string[] = env.DB_PASSWORD !== undefined && env.DB_PASSWORD !== '' ? [env.DB_PASSWORD] : []
  try {
    const report = await probe(args, env, secrets)
    if (!args.quiet) out(args.json ? JSON.stringify(report, null, 2) + '\n' : render(report))
    const healthy = report.status === 'ok' || report.status === 'ready' || report.status === 'started'
    return healthy ? EXIT_HEALTHY : EXIT_UNHEALTHY
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    if (!args.quiet) err(`bots-healthcheck: error: ${redact(message, secrets)}\n`)
    return EXIT_ERROR
  }
}

main(process.argv.slice(2), process.env, (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
  (code) => {
    // Exit once the output is flushed: a pending connect must not keep the probe alive.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
  },
  () => {
    process.stderr.write('bots-healthcheck: error: the probe could not run\n', () => process.exit(EXIT_ERROR))
  }
)
