import { parseAllDocuments } from 'yaml'

// Unsafe probe settings, found in Kubernetes manifests: most probe incidents are configuration.

export interface LintOptions {
  /** The check deadline the service runs with (timeoutMs), unless a probe's command says `--timeout`. */
  timeoutMs: number
  /** The slowest start to allow for, in seconds (the seed's startup probe allows 150 s). */
  minStartupSeconds: number
}

export interface Finding {
  level: 'error' | 'warning'
  document: number
  workload: string
  container?: string
  probe?: string
  message: string
}

interface Probe {
  httpGet?: { path?: string }
  exec?: { command?: unknown[] }
  initialDelaySeconds?: number
  periodSeconds?: number
  timeoutSeconds?: number
  failureThreshold?: number
}
interface Container { name?: string, livenessProbe?: Probe, readinessProbe?: Probe, startupProbe?: Probe }
interface PodSpec { containers?: Container[], terminationGracePeriodSeconds?: number }

/** Kubernetes' defaults for a probe's fields. */
const period = (p: Probe): number => p.periodSeconds ?? 10
const threshold = (p: Probe): number => p.failureThreshold ?? 3
const timeout = (p: Probe): number => p.timeoutSeconds ?? 1

export class ManifestError extends Error {
  override name = 'ManifestError'
}

function podSpecOf (doc: Record<string, unknown>): PodSpec | undefined {
  const spec = doc.spec as Record<string, unknown> | undefined
  switch (doc.kind) {
    case 'Pod': return spec as PodSpec
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      return (spec?.template as { spec?: PodSpec } | undefined)?.spec
    case 'CronJob':
      return ((spec?.jobTemplate as { spec?: { template?: { spec?: PodSpec } } } | undefined)?.spec?.template)?.spec
    default: return undefined
  }
}

/** What a probe asks: `live`, `ready`, `startup`, or undefined when it is not recognisably ours. */
function target (p: Probe): { check?: string, deadlineMs?: number, exec: boolean } {
  if (p.httpGet !== undefined) {
    const path = p.httpGet.path ?? '/'
    const m = /\/(live|livez|ready|readyz|startup|startupz)(\/|$|\?)/.exec(path)
    return { check: m?.[1]?.replace(/z$/, ''), exec: false }
  }
  const cmd = (p.exec?.command ?? []).map(String)
  const at = (flag: string): string | undefined => {
    const i = cmd.indexOf(flag)
    return i >= 0 ? cmd[i + 1] : cmd.find((a) => a.startsWith(flag + '='))?.slice(flag.length + 1)
  }
  const url = at('--url')
  const check = url !== undefined ? /\/(live|ready|startup)(\/|$|\?)/.exec(url)?.[1] : at('--check') ?? (cmd.some((a) => /bots-healthcheck/.test(a)) ? 'live' : undefined)
  const t = at('--timeout')
  return { check, deadlineMs: t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined, exec: true }
}

export function lintManifests (text: string, o: LintOptions): Finding[] {
  const docs = parseAllDocuments(text)
  const findings: Finding[] = []
  let workloads = 0
  docs.forEach((d, i) => {
    const document = i + 1
    if (d.errors.length > 0) throw new ManifestError(`document ${document}: ${d.errors[0]?.message.split('\n')[0] ?? 'invalid YAML'}`)
    const doc = d.toJS() as Record<string, unknown> | null
    if (doc === null || typeof doc !== 'object') return
    const pod = podSpecOf(doc)
    if (pod === undefined) return
    workloads++
    const workload = `${String(doc.kind)}/${String((doc.metadata as { name?: string } | undefined)?.name ?? '?')}`
    const grace = pod.terminationGracePeriodSeconds ?? 30
    for (const c of pod.containers ?? []) {
      const at = { document, workload, container: c.name ?? '?' }
      const error = (probe: string | undefined, message: string) => findings.push({ level: 'error', ...at, ...(probe !== undefined ? { probe } : {}), message })
      const warn = (probe: string | undefined, message: string) => findings.push({ level: 'warning', ...at, ...(probe !== undefined ? { probe } : {}), message })
      const probes: [string, Probe | undefined][] = [['livenessProbe', c.livenessProbe], ['readinessProbe', c.readinessProbe], ['startupProbe', c.startupProbe]]
      for (const [name, p] of probes) {
        if (p === undefined) continue
        const tg = target(p)
        if (tg.check === undefined) continue
        const deadline = tg.deadlineMs ?? o.timeoutMs
        if (name === 'livenessProbe' && tg.check !== 'live') {
          error(name, `liveness runs the ${tg.check} check, which depends on the database: an outage would restart every pod. Point it at /health/live (or --check live)`)
        }
        if (deadline >= timeout(p) * 1000) {
          error(name, `the check deadline (${deadline} ms) is not below timeoutSeconds (${timeout(p)} s): the kubelet gives up before the service can answer 503. Raise timeoutSeconds or lower timeoutMs`)
        } else if (tg.exec && deadline + 1000 > timeout(p) * 1000) {
          warn(name, `an exec probe needs about 1 s beyond the deadline (${deadline} ms) for the CLI to start: timeoutSeconds ${timeout(p)} leaves too little`)
        }
      }
      const startup = c.startupProbe
      if (startup !== undefined) {
        const budget = (startup.initialDelaySeconds ?? 0) + threshold(startup) * period(startup)
        if (budget < o.minStartupSeconds) error('startupProbe', `the startup budget (failureThreshold × periodSeconds = ${budget} s) is below the ${o.minStartupSeconds} s a start may take: slow starts get restarted`)
      } else if (c.livenessProbe !== undefined) {
        const lp = c.livenessProbe
        const budget = (lp.initialDelaySeconds ?? 0) + threshold(lp) * period(lp)
        if (budget < o.minStartupSeconds) error(undefined, `no startupProbe, and liveness restarts a pod that has not answered after ${budget} s, below the ${o.minStartupSeconds} s a start may take: add a startupProbe on /health/startup`)
      }
      const ready = c.readinessProbe
      if (ready !== undefined && target(ready).check !== undefined) {
        const toFail = threshold(ready) * period(ready)
        if (toFail >= grace) error('readinessProbe', `readiness takes ${toFail} s (failureThreshold × periodSeconds) to turn a draining pod unready, not less than terminationGracePeriodSeconds (${grace} s): it is killed while still in the endpoints`)
      }
    }
  })
  if (workloads === 0) findings.push({ level: 'warning', document: 0, workload: '-', message: 'no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob found' })
  return findings
}
