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
  /** The YAML document, counted from 1. */
  document: number
  /** The line of the file the finding points at (the probe, else the container), counted from 1. */
  line: number
  workload: string
  container?: string
  probe?: string
  message: string
}

interface Probe {
  httpGet?: { path?: string, port?: number | string }
  exec?: { command?: unknown[] }
  initialDelaySeconds?: number
  periodSeconds?: number
  timeoutSeconds?: number
  failureThreshold?: number
}
interface Container {
  name?: string
  command?: unknown[]
  args?: unknown[]
  ports?: { name?: string, containerPort?: number }[]
  restartPolicy?: string
  lifecycle?: { preStop?: { exec?: { command?: unknown[] } } }
  livenessProbe?: Probe
  readinessProbe?: Probe
  startupProbe?: Probe
}
interface PodSpec { containers?: Container[], initContainers?: Container[], terminationGracePeriodSeconds?: number }

/** Kubernetes' defaults for a probe's fields. */
const period = (p: Probe): number => p.periodSeconds ?? 10
const threshold = (p: Probe): number => p.failureThreshold ?? 3
const timeout = (p: Probe): number => p.timeoutSeconds ?? 1

export class ManifestError extends Error {
  override name = 'ManifestError'
}

/** Where a workload keeps its pod spec. */
function podPathOf (kind: unknown): string[] | undefined {
  switch (kind) {
    case 'Pod': return ['spec']
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': return ['spec', 'template', 'spec']
    case 'CronJob': return ['spec', 'jobTemplate', 'spec', 'template', 'spec']
    default: return undefined
  }
}

function dig (o: unknown, path: readonly (string | number)[]): unknown {
  let v = o
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined
  return v
}

/** The value of `--flag V` or `--flag=V` in a command line. */
function flagOf (cmd: readonly string[], flag: string): string | undefined {
  const i = cmd.indexOf(flag)
  return i >= 0 ? cmd[i + 1] : cmd.find((a) => a.startsWith(flag + '='))?.slice(flag.length + 1)
}

/** The `--timeout` and the arguments of a `bots-healthcheck serve` sidecar listening on `port`, if the pod has one. */
function sidecarDeadline (pod: PodSpec, port: number | string | undefined): { found: boolean, deadlineMs?: number, args?: string[] } {
  const all = [...(pod.containers ?? []), ...(pod.initContainers ?? [])]
  const owner = all.find((c) => (c.ports ?? []).some((p) => p.containerPort === port || (p.name !== undefined && p.name === port)))
  if (owner === undefined) return { found: typeof port === 'number' }
  const cmd = [...(owner.command ?? []), ...(owner.args ?? [])].map(String)
  if (!cmd.includes('serve')) return { found: true }
  const t = flagOf(cmd, '--timeout')
  return { found: true, args: cmd, ...(t !== undefined && /^\d+$/.test(t) ? { deadlineMs: Number(t) } : {}) }
}

/** The Bots process a container runs (`bots-webserver`, … by console script or `-m bots.…`), if any. */
function botsProcess (c: Container): string | undefined {
  const cmd = [...(c.command ?? []), ...(c.args ?? [])].map(String)
  // The program: the first word, or a Python interpreter's `-m` module or script.
  let program = cmd[0] ?? ''
  if (/(^|\/)python[\d.]*$/.test(program)) {
    const m = cmd.indexOf('-m')
    program = m >= 0 ? `-m ${cmd[m + 1] ?? ''}` : cmd.slice(1).find((a) => !a.startsWith('-')) ?? ''
  }
  const found = /^-m bots\.(webserver|jobqueueserver|dirmonitor|engine)$/.exec(program) ?? /(?:^|\/)bots-(webserver|jobqueueserver|dirmonitor|engine)(?:\.py)?$/.exec(program)
  return found === null ? undefined : `bots-${found[1] as string}`
}

/** Bots' engine: its console script (`bots-engine`, by any path) or `python -m bots.engine`. */
function runsEngine (c: Container): boolean {
  return botsProcess(c) === 'bots-engine'
}

/**
 * An engine container's preStop hook: missing (a warning: a SIGTERM mid-run leaves Bots' lock),
 * or one that waits as long as the grace period or longer (an error: the kubelet kills the
 * engine before the hook gives up).
 */
