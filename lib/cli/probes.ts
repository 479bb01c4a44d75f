import { DEFAULTS } from '../options.js'
import { stringify } from 'yaml'
import { probeSpecs } from '../k8s/probes.js'
import type { Args } from './args.js'
import type { CliIo } from './main.js'
import { EXIT_HEALTHY } from '../writers/text.js'

/** `probes`: the three Kubernetes probes, with timeoutSeconds derived from the deadline. */
export function probesCommand (args: Args, io: CliIo): number {
  const port = args.port ?? 8080
  const timeoutMs = args.timeoutMs ?? DEFAULTS.timeoutMs
  const specs = probeSpecs({ timeoutMs, port, prefix: args.prefix, exec: args.exec, ...(args.configDirGiven ? { configDir: args.configDir } : {}) })
  const kind = args.exec ? 'exec probes with the CLI' : `httpGet on port ${port} (the webserver's own port, or a sidecar's: bots-healthcheck serve)`
  io.out(`# Kubernetes probes: ${kind}.\n# timeoutSeconds leaves room beyond the ${timeoutMs} ms check deadline; paste under the container.\n` + stringify(specs))
  return EXIT_HEALTHY
}
