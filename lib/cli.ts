// bots-healthcheck: the exec-probe front end. It never imports Fastify, and loads a database
// driver only for the checks that need one: it is spawned on every probe of every worker pod.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { redact } from './redact.js'
import type { LiveReport, ReadyReport, StartupReport } from './schemas.js'

const USAGE = `usage: bots-healthcheck [--check live|ready|startup] [--config-dir DIR] [--database-url URL] [--timeout MS] [--json] [--quiet]
       bots-healthcheck --url URL [--timeout MS] [--json] [--quiet]
       bots-healthcheck probes [--port 8080] [--prefix /health] [--exec] [--config-dir DIR] [--timeout MS]
       bots-healthcheck lint FILE.yaml [--timeout MS] [--min-startup SECONDS] [--json] [--quiet]`

const HELP = `${USAGE}

Runs one health check of a Bots environment and exits 0 (healthy), 1 (unhealthy) or 2 (error).

  -c, --check NAME        live (default), ready or startup
      --config-dir DIR    the Bots config dir holding bots.ini
                          (default: $BOTS_CONFIG_DIR, then ./config)
      --database-url URL  mysql://, mariadb://, sqlite:PATH or a file path
                          (default: $DATABASE_URL, then $DB_HOST/$DB_PORT/$DB_NAME/
                          $DB_USER/$DB_PASSWORD for MySQL, then Bots' SQLite
                          database <botssys>/sqlitedb/botsdb)
      --timeout MS        deadline of each check (default 500); with --url, of
                          the whole request (default 1000)
      --url URL           probe an HTTP endpoint instead: exit 0 on 2xx/3xx,
                          1 on another status, 2 when no answer came in time
      --json              print the report as JSON (the HTTP route's body)
  -q, --quiet             print nothing; only the exit code tells
  -h, --help              this help
  -v, --version           the version

live never touches the database, the disk or bots.ini.

probes   prints Kubernetes startupProbe, readinessProbe and livenessProbe YAML,
         timeoutSeconds derived from --timeout: httpGet on --port (8080) under
         --prefix (/health), or with --exec the CLI itself (for the workers)
lint     reports unsafe probes in a Deployment/StatefulSet manifest (multi-
         document YAML): liveness that checks dependencies, deadlines not below
         timeoutSeconds, a startup budget below --min-startup (150 s), readiness
         too slow for a drain; exit 1 when it finds an error`

type Report = LiveReport | ReadyReport | StartupReport
const EXIT_HEALTHY = 0
const EXIT_UNHEALTHY = 1
const EXIT_ERROR = 2

class UsageError extends Error {}

interface Args {
  mode: 'check' | 'url' | 'probes' | 'lint'
  check: 'live' | 'ready' | 'startup'
  configDir: string
  configDirGiven: boolean
  databaseUrl?: string
  url?: string
  file?: string
  timeoutMs?: number
  port: number
  prefix: string
  exec: boolean
  minStartupSeconds: number
  json: boolean
  quiet: boolean
  help: boolean
  version: boolean
}

