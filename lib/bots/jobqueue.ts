import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import { describeNetError } from '../describe-error.js'
import { httpOnce } from '../http-request.js'
import { BOTS_DEFAULTS } from './options.js'

// A method no server has: Python's SimpleXMLRPCServer answers it with a fault, which proves that
// its single thread is serving requests. Nothing is queued, listed or cleared.
const CALL = '<?xml version="1.0"?>\n<methodCall><methodName>fastify_bots_health.probe</methodName><params></params></methodCall>\n'

/**
 * `jobqueue`: an XML-RPC round trip to Bots' jobqueueserver. A TCP connect alone proves nothing
 * (the kernel completes handshakes for a wedged server); an XML-RPC answer, a fault included, does.
 */
export function jobqueueCheck (o: { port?: number, host?: string, name?: string } = {}): Check {
  const port = o.port ?? BOTS_DEFAULTS.jobqueuePort
  const host = o.host ?? '127.0.0.1'
  const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}/RPC2`)
  const what = `jobqueueserver on ${host}:${port}`
  return {
    name: o.name ?? 'jobqueue',
    label: 'Jobqueue',
    async run (signal) {
      let answer
      try {
        answer = await httpOnce(url, { method: 'POST', body: CALL, headers: { 'content-type': 'text/xml' }, signal })
      } catch (err) {
        throw new CheckFailure(describeNetError(err, what))
      }
      if (answer.statusCode !== 200 || !/<methodResponse[\s>]/.test(answer.body)) {
        throw new CheckFailure(`${what}: not an XML-RPC answer (HTTP ${answer.statusCode})`)
      }
    }
  }
}
