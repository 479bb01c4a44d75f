import { HELP, parse, USAGE, type Args } from './args.js'
import { EXIT_ERROR, EXIT_HEALTHY, EXIT_UNHEALTHY } from '../writers/text.js'
import { HealthOptionsError } from '../errors.js'
import { redact, urlSecrets } from '../redact.js'
import type { CliIo } from './io.js'

export type { CliIo }

declare const __VERSION__: string | undefined

async function version (): Promise<string> {
  // The bundle has it built in; from the sources it is read from package.json.
  if (typeof __VERSION__ === 'string') return __VERSION__
  const { readFileSync } = await import('node:fs')
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
}

/**
 * The CLI as a function: argv (without node and the script), the environment, and where to write.
 * Resolves to the exit code: 0 healthy, 1 unhealthy, 2 an error; with `--docker`, 1 for an error
 * too (Docker's HEALTHCHECK reserves 2), even one in the arguments.
 */
export async function main (argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const code = await run(argv, env, io)
  return code === EXIT_ERROR && argv.includes('--docker') ? EXIT_UNHEALTHY : code
}

async function run (argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let args: Args
  try {
    args = parse(argv, env)
  } catch (e) {
    io.err(`bots-healthcheck: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`)
    return EXIT_ERROR
  }
  if (args.help) {
    io.out(HELP + '\n')
    return EXIT_HEALTHY
  }
  if (args.version) {
    io.out(await version() + '\n')
    return EXIT_HEALTHY
  }
  const secrets: string[] = env.DB_PASSWORD !== undefined && env.DB_PASSWORD !== '' ? [env.DB_PASSWORD] : []
  // A URL's password, even one that is not percent-encoded and makes the URL invalid.
  for (const url of [args.databaseUrl, env.DATABASE_URL, args.url]) if (url !== undefined) secrets.push(...urlSecrets(url))
  try {
    switch (args.mode) {
      case 'url': return await (await import('./url.js')).urlCommand(args, io, secrets)
      case 'probes': return (await import('./probes.js')).probesCommand(args, io)
      case 'lint': return (await import('./lint.js')).lintCommand(args, io)
      case 'serve': return await (await loadServe()).serveCommand(args, env, io, secrets)
      case 'alerts': return (await import('./alerts.js')).alertsCommand(args, io)
      case 'wait-engine-idle': return await (await import('./wait-engine-idle.js')).waitEngineIdleCommand(args, env, io, secrets)
      default: return await (await import('./check.js')).checkCommand(args, env, io, secrets)
    }
  } catch (e) {
    // A bad option is said as the CLI's own error, without the library's prefix.
    const message = e instanceof HealthOptionsError ? `${e.option} ${e.problem}` : e instanceof Error ? e.message : String(e)
    if (!args.quiet) io.err(`bots-healthcheck: error: ${redact(message, secrets)}\n`)
    return EXIT_ERROR
  }
}

declare const __SERVE_BUNDLE__: string | undefined

/**
 * `serve` carries Fastify: in the bundle it is a second file beside this one
 * (bots-healthcheck-serve.cjs), so that an exec probe never parses it.
 */
async function loadServe (): Promise<typeof import('./serve.js')> {
  if (typeof __SERVE_BUNDLE__ === 'string') {
    const { createRequire } = await import('node:module')
    const require = createRequire(import.meta.url)
    try {
      return require(`./${__SERVE_BUNDLE__}`) as typeof import('./serve.js')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err
      throw new Error(`serve needs ${__SERVE_BUNDLE__} beside bots-healthcheck.cjs: copy both files`)
    }
  }
  return await import('./serve.js')
}
