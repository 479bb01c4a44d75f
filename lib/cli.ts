// bots-healthcheck: the exec-probe front end. The work is in cli/main.ts; this entry only wires it
// to the process. It never imports Fastify, and loads a database driver only for the checks
// that need one: it is spawned on every probe of every worker pod.
import { main } from './cli/main.js'

main(process.argv.slice(2), process.env, {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  onSignal: (handler) => {
    process.on('SIGTERM', () => handler('SIGTERM'))
    process.on('SIGINT', () => handler('SIGINT'))
  }
}).then(
  (code) => {
    // Exit once the output is flushed: a pending connect must not keep the probe alive.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
  },
  () => {
    process.stderr.write('bots-healthcheck: error: the probe could not run\n', () => process.exit(2))
  }
)
