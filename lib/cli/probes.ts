import { SERVICE_DEFAULTS } from '../service-options.js'
import { stringify } from 'yaml'
import { probeSpecs } from '../k8s/probes.js'
import { type Args, UsageError } from './args.js'
import { credentialsOf } from '../redact.js'
import type { CliIo } from './io.js'
import { EXIT_HEALTHY } from '../writers/text.js'

/** `probes`: the three Kubernetes probes, with timeoutSeconds derived from the deadline. */
export function probesCommand (args: Args, io: CliIo): number {
  const port = args.port
  const timeoutMs = args.timeoutMs ?? SERVICE_DEFAULTS.timeoutMs
  if (!args.exec && checkFlags(args).length > 0) {
    throw new UsageError(`the check flags (${checkFlags(args).filter((a) => a.startsWith('--')).join(', ')}) go with probes --exec; httpGet probes ask the server, which has its own flags (bots-healthcheck serve …)`)
  }
  const checkArgs = args.exec ? execCheckArgs(args) : []
  const specs = probeSpecs({ timeoutMs, port, prefix: args.prefix, exec: args.exec, checkArgs, ...(args.configDirGiven ? { configDir: args.configDir } : {}) })
  const kind = args.exec ? 'exec probes with the CLI' : `httpGet on port ${port} (the webserver's own port, or a sidecar's: bots-healthcheck serve)`
  io.out(`# Kubernetes probes: ${kind}.\n# timeoutSeconds leaves room beyond the ${timeoutMs} ms check deadline; paste under the container.\n` + stringify(specs))
  return EXIT_HEALTHY
}

/**
 * Every check flag given, passed on to each exec probe as it was given. A database URL with a
 * password is refused: a probe's command line is in the pod spec, for anyone who can read it.
 */
export function execCheckArgs (args: Args): string[] {
  if (args.databaseUrl !== undefined && (credentialsOf(args.databaseUrl)?.password ?? '') !== '') {
    throw new UsageError('--database-url holds a password, and a probe\'s command is in the pod spec for anyone to read: give the container DATABASE_URL from a Secret (or Bots\' DB_* variables) and leave --database-url out')
  }
  return checkFlags(args)
}

/** The check flags given, as the CLI takes them. */
function checkFlags (args: Args): string[] {
  return [
    ...(args.process !== undefined ? ['--process', args.process] : []),
    ...(args.jobqueue ? ['--jobqueue'] : []),
    ...(args.webserver ? ['--webserver'] : []),
    ...(args.writable ? ['--writable'] : []),
    ...(args.disk ? (args.minFree !== undefined ? ['--min-free', args.minFree] : ['--disk']) : []),
    ...(args.engineLock ? ['--engine-lock'] : []),
    ...(args.engineRuns !== undefined ? ['--engine-runs', args.engineRuns] : []),
    ...(args.stuckTransactions !== undefined ? ['--stuck-transactions', args.stuckTransactions] : []),
    ...(args.dirmonitor ? (args.dirmonitorStale !== undefined ? ['--dirmonitor-stale', args.dirmonitorStale] : ['--dirmonitor']) : []),
    ...(args.databaseUrl !== undefined ? ['--database-url', args.databaseUrl] : [])
  ]
}
