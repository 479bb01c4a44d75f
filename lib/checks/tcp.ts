import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import { describeNetError } from '../describe-error.js'

/**
 * `<name>` (default `tcp`): a TCP connection to host:port opens (and is closed at once). It proves a listener,
 * not a server that answers: prefer a check that speaks the protocol where there is one.
 */
export function tcpCheck (host: string, port: number, o: { name?: string } = {}): Check {
  const name = o.name ?? 'tcp'
  return {
    name,
    async run (signal) {
      // node:net on the first run, not at import: an exec probe that opens no socket skips it.
      const { connect } = await import('node:net')
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port, signal })
        socket.once('connect', () => { socket.destroy(); resolve() })
        socket.once('error', (err) => { socket.destroy(); reject(new CheckFailure(describeNetError(err, `${name}: connect to ${host}:${port}`))) })
      })
    }
  }
}
