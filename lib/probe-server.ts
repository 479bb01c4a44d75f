import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'

// The probes on a server of their own: the plugin's `listen` option (a management port beside
// the app) and `bots-healthcheck serve` (a sidecar beside a Bots process) both run this one.

/**
 * A bare Fastify instance for the probe routes: no body to parse, nothing kept alive for long,
 * no Ajv nor fast-json-stringify built (the routes bring their own validator and serialiser;
 * those two are most of what Fastify itself costs in memory). A client that never finishes its
 * request (slowloris) must not hold the close: every connection is cut at close, and a request
 * has 10 s to arrive whole.
 */
export function createProbeServer (o: { logger: FastifyServerOptions['logger'] } | { loggerInstance: FastifyBaseLogger }): FastifyInstance {
  return Fastify({
    ...o,
    bodyLimit: 1024,
    keepAliveTimeout: 5000,
    forceCloseConnections: true,
    requestTimeout: 10_000,
    return503OnClosing: false,
    schemaController: {
      compilersFactory: {
        buildValidator: (() => () => () => true) as never,
        buildSerializer: (() => () => (data: unknown) => JSON.stringify(data)) as never
      }
    }
  }) as unknown as FastifyInstance
}
