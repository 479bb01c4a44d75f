export { healthPlugin, healthPlugin as default } from './plugin.js'
export type { HealthPluginOptions } from './plugin.js'
export { createHealthService, LIVE_REPORT, DRAIN_ERROR } from './service.js'
export type { HealthService, HealthServiceOptions, HealthLogger } from './service.js'
export { createBotsHealth, HealthOptionsError, resolveDatabase } from './health.js'
export type { BotsHealthOptions, DatabaseOption } from './health.js'
export { CheckFailure } from './check.js'
export type { Check } from './check.js'
export type { DatabaseAdapter, TableList } from './db/adapter.js'
export { mysqlAdapter } from './db/mysql.js'
export { sqliteAdapter } from './db/sqlite.js'
export { BOTS_REQUIRED_TABLES, loadBotsEnvironment, parseBotsIni, BotsIniError } from './bots-config.js'
export type { BotsEnvironment, IniSections } from './bots-config.js'
export {
  schemas,
  CheckDetailSchema,
  LiveReportSchema,
  ReadyReportSchema,
  StartupReportSchema,
  PingResponseSchema
} from './schemas.js'
export type { CheckDetail, LiveReport, ReadyReport, StartupReport } from './schemas.js'
