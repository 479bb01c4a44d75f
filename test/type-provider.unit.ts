// Compiled by `npm run typecheck` (strict) and run by tap: the package works in an app that uses
// @fastify/type-provider-typebox, and its report types fit its exported schemas.
import t from 'tap'
import { memoryAdapter } from './helpers/memory-adapter.js'
import Fastify from 'fastify'
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Type, { type Static } from 'typebox'
import { healthPlugin, LiveReportSchema, type LiveReport, type ReadyReport, type HealthService } from '../lib/index.js'

t.test('the plugin, its decorator and its schemas under the TypeBox type provider', async (t) => {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>()
  t.teardown(() => app.close())
  await app.register(healthPlugin, {
    database: memoryAdapter(),
    botssys: '/',
    usersys: '/'
  })
  app.get('/status', {
    schema: { response: { 200: Type.Object({ live: LiveReportSchema, ready: Type.Boolean() }) } }
  }, async () => {
    const service: HealthService = app.health
    const live: Static<typeof LiveReportSchema> = await service.live()
    const ready: ReadyReport = await service.ready()
    return { live, ready: ready.status === 'ready' }
  })
  const res = await app.inject('/status')
  t.equal(res.statusCode, 200)
  const body = res.json() as { live: LiveReport, ready: boolean }
  t.same(body, { live: { status: 'ok', check: 'liveness', message: 'Process is alive' }, ready: true })
})
