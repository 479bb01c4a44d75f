import { request } from 'node:http'

export interface HttpAnswer {
  statusCode: number
  body: string
}

/**
 * One plain-HTTP request on a fresh connection (no agent, so nothing lingers), given up when
 * `signal` aborts. The body is read up to `maxBody` bytes and the rest dropped.
 */
export function httpOnce (url: URL, o: { method?: string, body?: string, headers?: Record<string, string>, signal: AbortSignal, maxBody?: number }): Promise<HttpAnswer> {
  const maxBody = o.maxBody ?? 64 * 1024
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: o.method ?? 'GET',
      agent: false,
      signal: o.signal,
      headers: { 'user-agent': 'fastify-bots-health', ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}), ...o.headers }
    }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        if (size < maxBody) chunks.push(c)
        size += c.length
      })
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, maxBody) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(o.body)
  })
}

/** The reason a request failed, in words for a report. */
export function describeNetError (err: unknown, what: string): string {
  const e = err as Error & { code?: string }
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') return `${what}: no answer`
  if (e.code === 'ECONNREFUSED') return `${what}: connection refused`
  if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return `${what}: connection reset`
  return `${what}: ${e.code !== undefined && !e.message.includes(e.code) ? `${e.code}: ` : ''}${e.message}`
}