function lintEngineHook (c: Container, grace: number): { level: Finding['level'], message: string } | undefined {
  const hook = (c.lifecycle?.preStop?.exec?.command ?? []).map(String)
  if (!hook.includes('wait-engine-idle')) {
    return { level: 'warning', message: `the engine has no preStop hook that waits for its run: a SIGTERM (an eviction, a rollout, a node drain) skips Bots' atexit handler and leaves its engine lock behind. Add lifecycle.preStop.exec: bots-healthcheck wait-engine-idle --timeout N, N below terminationGracePeriodSeconds (${grace} s)` }
  }
  const t = flagOf(hook, '--timeout')
  if (t !== undefined && /^\d+$/.test(t) && Number(t) >= grace) {
    return { level: 'error', message: `the preStop hook waits up to ${t} s, not less than terminationGracePeriodSeconds (${grace} s): the engine is killed before the hook gives up. Lower --timeout or raise the grace period` }
  }
  return undefined
}

/** What a probe asks: `live`, `ready`, `startup`, or undefined when it is not recognisably ours. */
function target (p: Probe): { check?: string, deadlineMs?: number, exec: boolean, args?: string[] } {
  if (p.httpGet !== undefined) {
    const path = p.httpGet.path ?? '/'
    const m = /\/(live|livez|ready|readyz|startup|startupz)(\/|$|\?)/.exec(path)
    return { check: m?.[1]?.replace(/z$/, ''), exec: false }
  }
  const raw = (p.exec?.command ?? []).map(String)
  // A shell's script (`[sh, -c, "bots-healthcheck --check ready"]`) is read as its words.
  const cmd = /(^|\/)(ba|da)?sh$/.test(raw[0] ?? '') && raw[1] === '-c' ? raw.slice(2).join(' ').split(/\s+/).filter(Boolean) : raw
  const at = (flag: string): string | undefined => flagOf(cmd, flag)
  const url = at('--url')
  const check = url !== undefined ? /\/(live|ready|startup)(\/|$|\?)/.exec(url)?.[1] : at('--check') ?? (cmd.some((a) => /bots-healthcheck/.test(a)) ? 'live' : undefined)
  const t = at('--timeout')
  return { check, deadlineMs: t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined, exec: true, args: cmd }
}

/** Liveness that runs a check (`--process`, `--jobqueue`): only then does its deadline count. */
const LIVE_CHECK_FLAGS = ['--process', '--jobqueue', '--jobqueue-stall']

