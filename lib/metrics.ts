import { Counter, Gauge, Histogram, type OpenMetricsContentType, Registry, type RegistryContentType } from 'prom-client'
import { HealthOptionsError } from './errors.js'
import type { HealthService, ProbeName } from './service.js'
import { SERVICE_DEFAULTS } from './service-options.js'

// The health results as Prometheus metrics, with prom-client (what Node services already use):
// kube-apiserver's own families, a histogram of check durations, and the numbers Bots' checks
// read. A scrape runs no check: the gauges read each check's last result, and the counter and
// histogram count attempts as they settle (an answer from the cache is not an attempt).

/** The probe as kube-apiserver names its endpoint. */
const KUBE_TYPE: Record<ProbeName, string> = { live: 'livez', ready: 'readyz', startup: 'startupz' }

/** The gauges a check's measures feed, with their help, and the check that reads them. */
export const MEASURES: Readonly<Record<string, { readonly check: string, readonly help: string }>> = Object.freeze({
  bots_engine_lock_age_seconds: { check: 'engine_lock', help: "Age of Bots' engine lock (table mutex), 0 when none is held; older than maxruntime is a run that ended without removing it" },
  bots_engine_last_run_age_seconds: { check: 'engine_runs', help: "Age of Bots' newest engine run (table report)" },
  bots_engine_last_run_errors: { check: 'engine_runs', help: "Errors of Bots' newest engine run (lasterror + processerrors)" },
  bots_jobqueue_jobs: { check: 'jobqueue', help: "Jobs waiting in Bots' job queue (listjobs)" },
  bots_jobqueue_oldest_job_age_seconds: { check: 'jobqueue', help: "How long the job waiting longest in Bots' job queue has been seen waiting, 0 when none waits (long-lived probes only)" },
  bots_disk_free_bytes: { check: 'disk', help: 'Bytes a non-root process may still write on the botssys file system' },
  bots_disk_free_inodes: { check: 'disk', help: 'Free inodes on the botssys file system (one file per EDI message)' },
  bots_transactions_stuck: { check: 'transactions', help: "Bots' transactions (table ta) left OPEN or OK longer than the limit, among the newest scanned" },
  bots_dirmonitor_waiting_files: { check: 'dirmonitor', help: "Files matching a watched filemask that waited longer than the limit in Bots' dirmonitor directories" }
})

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8'

export interface HealthMetricsOptions {
  /**
   * A prom-client registry of your own (the one your app serves): the families go there, and
   * nothing of this package serves them. Default: registries of its own, for `/metrics`.
   */
  readonly registry?: Registry<RegistryContentType>
}

export interface HealthMetrics {
  /** The exposition for a request's Accept header: OpenMetrics when asked for, else Prometheus 0.0.4. */
  render (accept: string | undefined): Promise<{ contentType: string, body: string }>
  /** Stops counting attempts and takes the families out of the registries. */
  close (): void
}

/** Duration buckets around the deadline `timeoutMs`, in seconds. */
export function durationBuckets (timeoutMs: number): number[] {
  const t = timeoutMs / 1000
  return [...new Set([t / 100, t / 50, t / 20, t / 10, t / 5, t / 2, t * 0.8, t, t * 2].map((b) => Number(b.toPrecision(3))))]
}

/** True when the Accept header asks for OpenMetrics (and does not refuse it with q=0). */
export function wantsOpenMetrics (accept: string | undefined): boolean {
  if (accept === undefined) return false
  return accept.split(',').some((part) => {
    const [type, ...params] = part.trim().split(';').map((x) => x.trim())
    const q = params.find((p) => p.startsWith('q='))
    return type?.toLowerCase() === 'application/openmetrics-text' && (q === undefined || Number(q.slice(2)) > 0)
  })
}

/** Metrics over a service this package made. */
export function createHealthMetrics (service: HealthService, o: HealthMetricsOptions = {}): HealthMetrics {
  const results = service.results?.bind(service)
  const onAttempt = service.onAttempt?.bind(service)
  if (results === undefined || onAttempt === undefined) {
    throw new HealthOptionsError('metrics', 'need a service made by createHealthService or createBotsHealth (it keeps the last results to read)')
  }
  const own = o.registry === undefined
  const prometheus = (o.registry ?? new Registry()) as Registry
  const openMetrics = own ? new Registry<OpenMetricsContentType>() : undefined
  openMetrics?.setContentType(Registry.OPENMETRICS_CONTENT_TYPE)
  const registers = openMetrics !== undefined ? [prometheus, openMetrics as unknown as Registry] : [prometheus]
  const names = new Set([...service.checks.live, ...service.checks.ready, ...service.checks.startup])

  const healthcheck = new Gauge({
    name: 'kubernetes_healthcheck',
    help: 'This metric records the result of a single healthcheck: 1 when it passed (a warning passes), 0 when it failed',
    labelNames: ['name', 'type'],
    registers,
    collect () {
      this.reset()
      const all = results()
      for (const probe of ['live', 'ready', 'startup'] as const) {
        for (const { name, result } of all[probe]) if (result !== undefined) this.set({ name, type: KUBE_TYPE[probe] }, result.ok ? 1 : 0)
      }
    }
  })
  const attempts = new Counter({
    name: 'kubernetes_healthchecks_total',
    help: 'This metric records the results of all healthcheck runs (not the probe requests answered from the cache)',
    labelNames: ['name', 'type', 'status'],
    registers
  })
  const durations = new Histogram({
    name: 'fastify_bots_health_check_duration_seconds',
    help: 'How long each check run took, up to its deadline',
    labelNames: ['name', 'type'],
    buckets: durationBuckets(service.timeoutMs ?? SERVICE_DEFAULTS.timeoutMs),
    registers
  })
  const gauges = Object.entries(MEASURES).filter(([, m]) => names.has(m.check)).map(([metric, m]) => new Gauge({
    name: metric,
    help: m.help,
    registers,
    collect () {
      this.reset()
      const all = results()
      for (const probe of ['ready', 'live', 'startup'] as const) {
        const value = all[probe].find((r) => r.name === m.check)?.result?.measures?.[metric]
        if (value !== undefined) {
          this.set(value)
          return
        }
      }
    }
  }))
  const families = [healthcheck, attempts, durations, ...gauges]

  const unsubscribe = onAttempt(({ name, probe, result }) => {
    const type = KUBE_TYPE[probe] ?? probe
    attempts.inc({ name, type, status: result.status === 'fail' ? 'error' : result.status === 'warn' ? 'warn' : 'success' })
    durations.observe({ name, type }, result.durationMs / 1000)
  })

  return {
    async render (accept) {
      if (openMetrics !== undefined && wantsOpenMetrics(accept)) return { contentType: OPENMETRICS_CONTENT_TYPE, body: await openMetrics.metrics() }
      return { contentType: PROMETHEUS_CONTENT_TYPE, body: await prometheus.metrics() }
    },
    close () {
      unsubscribe()
      for (const name of families.map((f) => (f as unknown as { name: string }).name)) {
        for (const r of registers) r.removeSingleMetric(name)
      }
    }
  }
}
