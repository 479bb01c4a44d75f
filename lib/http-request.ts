import type { IncomingHttpHeaders } from 'node:http'

// The one HTTP client: a check's request (the webserver, the jobqueueserver, a URL of yours) and
// the CLI's `--url` both go through it. node:http and node:https are loaded on the first request:
// https brings TLS and crypto, 10 ms of an exec probe's start that needs neither.

export interface HttpAnswer {
  statusCode: number
  headers: IncomingHttpHeaders
  body: string
}

export interface HttpRequestOptions {
  method?: string
  body?: string
  headers?: Record<string, string>
  /** Gives the request up, connect included. */
  signal: AbortSignal
  /** Bytes of the body kept; the rest is read and dropped. Default 64 KiB. */
  maxBody?: number
  /** https: verify the certificate. Default false, as the kubelet's probes do not. */
  verifyTls?: boolean
}

/**
 * One request on a fresh connection (no agent, so nothing lingers), given up when `signal`
 * aborts. Redirects are not followed.
 */
export async function httpOnce (url: URL, o: HttpRequestOptions): Promise<HttpAnswer> {
  const maxBody = o.maxBody ?? 64 * 1024
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http')
  return await new Promise((resolve, reject) => {
    const req = request(url, {
      method: o.method ?? 'GET',
      agent: false,
      signal: o.signal,
      ...(url.protocol === 'https:' ? { rejectUnauthorized: o.verifyTls === true } : {}),
      headers: { 'user-agent': 'fastify-bots-health', ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}), ...o.headers }
    }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        if (size < maxBody) chunks.push(c)
        size += c.length
      })
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, maxBody) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(o.body)
  })
}
