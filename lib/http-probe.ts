import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { safeUrl } from './redact.js'

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

const MAX_BODY = 64 * 1024

/**
 * One GET with a hard timeout: the request is aborted at `timeoutMs`, connect included, so a
 * Docker HEALTHCHECK or an exec probe never hangs. Redirects are not followed.
 */
export function probeUrl (url: string, timeoutMs: number, options: { strictTls?: boolean } = {}): Promise<UrlProbeResult> {
  const started = performance.now()
  const shown = safeUrl(url)
  const done = (r: Omit<UrlProbeResult, 'check' | 'url' | 'durationMs'>): UrlProbeResult => ({ check: 'url', url: shown, ...r, durationMs: Math.round(performance.now() - started) })
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return Promise.resolve(done({ status: 'error', error: `not a URL: ${shown}` }))
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.resolve(done({ status: 'error', error: `--url must be http:// or https://, got ${u.protocol}` }))
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve) => {
    // The kubelet does not verify the certificate of an HTTPS probe; neither does this, unless asked.
    const req = request(u, { method: 'GET', agent: false, signal: AbortSignal.timeout(timeoutMs), rejectUnauthorized: options.strictTls === true, headers: { accept: 'application/json', 'user-agent': 'bots-healthcheck' } }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size <= MAX_BODY) chunks.push(c)
      })
      res.on('end', () => {
        const code = res.statusCode ?? 0
        let report: unknown
        if (/json/.test(String(res.headers['content-type']))) {
          try { report = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch {}
        }
        resolve(done({ status: code >= 200 && code < 400 ? 'ok' : 'unhealthy', statusCode: code, ...(report !== undefined ? { report } : {}) }))
      })
      res.on('error', (err) => resolve(done({ status: 'error', statusCode: res.statusCode, error: describe(err, timeoutMs) })))
    })
    req.on('error', (err) => resolve(done({ status: 'error', error: describe(err, timeoutMs) })))
    req.end()
  })
}

function describe (err: Error & { code?: string }, timeoutMs: number): string {
  if (err.name === 'AbortError' || err.name === 'TimeoutError' || err.code === 'ABORT_ERR') return `no answer within ${timeoutMs} ms`
  return err.code !== undefined && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message
}
