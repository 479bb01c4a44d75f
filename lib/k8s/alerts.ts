// Prometheus alert rules over the metrics the probes export, made from the same options as the
// probes: one rule per thing that can go wrong, each saying what to do about it.

export interface AlertOptions {
  /** How long readiness (or another failing check) must fail before it alerts, seconds. */
  readonly forSeconds: number
  /** `[settings] maxruntime` of bots.ini, minutes: a lock older than it is stale. */
  readonly maxRuntimeMinutes: number
  readonly engineLock: boolean
  /** How often engine runs are expected, seconds; undefined when not checked. */
  readonly engineRunsSeconds: number | undefined
  readonly jobqueue: boolean
  /** How long a job may wait, seconds (default maxruntime). */
  readonly jobqueueStallSeconds: number | undefined
  readonly disk: boolean
  readonly dirmonitor: boolean
  readonly dirmonitorStaleSeconds: number | undefined
  readonly stuckTransactionsSeconds: number | undefined
  /** The PrometheusRule's name. */
  readonly name: string
}

export interface AlertRule {
  alert: string
  expr: string
  for?: string
  labels: { severity: 'critical' | 'warning' }
  annotations: { summary: string, description: string }
}

/** A duration as Prometheus writes one (`5m`, `90s`, `1h`). */
export function promDuration (seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s === 0) return '0s'
  if (s % 3600 === 0) return `${s / 3600}h`
  if (s % 60 === 0) return `${s / 60}m`
  return `${s}s`
}

