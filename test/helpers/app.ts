import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Test } from 'tap'
import healthPlugin, { type HealthPluginOptions } from '../../lib/index.js'
import { type BotsEnv, makeBotsEnv } from './bots-env.js'

/** A Bots environment in a temp dir, removed when the test ends. */
export function botsEnv (t: Test, o: Parameters<typeof makeBotsEnv>[0] = {}): BotsEnv {
  const e = makeBotsEnv(o)
  t.teardown(e.remove)
  return e
}

export interface AppOptions {
  /** Fastify's own options. */
  server?: FastifyServerOptions
  /** Runs after the plugin is registered and before ready (hooks, routes, other plugins). */
  setup?: (fastify: FastifyInstance) => void | Promise<void>
  /** Runs before the plugin (a plugin it must come after, such as @fastify/mysql). */
  before?: (fastify: FastifyInstance) => void | Promise<void>
  /** Listen on 127.0.0.1 and a free port. */
  listen?: boolean
}

/**
 * The one app of the tests: Fastify with the plugin, closed when the test ends. Unless the test
 * gives a layout, it gets a fresh Bots environment; the caches are off unless it asks for them.
 */
export async function healthApp (t: Test, options: Partial<HealthPluginOptions> = {}, o: AppOptions = {}): Promise<FastifyInstance> {
  const fastify = Fastify(o.server)
  t.teardown(() => fastify.close())
  await o.before?.(fastify)
  const layout = options.configDir !== undefined || options.botssys !== undefined || options.usersys !== undefined ? {} : { configDir: botsEnv(t).configDir }
  await fastify.register(healthPlugin, { cacheTtlMs: 0, failureCacheTtlMs: 0, ...layout, ...options })
  await o.setup?.(fastify)
  if (o.listen === true) await fastify.listen({ port: 0, host: '127.0.0.1' })
  else await fastify.ready()
  return fastify
}
