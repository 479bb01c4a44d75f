import { stringify } from 'yaml'
import { maxRuntimeMinutes } from '../bots/engine-lock.js'
import { loadBotsEnvironment } from '../bots/environment.js'
import { BOTS_DEFAULTS } from '../bots/options.js'
import { prometheusRule } from '../k8s/alerts.js'
import { duration } from '../validate.js'
import { EXIT_HEALTHY } from '../writers/text.js'
import type { Args } from './args.js'
import type { CliIo } from './io.js'

const seconds = (flag: string, value: string | undefined): number | undefined => value === undefined ? undefined : Math.round(duration(flag, value) / 1000)

/** `alerts`: a PrometheusRule for the checks given, over the metrics serve and the plugin export. */
export function alertsCommand (args: Args, io: CliIo): number {
  // maxruntime from bots.ini when a config dir is given (or found), else Bots' default.
  const maxRuntime = args.configDirGiven ? maxRuntimeMinutes(loadBotsEnvironment(args.configDir)) : BOTS_DEFAULTS.maxRuntimeMinutes
  const rule = prometheusRule({
    name: 'bots-health',
    forSeconds: args.alertForSeconds,
    maxRuntimeMinutes: maxRuntime,
    engineLock: args.engineLock,
    engineRunsSeconds: seconds('--engine-runs', args.engineRuns),
    jobqueue: args.jobqueue,
    jobqueueStallSeconds: seconds('--jobqueue-stall', args.jobqueueStall),
    disk: args.disk,
    dirmonitor: args.dirmonitor,
    dirmonitorStaleSeconds: seconds('--dirmonitor-stale', args.dirmonitorStale),
    stuckTransactionsSeconds: seconds('--stuck-transactions', args.stuckTransactions)
  })
  io.out(`# Prometheus alert rules over bots-healthcheck serve's /metrics (and the plugin's metrics option).\n# maxruntime: ${maxRuntime} min${args.configDirGiven ? ' (bots.ini)' : ' (Bots\' default; --config-dir reads bots.ini)'}. kubectl apply -f this (the Prometheus Operator).\n` + stringify(rule, { lineWidth: 0 }))
  return EXIT_HEALTHY
}
