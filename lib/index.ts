export { healthPlugin, healthPlugin as default } from './plugin.js'
export type { HealthPluginOptions } from './plugin.js'
export { createHealthService, LIVE_REPORT, DRAIN_ERROR, UnknownCheckError } from './service.js'
export type { HealthService, HealthServiceOptions, HealthLogger, ProbeOptions } from './service.js'
export { toHealthJson, toVerbose, HEALTH_JSON } from './formats.js'
export { createBotsHealth, HealthOptionsError, resolveDatabase } from './health.js'
export type { BotsHealthOptions, DatabaseOption } from './health.js'
export { CheckFailure } from './check.js'
export { diskCheck } from './checks/disk.js'
export { httpCheck } from './checks/http.js'
export { jobqueueCheck } from './checks/jobqueue.js'
export { processCheck } from './checks/process.js'
export { tcpCheck } from './checks/tcp.js'
export { writableCheck } from './checks/writable.js'
export type { Check } from './check.js'
export type { DatabaseAdapter, TableList } from './db/adapter.js'
export { mysqlAdapter } from './db/mysql.js'
export { sqliteAdapter } from './db/sqlite.js'
export { postgresAdapter } from './db/postgres.js'
export { BOTS_REQUIRED_TABLES, loadBotsEnvironment, parseBotsIni, BotsIniError } from './bots-config.js'
export type { BotsEnvironment, IniSections } from './bots-config.js'
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
export type { CheckDetail, HealthJson, LiveReport, ReadyReport, StartupReport } from './schemas.js'
