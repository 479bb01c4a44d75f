// bots-healthcheck: the exec-probe front end. The work is in cli/main.ts; this entry only wires it
// to the process. It never imports Fastify, and loads a database driver only for the checks
// that need one: it is spawned on every probe of every worker pod.
import { main } from './cli/main.js'
import { hardExit } from './fs-gate.js'

main(process.argv.slice(2), process.env, {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  onSignal: (handler) => {
    process.on('SIGTERM', () => handler('SIGTERM'))
    process.on('SIGINT', () => handler('SIGINT'))
  }
}).then(
  (code) => {
    // Exit once the output is flushed: a pending connect, or a file-system call that never
    // returns (hardExit), must not keep the probe alive.
    process.stdout.write('', () => process.stderr.write('', () => hardExit(code)))
  },
  () => {
    process.stderr.write('bots-healthcheck: error: the probe could not run\n', () => hardExit(2))
  }
)
