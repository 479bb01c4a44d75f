// Kubernetes probe settings derived from the configured deadlines, for a Bots webserver (httpGet)
// or a worker (exec). The periods are the seed deployment's.

export interface ProbeSettings {
  /** The check deadline (timeoutMs) the service runs with. */
  timeoutMs: number
  port: number
  prefix: string
  /** Probe with the CLI (workers) instead of HTTP (the webserver). */
  exec: boolean
  /** For exec probes: the config dir to pass to the CLI. */
  configDir?: string
  /** For exec probes: the check flags (`--process NAME`, `--jobqueue`, …) every probe passes on; the CLI runs each where it belongs. */
  checkArgs?: readonly string[]
}

/** Time the kubelet must leave beyond the deadline: the network, or the CLI's cold start. */
export const HTTP_MARGIN_MS = 500
export const EXEC_MARGIN_MS = 1000

export const PERIODS = {
  startup: { periodSeconds: 5, failureThreshold: 30 },
  readiness: { periodSeconds: 10, failureThreshold: 2 },
  liveness: { periodSeconds: 30, failureThreshold: 3 }
} as const

export function timeoutSecondsFor (timeoutMs: number, exec: boolean): number {
  return Math.max(1, Math.ceil((timeoutMs + (exec ? EXEC_MARGIN_MS : HTTP_MARGIN_MS)) / 1000))
}

export function probeSpecs (s: ProbeSettings): Record<'startupProbe' | 'readinessProbe' | 'livenessProbe', Record<string, unknown>> {
  const timeoutSeconds = timeoutSecondsFor(s.timeoutMs, s.exec)
  const action = (check: 'startup' | 'ready' | 'live'): Record<string, unknown> => s.exec
    ? { exec: { command: ['bots-healthcheck', '--check', check, '--quiet', '--timeout', String(s.timeoutMs), ...(s.configDir !== undefined ? ['--config-dir', s.configDir] : []), ...(s.checkArgs ?? [])] } }
    : { httpGet: { path: `${s.prefix}/${check}`, port: s.port } }
  return {
    startupProbe: { ...action('startup'), ...PERIODS.startup, timeoutSeconds },
    readinessProbe: { ...action('ready'), ...PERIODS.readiness, timeoutSeconds },
    // liveness never depends on the database: `live` checks nothing but the process
    livenessProbe: { ...action('live'), ...PERIODS.liveness, timeoutSeconds }
  }
}
