// The webserver example: @fastify/mysql and the health plugin, configured from the environment
// the way the Bots Kubernetes deployment is (DATABASE_URL or DB_*, BOTS_CONFIG_DIR).
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyMysql from '@fastify/mysql'
import swagger from '@fastify/swagger'
import { healthPlugin } from '../lib/index.js'

export interface ServerOptions {
  databaseUrl: string
  configDir: string
  drainDelayMs?: number
  /** Serve the probes on a port of their own too (the kubelet's), away from the app's hooks. */
  probePort?: number
}

export async function build (opts: ServerOptions): Promise<FastifyInstance> {
  // return503OnClosing: false lets the probes keep their own bodies while the app drains
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' }, return503OnClosing: false })
  // registered before the plugin, @fastify/swagger documents every probe route and content type
  await app.register(swagger, {
    openapi: { info: { title: 'Bots webserver', version: '1.0.0' } },
    // components named by their $id (BotsHealthReadyReport…), not def-0, def-1…
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  await app.register(fastifyMysql, { connectionString: opts.databaseUrl, connectTimeout: 1000 })
  await app.register(healthPlugin, {
    configDir: opts.configDir,
    drainDelayMs: opts.drainDelayMs ?? 0,
    handleSignals: true,
    ...(opts.probePort !== undefined ? { listen: { port: opts.probePort } } : {})
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  return app
}

function databaseUrlFromEnv (env: NodeJS.ProcessEnv): string {
  if (env.DATABASE_URL !== undefined) return env.DATABASE_URL
  const auth = `${encodeURIComponent(env.DB_USER ?? 'bots')}:${encodeURIComponent(env.DB_PASSWORD ?? '')}`
  return `mysql://${auth}@${env.DB_HOST ?? '127.0.0.1'}:${env.DB_PORT ?? '3306'}/${env.DB_NAME ?? 'botsdb'}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const app = await build({
    databaseUrl: databaseUrlFromEnv(process.env),
    configDir: process.env.BOTS_CONFIG_DIR ?? '/home/bots/.bots/env/default/config',
    drainDelayMs: Number(process.env.DRAIN_DELAY_MS ?? 10_000),
    probePort: Number(process.env.PROBE_PORT ?? 9000)
  })
  await app.listen({ port: Number(process.env.PORT ?? 8080), host: '0.0.0.0' })
}
