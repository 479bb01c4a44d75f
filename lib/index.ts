// The public API. Every name here is in the README's API section (test/exports.test.ts compares
// the two); the bots.ini reader is the subpath `fastify-bots-health/bots-ini`.

// The plugin
export { healthPlugin, healthPlugin as default } from './plugin.js'
export type { HealthPluginOptions } from './plugin.js'

// The service for a Bots deployment, and its errors
export { createBotsHealth } from './bots/compose.js'
export type { BotsHealthOptions, BotsLayout, UserCheck } from './bots/compose.js'
export type { CheckAttempt, CheckResult, HealthService, HealthLogger, LastResult, ProbeName, ProbeOptions } from './service.js'
export { errorCodes, HealthOptionsError, UnknownCheckError } from './errors.js'

// Reports, their schemas and their other formats
export type { CheckDetail, HealthJson, LiveReport, ReadyReport, StartupReport } from './schemas.js'
export {
  schemas,
  CheckDetailSchema,
  LiveReportSchema,
  ReadyReportSchema,
  StartupReportSchema,
  PingResponseSchema,
  HealthJsonSchema,
  VerboseTextSchema,
  ProbeErrorSchema
} from './schemas.js'
export { toHealthJson } from './writers/health-json.js'
export { toVerbose } from './writers/verbose.js'

// The composition layer: a service of your own checks, the database adapters, the generic checks
export { createHealthService } from './service.js'
export type { HealthServiceOptions } from './service.js'
export type { Clock, Timers } from './engine/runner.js'
export { CheckFailure } from './check.js'
export type { Check, CheckOutcome, CheckWarning, Measures } from './check.js'
export type { DatabaseAdapter, TableList } from './db/adapter.js'
export type { DatabaseOption } from './db/resolve.js'
export { mysqlAdapter } from './db/mysql.js'
export { postgresAdapter } from './db/postgres.js'
export { sqliteAdapter } from './db/sqlite.js'
export { diskCheck } from './checks/disk.js'
export { httpCheck } from './checks/http.js'
export { jobqueueCheck } from './bots/jobqueue.js'
export { processCheck } from './checks/process.js'
export { tcpCheck } from './checks/tcp.js'
export { writableCheck } from './checks/writable.js'
