import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import { describeNetError } from '../describe-error.js'
import { HealthOptionsError } from '../errors.js'
import { httpOnce } from '../http-request.js'
import { safeUrl } from '../redact.js'

/**
 * `<name>` (default `http`): an HTTP GET that answers with a status below `failFrom` (default
 * 500: a 404 or a login redirect still proves the server is serving). Plain http only,
 * redirects not followed.
 */
export function httpCheck (url: string | URL, o: { name?: string, failFrom?: number } = {}): Check {
  const name = o.name ?? 'http'
  let u: URL
  try {
    u = typeof url === 'string' ? new URL(url) : url
  } catch {
    throw new HealthOptionsError('url', `of httpCheck ${name} is not a URL: ${safeUrl(String(url))}`)
  }
  if (u.protocol !== 'http:') throw new HealthOptionsError('url', `of httpCheck ${name}: only http:// URLs are checked, got ${u.protocol}`)
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