function wholeNumber (flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`)
  return n
}

function parse (argv: string[], env: NodeJS.ProcessEnv): Args {
  let values
  let positionals: string[]
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        check: { type: 'string', short: 'c' },
        'config-dir': { type: 'string' },
        'database-url': { type: 'string' },
        url: { type: 'string' },
        timeout: { type: 'string' },
        port: { type: 'string' },
        prefix: { type: 'string' },
        exec: { type: 'boolean' },
        'min-startup': { type: 'string' },
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
  const [command, ...rest] = positionals
  let mode: Args['mode'] = 'check'
  if (command === 'probes' || command === 'lint') mode = command
  else if (command !== undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}: use probes, lint, or no command to run a check`)
  if (mode === 'lint' && rest.length !== 1) throw new UsageError('lint takes one manifest file: bots-healthcheck lint FILE.yaml')
  if (mode !== 'lint' && rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`)
  if (values.url !== undefined) {
    if (mode !== 'check') throw new UsageError(`--url does not go with ${mode}`)
    if (values.check !== undefined) throw new UsageError('--url and --check do not go together: --url probes a running server')
    mode = 'url'
  }
  const check = values.check ?? 'live'
  if (check !== 'live' && check !== 'ready' && check !== 'startup') {
    throw new UsageError(`--check must be live, ready or startup, got ${JSON.stringify(check)}`)
  }
  const timeoutMs = wholeNumber('--timeout', values.timeout, 1)
  const port = wholeNumber('--port', values.port, 1) ?? 8080
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`)
  const prefix = (values.prefix ?? '/health').replace(/\/+$/, '')
  if (values.prefix !== undefined && !values.prefix.startsWith('/')) throw new UsageError(`--prefix must start with "/", got ${JSON.stringify(values.prefix)}`)
  if (values['config-dir'] === '') throw new UsageError('--config-dir must not be empty')
  const configDir = values['config-dir'] ?? (env.BOTS_CONFIG_DIR !== undefined && env.BOTS_CONFIG_DIR !== '' ? env.BOTS_CONFIG_DIR : './config')
  return {
    mode,
    check,
    configDir: resolve(configDir),
    configDirGiven: values['config-dir'] !== undefined,
    ...(values['database-url'] !== undefined ? { databaseUrl: values['database-url'] } : {}),
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(rest[0] !== undefined ? { file: rest[0] } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    port,
    prefix,
    exec: values.exec === true,
    minStartupSeconds: wholeNumber('--min-startup', values['min-startup'], 0) ?? 150,
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
  const { createBotsHealth } = await import('./health.js')
  const health = await createBotsHealth({
    // bots.ini is read once, by createBotsHealth; the SQLite default comes from what it found
    database: (layout) => {
      const db = databaseFrom(args, env, layout.environment?.sqlitePath ?? resolve(layout.botssys, 'sqlitedb', 'botsdb'))
      secrets.push(...db.secrets)
      return { url: db.url }
    },
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

async function urlMode (args: Args, out: (s: string) => void): Promise<number> {
  const { probeUrl } = await import('./http-probe.js')
  const r = await probeUrl(args.url ?? '', args.timeoutMs ?? 1000)
  if (!args.quiet) {
    if (args.json) {
      out(JSON.stringify(r, null, 2) + '\n')
    } else {
      const status = r.status === 'error' ? `error: ${r.error ?? 'no answer'}` : String(r.statusCode)
      let text = `Health Check: ${r.url}\nStatus: ${status}\n`
      const report = r.report as Report | undefined
      if (report !== undefined && typeof report === 'object' && typeof report.check === 'string' && 'checks' in report) {
        text += render(report).split('\n').slice(2).join('\n')
      }
      out(text)
    }
  }
  return r.status === 'ok' ? EXIT_HEALTHY : r.status === 'unhealthy' ? EXIT_UNHEALTHY : EXIT_ERROR
}

async function probesMode (args: Args, out: (s: string) => void): Promise<number> {
  const [{ probeSpecs }, { stringify }] = await Promise.all([import('./k8s/probes.js'), import('yaml')])
  const specs = probeSpecs({ timeoutMs: args.timeoutMs ?? 500, port: args.port, prefix: args.prefix, exec: args.exec, ...(args.configDirGiven ? { configDir: args.configDir } : {}) })
  const kind = args.exec ? 'a worker (engine, jobqueueserver, dirmonitor): exec probes with the CLI' : `the webserver: httpGet on port ${args.port}`
  out(`# Kubernetes probes for ${kind}.\n# timeoutSeconds leaves room beyond the ${args.timeoutMs ?? 500} ms check deadline; paste under the container.\n` + stringify(specs))
  return EXIT_HEALTHY
}

async function lintMode (args: Args, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const file = args.file ?? ''
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    err(`bots-healthcheck: error: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`)
    return EXIT_ERROR
  }
  const { lintManifests, ManifestError } = await import('./k8s/lint.js')
  let findings
  try {
    findings = lintManifests(text, { timeoutMs: args.timeoutMs ?? 500, minStartupSeconds: args.minStartupSeconds })
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e
    err(`bots-healthcheck: error: ${file}: ${e.message}\n`)
    return EXIT_ERROR
  }
  const errors = findings.filter((f) => f.level === 'error').length
  if (!args.quiet) {
    if (args.json) {
      out(JSON.stringify({ file, errors, warnings: findings.length - errors, findings }, null, 2) + '\n')
    } else {
      for (const f of findings) {
        const where = [f.workload, f.container !== undefined ? `container ${f.container}` : undefined, f.probe].filter(Boolean).join(' ')
        out(`${file}:${f.document}: ${where}: ${f.level}: ${f.message}\n`)
      }
      out(`${errors} error(s), ${findings.length - errors} warning(s)\n`)
    }
  }
  return errors > 0 ? EXIT_UNHEALTHY : EXIT_HEALTHY
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
    if (args.mode === 'url') return await urlMode(args, out)
    if (args.mode === 'probes') return await probesMode(args, out)
    if (args.mode === 'lint') return await lintMode(args, out, err)
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