export function lintManifests (text: string, o: LintOptions): Finding[] {
  const docs = parseAllDocuments(text)
  const findings: Finding[] = []
  // Line starts, to turn a node's offset into the line a reader looks at.
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1)
  const lineOf = (offset: number): number => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }
  let workloads = 0
  docs.forEach((d, i) => {
    const document = i + 1
    if (d.errors.length > 0) {
      const e = d.errors[0]
      throw new ManifestError(`line ${e?.linePos?.[0]?.line ?? '?'} (document ${document}): ${e?.message.split('\n')[0] ?? 'invalid YAML'}`)
    }
    const doc = d.toJS() as Record<string, unknown> | null
    if (doc === null || typeof doc !== 'object') return
    const podPath = podPathOf(doc.kind)
    const pod = podPath === undefined ? undefined : dig(doc, podPath) as PodSpec | undefined
    if (podPath === undefined || pod === undefined || pod === null) return
    workloads++
    // The line of the key that holds `path` (`livenessProbe:`), else of the nearest node above it.
    const lineAt = (path: (string | number)[]): number => {
      for (let n = path.length; n > 0; n--) {
        const parent = (n > 1 ? d.getIn(path.slice(0, n - 1), true) : d.contents) as { items?: { key?: { value?: unknown, range?: [number, number, number] } }[] } | undefined
        const key = parent?.items?.find((pair) => pair.key?.value === path[n - 1])?.key
        if (key?.range !== undefined) return lineOf(key.range[0])
        const node = d.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined
        if (node?.range !== undefined) return lineOf(node.range[0])
      }
      return lineOf(d.contents?.range?.[0] ?? 0)
    }
    const workload = `${String(doc.kind)}/${String((doc.metadata as { name?: string } | undefined)?.name ?? '?')}`
    const grace = pod.terminationGracePeriodSeconds ?? 30
    // Native sidecars (init containers that keep running) are probed like containers.
    const containers: [Container, (string | number)[]][] = [
      ...(pod.containers ?? []).map((c, k): [Container, (string | number)[]] => [c, [...podPath, 'containers', k]]),
      ...(pod.initContainers ?? []).flatMap((c, k): [Container, (string | number)[]][] => c.restartPolicy === 'Always' ? [[c, [...podPath, 'initContainers', k]]] : [])
    ]
    for (const [c, path] of containers) {
      const at = { document, workload, container: c.name ?? '?' }
      const push = (level: Finding['level'], probe: string | undefined, message: string): void => {
        findings.push({ level, ...at, line: lineAt(probe !== undefined ? [...path, probe] : path), ...(probe !== undefined ? { probe } : {}), message })
      }
      const error = (probe: string | undefined, message: string) => push('error', probe, message)
      const warn = (probe: string | undefined, message: string) => push('warning', probe, message)
      const probes: [string, Probe | undefined][] = [['livenessProbe', c.livenessProbe], ['readinessProbe', c.readinessProbe], ['startupProbe', c.startupProbe]]
      for (const [name, p] of probes) {
        if (p === undefined) continue
        const tg = target(p)
        const bots = botsProcess(c)
        if (tg.check === undefined) {
          // Bots' webserver answers any path with its catch-all page, a 200 whatever its state.
          if (bots !== undefined && p.httpGet !== undefined) warn(name, `the probe's path ${JSON.stringify(p.httpGet.path ?? '/')} is none of this package's routes (…/live, …/ready, …/startup): on a Bots container it tells nothing (the webserver answers any path with a 200 page)`)
          continue
        }
        let deadline = tg.deadlineMs ?? o.timeoutMs
        if (p.httpGet !== undefined) {
          const side = sidecarDeadline(pod, p.httpGet.port)
          // Liveness restarts this container: it must not fail for another one's sake.
          if (name === 'livenessProbe' && bots !== undefined && bots !== 'bots-jobqueueserver' && side.args?.includes('--jobqueue') === true) {
            warn(name, `the liveness of ${bots} goes to a sidecar that checks the jobqueueserver (--jobqueue): a jobqueue outage restarts this healthy container. Give its sidecar the checks of ${bots} alone (--process ${bots})`)
          }
          if (!side.found) error(name, `the probe targets port ${JSON.stringify(p.httpGet.port)}, which no container of the pod names: the kubelet cannot resolve it`)
          if (side.deadlineMs !== undefined) deadline = side.deadlineMs
          if (tg.check === 'live' && !LIVE_CHECK_FLAGS.some((f) => side.args?.includes(f) === true)) deadline = 0
        } else if (tg.check === 'live' && !LIVE_CHECK_FLAGS.some((f) => tg.args?.includes(f) === true)) {
          deadline = 0
        }
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
      } else if (c.livenessProbe !== undefined && target(c.livenessProbe).check !== undefined) {
        const lp = c.livenessProbe
        const budget = (lp.initialDelaySeconds ?? 0) + threshold(lp) * period(lp)
        if (budget < o.minStartupSeconds) error(undefined, `no startupProbe, and liveness restarts a pod that has not answered after ${budget} s, below the ${o.minStartupSeconds} s a start may take: add a startupProbe on /health/startup`)
      }
      if (runsEngine(c)) {
        const hook = lintEngineHook(c, grace)
        if (hook !== undefined) findings.push({ level: hook.level, ...at, line: lineAt(c.lifecycle !== undefined ? [...path, 'lifecycle'] : path), message: hook.message })
      }
      const ready = c.readinessProbe
      if (ready !== undefined && target(ready).check !== undefined) {
        const toFail = threshold(ready) * period(ready)
        if (toFail >= grace) error('readinessProbe', `readiness takes ${toFail} s (failureThreshold × periodSeconds) to turn a draining pod unready, not less than terminationGracePeriodSeconds (${grace} s): it is killed while still in the endpoints`)
      }
    }
  })
  if (workloads === 0) findings.push({ level: 'warning', document: 0, line: 1, workload: '-', message: 'no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob found' })
  return findings
}
