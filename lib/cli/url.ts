import { describeError, isAbort } from '../describe-error.js'
import { redact, safeUrl } from '../redact.js'
import { EXIT_ERROR, EXIT_HEALTHY, EXIT_UNHEALTHY, type Report, render } from '../writers/text.js'
import { type Args, CLI_DEFAULTS } from './args.js'
import type { CliIo } from './io.js'
import { monotonicMs } from '../monotonic.js'

export interface UrlProbeResult {
  check: 'url'
  url: string
  /** `ok` on 2xx/3xx (as the kubelet counts success), `unhealthy` on another status, `error` when no answer came. */
  status: 'ok' | 'unhealthy' | 'error'
  statusCode?: number
  durationMs: number
  /** The body when it is JSON (this package's routes answer with their report). */
  report?: unknown
  error?: string
}

/**
 * One GET with a hard timeout: the request is aborted at `timeoutMs`, connect included, so a
 * Docker HEALTHCHECK or an exec probe never hangs. Redirects are not followed; an https://
 * certificate is not verified unless asked, as the kubelet does not.
 */
export async function probeUrl (url: string, timeoutMs: number, options: { strictTls?: boolean } = {}): Promise<UrlProbeResult> {
  const started = monotonicMs()
  const shown = safeUrl(url)
  const done = (r: Omit<UrlProbeResult, 'check' | 'url' | 'durationMs'>): UrlProbeResult => ({ check: 'url', url: shown, ...r, durationMs: Math.round(monotonicMs() - started) })
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return done({ status: 'error', error: `not a URL: ${shown}` })
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return done({ status: 'error', error: `--url must be http:// or https://, got ${u.protocol}` })
  const { httpOnce } = await import('../http-request.js')
  try {
    const answer = await httpOnce(u, { signal: AbortSignal.timeout(timeoutMs), verifyTls: options.strictTls === true, headers: { accept: 'application/json', 'user-agent': 'bots-healthcheck' } })
    const code = answer.statusCode
    let report: unknown
    if (/json/.test(String(answer.headers['content-type']))) {
      try { report = JSON.parse(answer.body) } catch {}
    }
    return done({ status: code >= 200 && code < 400 ? 'ok' : 'unhealthy', statusCode: code, ...(report !== undefined ? { report } : {}) })
  } catch (err) {
    return done({ status: 'error', error: isAbort(err) ? `no answer within ${timeoutMs} ms` : describeError(err) })
  }
}

/** `--url`: one GET with a hard timeout, counted as the kubelet counts it. */
export async function urlCommand (args: Args, io: CliIo, secrets: readonly string[]): Promise<number> {
  const r = await probeUrl(args.url ?? '', args.timeoutMs ?? CLI_DEFAULTS.urlTimeoutMs, { strictTls: args.strictTls })
  // The answer is somebody else's: whatever secret it echoes stays here.
  const out = (text: string): void => io.out(redact(text, secrets))
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
