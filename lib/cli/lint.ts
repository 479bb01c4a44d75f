import { BoundedReadError, type ReadProblem, readBoundedFile } from '../read-bounded.js'
import { SERVICE_DEFAULTS } from '../service-options.js'
import { lintManifests, ManifestError } from '../k8s/lint.js'
import type { Args } from './args.js'
import type { CliIo } from './io.js'
import { EXIT_ERROR, EXIT_HEALTHY, EXIT_UNHEALTHY } from '../writers/text.js'

const MAX_MANIFEST_BYTES = 8 * 1024 * 1024

/** A manifest file: a regular file, opened without blocking, at most 8 MiB. */
function readManifest (file: string): string {
  return readBoundedFile(file, MAX_MANIFEST_BYTES).toString('utf8')
}

function manifestProblem (p: ReadProblem): string {
  switch (p.kind) {
    case 'open': case 'read': return p.code
    case 'directory': case 'not-regular': return 'not a regular file'
    case 'too-large': case 'grew': return `larger than ${MAX_MANIFEST_BYTES} bytes`
    case 'changed': return 'changed while it was read'
  }
}

/** `lint FILE`: unsafe probe settings, one line each with the file's line number. */
export function lintCommand (args: Args, io: CliIo): number {
  const file = args.file ?? ''
  let text: string
  try {
    text = readManifest(file)
  } catch (e) {
    io.err(`bots-healthcheck: error: cannot read ${file}: ${e instanceof BoundedReadError ? manifestProblem(e.problem) : String(e)}\n`)
    return EXIT_ERROR
  }
  let findings
  try {
    findings = lintManifests(text, { timeoutMs: args.timeoutMs ?? SERVICE_DEFAULTS.timeoutMs, minStartupSeconds: args.minStartupSeconds })
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e
    io.err(`bots-healthcheck: error: ${file}: ${e.message}\n`)
    return EXIT_ERROR
  }
  const errors = findings.filter((f) => f.level === 'error').length
  if (!args.quiet) {
    if (args.json) {
      io.out(JSON.stringify({ file, errors, warnings: findings.length - errors, findings }, null, 2) + '\n')
    } else {
      for (const f of findings) {
        const where = [`document ${f.document}`, f.workload, f.container !== undefined ? `container ${f.container}` : undefined, f.probe].filter(Boolean).join(' ')
        io.out(`${file}:${f.line}: ${where}: ${f.level}: ${f.message}\n`)
      }
      io.out(`${errors} error(s), ${findings.length - errors} warning(s)\n`)
    }
  }
  return errors > 0 ? EXIT_UNHEALTHY : EXIT_HEALTHY
}
