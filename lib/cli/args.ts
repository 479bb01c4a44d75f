import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BOTS_DEFAULTS, configDirFrom } from '../bots/options.js'
import { parseFreeSpace } from '../checks/disk.js'
import { HealthOptionsError } from '../errors.js'
import { PLUGIN_DEFAULTS } from '../plugin-options.js'
import { duration, MAX_TIMER_MS, routePrefix } from '../validate.js'

/** The CLI's own defaults, written once (the service's and the plugin's come from their modules). */
export const CLI_DEFAULTS = Object.freeze({
  /** `serve`'s port: a sidecar's, beside the webserver's 8080. */
  servePort: 9000,
  /** `probes`' port: the webserver's own. */
  probesPort: BOTS_DEFAULTS.webserverPort,
  host: '0.0.0.0',
  /** `serve`: readiness is 503 this long before the server closes. */
  drainDelayMs: 5000,
  /** `--url`: the deadline of the whole request. */
  urlTimeoutMs: 1000,
  /** `lint`: the least startup budget, in seconds. */
  minStartupSeconds: 150,
  /** `alerts`: how long a check fails before it alerts, seconds. */
  alertForSeconds: 300
})

export const USAGE = `usage: bots-healthcheck [--check live|ready|startup] [--config-dir DIR] [--database-url URL] [--timeout MS] [--wait SECONDS] [--fresh-volume] [CHECKS] [--json] [--quiet]
       bots-healthcheck serve [--port 9000] [--host 0.0.0.0] [--prefix /health] [--drain-delay MS] [--config-dir DIR] [--database-url URL] [--timeout MS] [CHECKS]
       bots-healthcheck --url URL [--timeout MS] [--strict-tls] [--docker] [--json] [--quiet]
       bots-healthcheck probes [--port 8080] [--prefix /health] [--exec] [--config-dir DIR] [--timeout MS]
       bots-healthcheck lint FILE.yaml [--timeout MS] [--min-startup SECONDS] [--json] [--quiet]
       bots-healthcheck wait-engine-idle --timeout SECONDS [--config-dir DIR] [--database-url URL]
       bots-healthcheck alerts [--for 5m] [--config-dir DIR] [CHECKS]
CHECKS: [--process NAME] [--jobqueue] [--jobqueue-stall 90m] [--webserver] [--writable] [--disk] [--min-free 5%|500MiB]
        [--engine-lock] [--engine-runs 15m] [--stuck-transactions 2h] [--dirmonitor] [--dirmonitor-stale 10m]`

export const HELP = `${USAGE}

Runs one health check of a Bots environment and exits 0 (healthy), 1 (unhealthy) or 2 (error).

  -c, --check NAME        live (default), ready or startup
      --config-dir DIR    the Bots config dir holding bots.ini
                          (default: $BOTS_CONFIG_DIR, then ./config; a relative
                          one resolves against the working directory)
      --database-url URL  mysql://, mariadb://, postgres://, sqlite:PATH or a file
                          path (default: $DATABASE_URL, then $DB_HOST/$DB_PORT/
                          $DB_NAME/$DB_USER/$DB_PASSWORD for MySQL, then Bots'
                          SQLite database <botssys>/sqlitedb/botsdb)
      --timeout MS        deadline of each check (default 500); with --url, of
                          the whole request (default 1000)
      --fresh-volume      with startup: leave out botssys, botssys/data and
                          usersys, which Bots creates on its first start (an
                          init container before any Bots process on a fresh
                          volume): the database, Bots' tables and bots.ini
      --wait SECONDS      with ready or startup: check every second until it
                          passes (exit 0) or SECONDS are up (exit 1); one line
                          each time the result changes (init containers)
      --url URL           probe an HTTP endpoint instead: exit 0 on 2xx/3xx,
                          1 on another status, 2 when no answer came in time;
                          an https:// certificate is not verified, as the
                          kubelet does not (--strict-tls verifies it)
      --docker            exit 1 instead of 2 (Docker reserves 2 in a HEALTHCHECK):
                          0 healthy, 1 anything else
      --json              print the report as JSON (the HTTP route's body)
  -q, --quiet             print nothing; only the exit code tells
  -h, --help              this help
  -v, --version           the version

Checks that watch a Bots process of this pod (also for serve):
      --process NAME      live: a process that runs NAME (its executable, or
                          an interpreter's script or -m module) is there, and
                          is no zombie and not stopped (/proc;
                          shareProcessNamespace: true)
      --jobqueue          live and ready: the jobqueueserver answers XML-RPC on
                          127.0.0.1:[jobqueue] port of bots.ini (28082)
      --jobqueue-stall DUR  serve only: liveness also fails when a job has waited
                          longer than DUR (default [settings] maxruntime): the
                          launcher is stuck (an exec probe cannot see this: it
                          remembers no earlier call)
      --webserver         ready: the webserver answers HTTP below 500 on
                          127.0.0.1:[webserver] port of bots.ini (8080)
      --writable          ready and startup: botssys/data can be written
      --disk              ready: botssys has free space, 5% or 500 MiB,
                          whichever is less (--min-free sets it: 10%, 2GiB),
                          and free inodes (the share given, else 5%)
      --engine-lock       ready: warns (exit 0) when Bots' engine lock is older
                          than [settings] maxruntime of bots.ini (60 min): a
                          run killed before it removed it
      --engine-runs DUR   ready: warns when Bots' newest engine run (table
                          report) is older than DUR (15m, 1h), or had errors
      --stuck-transactions DUR  ready: warns when transactions (table ta) were
                          left OPEN or OK for longer than DUR (2h), among the
                          newest 100000
      --dirmonitor        ready: each [dirmonitorN] path of bots.ini can be read
                          and [jobqueue] enabled is true; warns when a path is
                          on a network file system, or when files matching its
                          filemask waited longer than --dirmonitor-stale (10m)

live never touches the database, the disk or bots.ini, unless --jobqueue needs
the port from bots.ini.

serve    runs the probes as an HTTP server (a sidecar in a Bots pod): /health/ping,
         live, ready, startup on --port (9000) and --host (0.0.0.0); JSON log
         lines; SIGTERM or SIGINT: readiness 503 at once, exit 0 after
         --drain-delay MS (default 5000)
probes   prints Kubernetes startupProbe, readinessProbe and livenessProbe YAML,
         timeoutSeconds derived from --timeout: httpGet on --port (8080) under
         --prefix (/health), or with --exec the CLI itself
alerts   prints a PrometheusRule (monitoring.coreos.com/v1) over the metrics of
         serve and the plugin, for the checks given: readiness or liveness
         failing for --for (5m), and per check a stale engine lock (maxruntime of
         bots.ini), engine runs missing or failing, a stalled job queue, low disk
         or inodes, a blind dirmonitor, stuck transactions
wait-engine-idle  a preStop hook for the engine's pod: exits 0 as soon as no
         engine run holds Bots' lock (table mutex), 1 when --timeout SECONDS pass
         first (a run killed by the SIGTERM after preStop leaves its lock behind)
lint     reports unsafe probes in a manifest (multi-document YAML): liveness
         that checks dependencies, deadlines not below timeoutSeconds, a startup
         budget below --min-startup (150 s), readiness too slow for a drain;
         exit 1 when it finds an error`

