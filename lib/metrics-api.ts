// The `fastify-bots-health/metrics` subpath: the health results as Prometheus metrics, for an app
// that serves its own prom-client registry or wants the families without the plugin. It loads
// prom-client (an optional peer); the main entry never does.
export { createHealthMetrics, MEASURES } from './metrics.js'
export type { HealthMetrics, HealthMetricsOptions } from './metrics.js'
