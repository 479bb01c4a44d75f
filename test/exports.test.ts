import t from 'tap'
import Fastify from 'fastify'
import * as api from '../lib/index.js'
import healthPlugin, { type HealthService, type ReadyReport } from '../lib/index.js'

t.test('the package exports what the README documents', async (t) => {
  t.same(Object.keys(api).sort(), [
    'BOTS_REQUIRED_TABLES', 'BotsIniError', 'CheckDetailSchema', 'CheckFailure', 'DRAIN_ERROR', 'HEALTH_JSON',
    'HealthJsonSchema', 'HealthOptionsError', 'LIVE_REPORT', 'LiveReportSchema', 'PingResponseSchema',
    'ProbeErrorSchema', 'ReadyReportSchema', 'StartupReportSchema', 'UnknownCheckError', 'VerboseTextSchema',
    'createBotsHealth', 'createHealthService', 'default', 'diskCheck', 'healthPlugin', 'httpCheck', 'jobqueueCheck',
    'loadBotsEnvironment', 'mysqlAdapter', 'parseBotsIni', 'postgresAdapter', 'processCheck', 'resolveDatabase', 'schemas',
    'sqliteAdapter', 'tcpCheck', 'toHealthJson', 'toVerbose', 'writableCheck'
  ])
  t.equal(api.default, api.healthPlugin)
  t.same(api.BOTS_REQUIRED_TABLES, ['channel', 'routes', 'ta', 'mutex'])
})

t.test('every schema has an $id, and they are unique', async (t) => {
  const ids = api.schemas.map((s) => s.$id)
  t.same(ids, ['BotsHealthCheckDetail', 'BotsHealthLiveReport', 'BotsHealthReadyReport', 'BotsHealthStartupReport', 'BotsHealthPing', 'BotsHealthHealthJson', 'BotsHealthVerboseText', 'BotsHealthProbeError'])
})

t.test('the plugin is a fastify-plugin for Fastify 5, and the decorator is typed', async (t) => {
  const meta = (healthPlugin as unknown as Record<symbol, { name: string, fastify: string }>)[Symbol.for('plugin-meta')]
  t.match(meta, { name: 'fastify-bots-health', fastify: '5.x' })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(healthPlugin, { database: { async ping () {}, async listTables () { return { names: ['channel', 'routes', 'ta', 'mutex'], caseInsensitive: false } }, kind: 'memory' }, botssys: '/', usersys: '/' })
  const service: HealthService = app.health
  const report: ReadyReport = await service.ready()
  t.equal(report.status, 'ready')
})

t.test('an adapter of your own can be passed as the database', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(healthPlugin, { database: { kind: 'custom', async ping () { throw new Error('custom down') }, async listTables () { return { names: [], caseInsensitive: false } } }, botssys: '/', usersys: '/' })
  const res = await app.inject('/health/ready')
  t.equal(res.statusCode, 503)
  t.same(res.json().errors, ['Database check failed: custom down'])
})
