// Type tests (tstyche, as fastify's own packages have them): what must compile, and what must not.
import Fastify from 'fastify'
import fastifyMysql from '@fastify/mysql'
import { createPool } from 'mysql2'
import pg from 'pg'
import type { Static } from 'typebox'
import { describe, expect, test } from 'tstyche'
import healthPlugin, { type HealthPluginOptions, type HealthService, type LiveReport, type LiveReportSchema, type ReadyReport, type ReadyReportSchema, type StartupReport, type StartupReportSchema } from '../lib/index.js'

const app = Fastify()

describe('the database option', () => {
  test('takes what the README lists', () => {
    expect(app.register(healthPlugin, { database: createPool({ uri: 'mysql://x' }) })).type.not.toRaiseError()
    expect(app.register(healthPlugin, { database: createPool({ uri: 'mysql://x' }).promise() })).type.not.toRaiseError()
    expect(app.register(healthPlugin, { database: new pg.Pool() })).type.not.toRaiseError()
    expect(app.register(healthPlugin, { database: { sqlite: '/srv/botsdb' } })).type.not.toRaiseError()
    expect(app.register(healthPlugin, { database: { url: 'mysql://x' } })).type.not.toRaiseError()
    expect(app.register(healthPlugin, { database: 'postgres://x' })).type.not.toRaiseError()
    expect(app.register(healthPlugin, { database: 'mysql' })).type.not.toRaiseError()
    expect(app.register(healthPlugin, { database: { kind: 'mine', ping: async () => {}, listTables: async () => ({ names: [], caseInsensitive: false }) } })).type.not.toRaiseError()
    expect(app.register(fastifyMysql, { connectionString: 'mysql://x' })).type.not.toRaiseError()
  })

  test('refuses an empty object and a misspelt key', () => {
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ database: {} })
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ database: { sqlit: '/srv/botsdb' } })
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ database: 42 })
  })
})

describe('the options', () => {
  test('a misspelt option does not compile', () => {
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ timeoutMS: 500 })
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ drainDelay: 5000 })
  })

  test('a wrong type does not compile', () => {
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ handleSignals: 'yes' })
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ routeLogLevel: 'loud' })
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ listen: { port: '9000' } })
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ checks: [{ name: 'x', probes: ['readiness'], run: async () => {} }] })
    expect<HealthPluginOptions>().type.not.toBeAssignableFrom({ checks: [{ name: 'x', run: async () => ({ warn: 42 }) }] })
  })

  test('a check of your own may resolve with a warning', () => {
    expect<HealthPluginOptions>().type.toBeAssignableFrom({ checks: [{ name: 'queue', run: async () => ({ warn: 'queue 40 deep' }) }] })
    expect<HealthPluginOptions>().type.toBeAssignableFrom({ checks: [{ name: 'queue', run: async () => Math.random() > 0.5 ? { warn: 'deep' } : undefined }] })
  })

  test('checks of your own, the probe port and the worker checks compile', () => {
    expect<HealthPluginOptions>().type.toBeAssignableFrom({
      listen: { port: 9000, host: '0.0.0.0' },
      checks: [{ name: 'cache', probes: ['ready', 'startup'] as const, run: async (signal: AbortSignal) => { signal.throwIfAborted() } }],
      process: 'bots-jobqueueserver',
      jobqueue: { port: 28082 },
      disk: { minFree: '5%' }
    })
  })
})

describe('the decorator and the reports', () => {
  test('app.health is the service, typed', () => {
    expect(app.health).type.toBe<HealthService>()
    expect(app.health.ready()).type.toBe<Promise<ReadyReport>>()
  })

  test('the report types are checked against their schemas: the same keys, and every report a valid value', () => {
    // `details` is a $ref in the schema (its static type is unknown); the report type names it.
    expect<keyof ReadyReport>().type.toBe<keyof Static<typeof ReadyReportSchema>>()
    expect<keyof StartupReport>().type.toBe<keyof Static<typeof StartupReportSchema>>()
    expect<keyof LiveReport>().type.toBe<keyof Static<typeof LiveReportSchema>>()
    expect<Static<typeof ReadyReportSchema>>().type.toBeAssignableFrom<ReadyReport>()
    expect<Static<typeof StartupReportSchema>>().type.toBeAssignableFrom<StartupReport>()
    expect<Static<typeof LiveReportSchema>>().type.toBeAssignableFrom<LiveReport>()
    expect<Omit<Static<typeof ReadyReportSchema>, 'details'>>().type.toBe<Omit<ReadyReport, 'details'>>()
  })

  test('the route config flag is typed for auth hooks', () => {
    app.addHook('onRequest', async (req) => {
      expect(req.routeOptions.config.healthProbe).type.toBe<boolean | undefined>()
    })
  })
})
