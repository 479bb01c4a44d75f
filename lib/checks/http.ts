import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import { safeUrl } from '../redact.js'
import { describeNetError, httpOnce } from './http-request.js'

/**
 * `<name>`: an HTTP GET that answers with a status below `failFrom` (default 500: a 404 or a
 * login redirect still proves the server is serving). Plain http only, redirects not followed.
 */
export function httpCheck (name: string, url: string | URL, o: { failFrom?: number } = {}): Check {
  const u = typeof url === 'string' ? new URL(url) : url
  if (u.protocol !== 'http:') throw new TypeError(`httpCheck: ${name}: only http:// URLs are checked, got ${u.protocol}`)
  const failFrom = o.failFrom ?? 500
  const what = `${name}: GET ${safeUrl(u.toString())}`
  return {
    name,
    async run (signal) {
      let answer
      try {
        answer = await httpOnce(u, { signal, maxBody: 0 })
      } catch (err) {
        throw new CheckFailure(describeNetError(err, what))
      }
      if (answer.statusCode >= failFrom) throw new CheckFailure(`${what} answered ${answer.statusCode}`)
    }
  }
}

/** `webserver`: Bots' Django webserver answers on `[webserver] port` (default 8080) of this pod. */
export function webserverCheck (o: { port?: number, host?: string } = {}): Check {
  const host = o.host ?? '127.0.0.1'
  return httpCheck('webserver', `http://${host.includes(':') ? `[${host}]` : host}:${o.port ?? 8080}/`)
}
