// bots-healthcheck: the exec-probe front end. The work is in cli/main.ts; this entry only wires it
// to the process. It never imports Fastify, and loads a database driver only for the checks
// that need one: it is spawned on every probe of every worker pod.
import { writeSync } from 'node:fs'
import { main } from './cli/main.js'
import { hardExit } from './fs-gate.js'

// Output goes to the descriptors with writeSync: process.stdout on a pipe (a kubelet's exec probe
// reads one) is a net.Socket, and building it loads node:net and the streams, 3 ms of every probe.
// A descriptor that would block (EAGAIN: one inherited non-blocking) goes through the stream from
// then on, in order; a reader that has gone (EPIPE) loses the rest, and the exit code still tells.
const streamed = new Set<1 | 2>()
const streamOf = (fd: 1 | 2): NodeJS.WriteStream => fd === 1 ? process.stdout : process.stderr
function write (fd: 1 | 2, s: string): void {
  if (streamed.has(fd)) {
    streamOf(fd).write(s)
    return
  }
  const bytes = Buffer.from(s)
  for (let at = 0; at < bytes.length;) {
    try {
      at += writeSync(fd, bytes, at)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        streamed.add(fd)
        streamOf(fd).write(bytes.subarray(at))
      }
      return
    }
  }
}
/** Exits once what went through a stream is flushed (nothing waits when nothing did). */
function exitAfterFlush (code: number): void {
  const pending = [...streamed]
  const next = (): void => {
    const fd = pending.shift()
    if (fd === undefined) hardExit(code)
    else streamOf(fd).write('', next)
  }
  next()
}

main(process.argv.slice(2), process.env, {
  out: (s) => { write(1, s) },
  err: (s) => { write(2, s) },
  onSignal: (handler) => {
    process.on('SIGTERM', () => handler('SIGTERM'))
    process.on('SIGINT', () => handler('SIGINT'))
  }
}).then(
  // A pending connect, or a file-system call that never returns (hardExit), must not keep the
  // probe alive.
  (code) => { exitAfterFlush(code) },
  () => {
    write(2, 'bots-healthcheck: error: the probe could not run\n')
    exitAfterFlush(2)
  }
)