export class UsageError extends Error {}

export type Mode = 'check' | 'url' | 'probes' | 'lint' | 'serve' | 'wait-engine-idle' | 'alerts'

export interface WorkerFlags {
  process?: string
  jobqueue: boolean
  webserver: boolean
  writable: boolean
  disk: boolean
  minFree?: string
  engineLock: boolean
  engineRuns?: string
  stuckTransactions?: string
  jobqueueStall?: string
  dirmonitor: boolean
  dirmonitorStale?: string
}

export interface Args extends WorkerFlags {
  mode: Mode
  check: 'live' | 'ready' | 'startup'
  configDir: string
  configDirGiven: boolean
  databaseUrl?: string
  url?: string
  file?: string
  timeoutMs?: number
  waitSeconds?: number
  /** --check startup without the directories Bots creates (an init container on a fresh volume). */
  freshVolume: boolean
  /** `alerts`: how long a check fails before it alerts, seconds. */
  alertForSeconds: number
  /** `serve`'s or `probes`' port: given, else that command's default. */
  port: number
  host: string
  prefix: string
  drainDelayMs: number
  exec: boolean
  strictTls: boolean
  minStartupSeconds: number
  json: boolean
  quiet: boolean
  help: boolean
  version: boolean
}

function wholeNumber (flag: string, value: string | undefined, min: number, max = MAX_TIMER_MS): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`)
  if (n > max) throw new UsageError(`${flag} must be at most ${max}, got ${value}`)
  return n
}

const COMMANDS = new Set(['probes', 'lint', 'serve', 'wait-engine-idle', 'alerts'])

export function parse (argv: string[], env: NodeJS.ProcessEnv): Args {
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
        wait: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        prefix: { type: 'string' },
        'drain-delay': { type: 'string' },
        exec: { type: 'boolean' },
        'strict-tls': { type: 'boolean' },
        'min-startup': { type: 'string' },
        process: { type: 'string' },
        jobqueue: { type: 'boolean' },
        webserver: { type: 'boolean' },
        writable: { type: 'boolean' },
        'fresh-volume': { type: 'boolean' },
        disk: { type: 'boolean' },
        'min-free': { type: 'string' },
        'engine-lock': { type: 'boolean' },
        'engine-runs': { type: 'string' },
        'stuck-transactions': { type: 'string' },
        'jobqueue-stall': { type: 'string' },
        dirmonitor: { type: 'boolean' },
        'dirmonitor-stale': { type: 'string' },
        for: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        docker: { type: 'boolean' },
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
  let mode: Mode = 'check'
  if (command !== undefined && COMMANDS.has(command)) mode = command as Mode
  else if (command !== undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}: use serve, probes, lint, or no command to run a check`)
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
  if (values.check !== undefined && mode === 'serve') throw new UsageError('serve answers every probe: --check does not go with it')
  let waitSeconds = wholeNumber('--wait', values.wait, 0, 86_400)
  if (waitSeconds !== undefined && (mode !== 'check' || check === 'live')) throw new UsageError('--wait goes with --check ready or --check startup')
  // wait-engine-idle's --timeout is its whole wait, in seconds (a preStop hook's budget).
  const idle = mode === 'wait-engine-idle'
  if (idle) {
    if (values.timeout === undefined) throw new UsageError('wait-engine-idle needs --timeout SECONDS: how long the preStop hook may wait (below terminationGracePeriodSeconds)')
    if (values.check !== undefined) throw new UsageError('wait-engine-idle reads the engine lock: --check does not go with it')
    waitSeconds = wholeNumber('--timeout', values.timeout, 1, 86_400)
  }
  const timeoutMs = idle ? undefined : wholeNumber('--timeout', values.timeout, 1)
  const port = wholeNumber('--port', values.port, 1, 65535)
  const prefix = flagRule(() => routePrefix('--prefix', values.prefix ?? PLUGIN_DEFAULTS.prefix))
  if (values['config-dir'] === '') throw new UsageError('--config-dir must not be empty')
  if (values.process === '') throw new UsageError('--process must name the process to look for, e.g. --process bots-jobqueueserver')
  if (values.host === '') throw new UsageError('--host must not be empty')
  if (values['min-free'] !== undefined && parseFreeSpace(values['min-free']) === undefined) {
    throw new UsageError(`--min-free must be a share or a size, e.g. 5% or 500MiB, got ${JSON.stringify(values['min-free'])}`)
  }
  if (values['fresh-volume'] === true && (mode !== 'check' || check !== 'startup')) {
    throw new UsageError('--fresh-volume goes with --check startup (an init container before the first Bots process)')
  }
  if (values.for !== undefined && mode !== 'alerts') throw new UsageError('--for goes with alerts')
  if (values['jobqueue-stall'] !== undefined && mode !== 'serve' && mode !== 'alerts') {
    throw new UsageError('--jobqueue-stall goes with serve: a stall is seen by comparing one call with the ones before, and an exec probe remembers none')
  }
  const configDir = configDirFrom(values['config-dir'], env) ?? BOTS_DEFAULTS.cliConfigDir
  return {
    mode,
    check,
    configDir: resolve(configDir),
    configDirGiven: values['config-dir'] !== undefined,
    ...(values['database-url'] !== undefined ? { databaseUrl: values['database-url'] } : {}),
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(rest[0] !== undefined ? { file: rest[0] } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(waitSeconds !== undefined ? { waitSeconds } : {}),
    port: port ?? (mode === 'serve' ? CLI_DEFAULTS.servePort : CLI_DEFAULTS.probesPort),
    host: values.host ?? CLI_DEFAULTS.host,
    prefix,
    drainDelayMs: wholeNumber('--drain-delay', values['drain-delay'], 0) ?? CLI_DEFAULTS.drainDelayMs,
    exec: values.exec === true,
    strictTls: values['strict-tls'] === true,
    minStartupSeconds: wholeNumber('--min-startup', values['min-startup'], 0) ?? CLI_DEFAULTS.minStartupSeconds,
    ...(values.process !== undefined ? { process: values.process } : {}),
    jobqueue: values.jobqueue === true || values['jobqueue-stall'] !== undefined,
    webserver: values.webserver === true,
    writable: values.writable === true,
    freshVolume: values['fresh-volume'] === true,
    alertForSeconds: values.for === undefined ? CLI_DEFAULTS.alertForSeconds : Math.round(flagRule(() => duration('--for', values.for)) / 1000),
    disk: values.disk === true || values['min-free'] !== undefined,
    ...(values['min-free'] !== undefined ? { minFree: values['min-free'] } : {}),
    engineLock: values['engine-lock'] === true,
    ...durationFlag('engine-runs', 'engineRuns', values['engine-runs']),
    ...durationFlag('stuck-transactions', 'stuckTransactions', values['stuck-transactions']),
    ...durationFlag('jobqueue-stall', 'jobqueueStall', values['jobqueue-stall']),
    dirmonitor: values.dirmonitor === true || values['dirmonitor-stale'] !== undefined,
    ...durationFlag('dirmonitor-stale', 'dirmonitorStale', values['dirmonitor-stale']),
    json: values.json === true,
    quiet: values.quiet === true,
    help: values.help === true,
    version: values.version === true
  }
}

/** A duration flag, checked by the library's rule and kept as given (exec probes pass it on). */
function durationFlag<K extends keyof WorkerFlags> (flag: string, key: K, value: string | undefined): Partial<Record<K, string>> {
  if (value === undefined) return {}
  flagRule(() => duration(`--${flag}`, value))
  return { [key]: value } as Partial<Record<K, string>>
}

/** A rule of the library's, applied to a flag: its HealthOptionsError becomes a usage error. */
function flagRule<T> (apply: () => T): T {
  try {
    return apply()
  } catch (err) {
    if (err instanceof HealthOptionsError) throw new UsageError(`${err.option} ${err.problem}`)
    throw err
  }
}