/** The rules, in the order an operator reads them: the probes, then Bots' own state. */
export function alertRules (o: AlertOptions): AlertRule[] {
  const forText = promDuration(o.forSeconds)
  const rules: AlertRule[] = [{
    alert: 'BotsHealthCheckFailing',
    expr: 'kubernetes_healthcheck{type="readyz"} == 0',
    for: forText,
    labels: { severity: 'critical' },
    annotations: {
      summary: `Bots readiness check {{ $labels.name }} has failed for ${forText} on {{ $labels.pod }}`,
      description: 'The pod is out of its Service\'s endpoints while it fails. Ask it why: curl its /health/ready?verbose (or run bots-healthcheck --check ready in it); the reason names the database, the directory or the Bots process at fault.'
    }
  }, {
    alert: 'BotsHealthCheckDown',
    expr: 'kubernetes_healthcheck{type="livez"} == 0',
    for: forText,
    labels: { severity: 'critical' },
    annotations: {
      summary: `Bots liveness check {{ $labels.name }} has failed for ${forText} on {{ $labels.pod }}`,
      description: 'The kubelet restarts the Bots container on a failing liveness: if this lasts, the restart does not cure it. Read the container\'s logs and its /health/live?verbose.'
    }
  }]
  if (o.engineLock) {
    const limit = o.maxRuntimeMinutes * 60
    rules.push({
      alert: 'BotsEngineLockStale',
      expr: `bots_engine_lock_age_seconds > ${limit}`,
      labels: { severity: 'warning' },
      annotations: {
        summary: `Bots' engine lock is {{ $value | humanizeDuration }} old, longer than maxruntime (${o.maxRuntimeMinutes} min)`,
        description: 'An engine run ended without removing its lock (killed by SIGTERM: an eviction, a rollout, a node drain). The next run mails "Database is locked" and runs a crash recovery. With no engine run in progress, remove it: DELETE FROM mutex WHERE mutexk = 1. Give the engine a preStop hook that waits for its run (bots-healthcheck wait-engine-idle).'
      }
    })
  }
  if (o.engineRunsSeconds !== undefined) {
    rules.push({
      alert: 'BotsEngineRunsMissing',
      expr: `bots_engine_last_run_age_seconds > ${o.engineRunsSeconds}`,
      labels: { severity: 'warning' },
      annotations: {
        summary: `No Bots engine run for {{ $value | humanizeDuration }}, expected every ${promDuration(o.engineRunsSeconds)}`,
        description: 'Look at the engine\'s CronJob: suspended, a Forbid policy behind a hung run (kubectl get jobs), or an engine that crashed while its entrypoint exited 0.'
      }
    }, {
      alert: 'BotsEngineRunErrors',
      expr: 'bots_engine_last_run_errors > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: "Bots' last engine run had {{ $value }} errors",
        description: "Open Bots' reports (the webserver's incoming/outgoing views) for the run's errors: EDI that did not translate, a channel that did not connect."
      }
    })
  }
  if (o.jobqueue) {
    const stall = o.jobqueueStallSeconds ?? o.maxRuntimeMinutes * 60
    rules.push({
      alert: 'BotsJobqueueStalled',
      expr: `bots_jobqueue_oldest_job_age_seconds > ${stall}`,
      labels: { severity: 'critical' },
      annotations: {
        summary: `A job has waited {{ $value | humanizeDuration }} in Bots' job queue, longer than ${promDuration(stall)}`,
        description: 'The jobqueueserver answers but its launcher takes no job: a hung engine run (killjobsintimeout is off by default) or a launcher that stopped after 10 errors. Liveness restarts the jobqueueserver (its queue is lost: the jobs come again from the dirmonitor and the schedule); set [jobqueue] killjobsintimeout = True to end hung runs.'
      }
    })
  }
  if (o.disk) {
    rules.push({
      alert: 'BotsDiskLow',
      expr: 'kubernetes_healthcheck{name="disk"} == 0',
      for: forText,
      labels: { severity: 'critical' },
      annotations: {
        summary: 'botssys on {{ $labels.pod }} is short of space or inodes',
        description: 'Bots writes one file per EDI message into botssys/data: free space or inodes ran below the threshold (bots_disk_free_bytes, bots_disk_free_inodes). Clean up old data (bots-engine --cleanup, [settings] maxdays) or grow the volume.'
      }
    })
  }
  if (o.dirmonitor) {
    rules.push({
      alert: 'BotsDirmonitorBlind',
      expr: 'kubernetes_healthcheck{name="dirmonitor"} == 0',
      for: forText,
      labels: { severity: 'critical' },
      annotations: {
        summary: "Bots' dirmonitor on {{ $labels.pod }} cannot do its work",
        description: 'A [dirmonitorN] path of bots.ini is missing or unreadable, or [jobqueue] enabled is not true (the dirmonitor refuses to start): files put there are never picked up. Read /health/ready/dirmonitor?verbose for which.'
      }
    }, {
      alert: 'BotsDirmonitorFilesWaiting',
      expr: 'bots_dirmonitor_waiting_files > 0',
      for: forText,
      labels: { severity: 'warning' },
      annotations: {
        summary: `{{ $value }} files have waited longer than ${promDuration(o.dirmonitorStaleSeconds ?? 600)} in Bots' watched directories`,
        description: 'The dirmonitor did not see them (inotify misses files that other pods or hosts write on NFS or CIFS) or their route did not take them. Touch them, or run the route; on a network volume, schedule the route instead of relying on the dirmonitor.'
      }
    })
  }
  if (o.stuckTransactionsSeconds !== undefined) {
    rules.push({
      alert: 'BotsTransactionsStuck',
      expr: 'bots_transactions_stuck > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: `{{ $value }} Bots transactions left OPEN or OK for longer than ${promDuration(o.stuckTransactionsSeconds)}`,
        description: 'OPEN after its run is a severe error in that run; OK found later is a file never picked up ("stuck"). Look at them in Bots\' reports and resend or retry.'
      }
    })
  }
  return rules
}

/** The PrometheusRule (the Prometheus Operator's) holding the rules. */
export function prometheusRule (o: AlertOptions): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: o.name },
    spec: { groups: [{ name: o.name, rules: alertRules(o) }] }
  }
}
