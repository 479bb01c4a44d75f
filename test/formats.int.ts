import t, { type Test } from 'tap'
import { botsEnv, healthApp } from './helpers/app.js'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv } from 'ajv'
import { createTestDatabase, type TestDatabase } from './helpers/mysql.js'
import { schemaErrors } from './helpers/schema.js'

let db: TestDatabase
t.before(async () => { db = await createTestDatabase('formats') })
t.teardown(async () => { await db.drop() })

async function app (t: Test, opts: { usersys?: boolean, openapi?: boolean } = {}): Promise<FastifyInstance> {
  const e = botsEnv(t, { usersys: opts.usersys !== false })
  return await healthApp(t, { configDir: e.configDir, database: db.url }, {
    before: async (f) => { if (opts.openapi === true) await f.register(swagger, { openapi: { info: { title: 'bots health', version: '1.0.0' } }, refResolver: OPENAPI_NAMES }) }
  })
}

/** @fastify/swagger names shared schemas def-0, def-1… unless told to use their $id (as the README shows). */
const OPENAPI_NAMES = { buildLocalReference: (json: { $id?: unknown }, _base: unknown, _fragment: unknown, i: number) => typeof json.$id === 'string' ? json.$id : `def-${i}` }

const ROUTES = ['/health/live', '/health/ready', '/health/startup', '/health/ready/database', '/health/ready/usersys', '/health/startup/tables', '/health/startup/config']
const schemaOf = (path: string) => path.startsWith('/health/live') ? 'BotsHealthLiveReport' : path.startsWith('/health/ready') ? 'BotsHealthReadyReport' : 'BotsHealthStartupReport'
const FORMATS = [
  { name: 'default JSON', headers: {}, query: '', type: /^application\/json/ },
  { name: 'application/health+json', headers: { accept: 'application/health+json' }, query: '', type: /^application\/health\+json/ },
  { name: '?verbose', headers: {}, query: '?verbose', type: /^text\/plain/ }
]

t.test('every route answers every format with the same status code, schema-valid', async (t) => {
  for (const healthy of [true, false]) {
    const fastify = await app(t, { usersys: healthy })
    for (const path of ROUTES) {
      const plain = await fastify.inject(path)
      for (const f of FORMATS) {
        const res = await fastify.inject({ url: path + f.query, headers: f.headers })
        const label = `${path} ${f.name} ${healthy ? 'healthy' : 'usersys missing'}`
        t.equal(res.statusCode, plain.statusCode, `${label}: same code`)
        t.match(res.headers['content-type'], f.type, label)
        t.equal(res.headers['cache-control'], 'no-store')
        if (f.name === 'default JSON') t.equal(schemaErrors(schemaOf(path), res.json()), '', label)
        if (f.name === 'application/health+json') {
          t.equal(schemaErrors('BotsHealthHealthJson', res.json()), '', label)
          t.equal(res.json().status, plain.statusCode === 200 ? 'pass' : 'fail', label)
        }
        if (f.name === '?verbose') t.match(res.body, new RegExp(`check ${plain.statusCode === 200 ? 'passed' : 'failed'}\n$`), label)
      }
    }
    t.equal((await fastify.inject('/health/ready/usersys')).statusCode, healthy ? 200 : 503, 'the sub-path answers for its check alone')
    t.equal((await fastify.inject('/health/ready/database')).statusCode, 200)
  }
})

t.test('health+json: component:measurement keys with componentType, observedValue, time, and output on failure', async (t) => {
  const fastify = await app(t, { usersys: false })
  const res = await fastify.inject({ url: '/health/ready', headers: { accept: 'text/html, application/health+json;q=0.9' } })
  t.equal(res.statusCode, 503)
  const body = res.json()
  t.equal(body.status, 'fail')
  t.same(Object.keys(body.checks), ['database:responseTime', 'botssys:responseTime', 'usersys:responseTime', 'config:responseTime'])
  t.match(body.checks['database:responseTime'][0], { componentType: 'datastore', observedUnit: 'ms', status: 'pass', time: /^\d{4}-\d\d-\d\dT/ })
  t.type(body.checks['database:responseTime'][0].observedValue, 'number')
  t.match(body.checks['usersys:responseTime'][0], { componentType: 'system', status: 'fail', output: /^usersys directory not found: / })
  t.match(body.output, /^usersys directory not found/)
  const refused = await fastify.inject({ url: '/health/ready', headers: { accept: 'application/health+json;q=0' } })
  t.match(refused.headers['content-type'], /^application\/json/, 'q=0 is a refusal')
})

t.test('?verbose prints kube-apiserver lines', async (t) => {
  const fastify = await app(t, { usersys: false })
  const res = await fastify.inject('/health/ready?verbose=true')
  t.equal(res.statusCode, 503)
  t.match(res.body, /^\[\+\]database ok\n\[\+\]botssys ok\n\[-\]usersys failed: usersys directory not found: .+\n\[\+\]config ok\nready check failed\n$/)
  const live = await fastify.inject('/health/live?verbose')
  t.equal(live.body, 'live check passed\n')
  const one = await fastify.inject('/health/startup/tables?verbose')
  t.equal(one.body, '[+]tables ok\nstartup/tables check passed\n')
  fastify.health.beginDrain()
  const draining = await fastify.inject('/health/ready?verbose')
  t.match(draining.body, /\[-\]shutting-down failed: shutting down\nready check failed\n$/)
})

t.test('?exclude leaves checks out; an unknown name is a 400 that says which exist', async (t) => {
  const fastify = await app(t, { usersys: false })
  const res = await fastify.inject('/health/ready?exclude=usersys')
  t.equal(res.statusCode, 200)
  t.same(res.json().checks, { database: true, botssys: true, config: true })
  const two = await fastify.inject('/health/ready?exclude=usersys&exclude=config')
  t.same(two.json().checks, { database: true, botssys: true })
  const bad = await fastify.inject('/health/ready?exclude=usersys&exclude=nope')
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), { statusCode: 400, error: 'Bad Request', message: 'fastify-bots-health: no such check: nope (this probe has database, botssys, usersys, config)' })
  t.equal(schemaErrors('BotsHealthProbeError', bad.json()), '')
  t.equal((await fastify.inject('/health/ready/nope')).statusCode, 404, 'no sub-path for an unknown check')
})

t.test('the OpenAPI document validates and matches real responses of every route and format', async (t) => {
  const fastify = await app(t, { openapi: true })
  const doc = fastify.swagger() as Record<string, unknown>
  const api = await SwaggerParser.validate(structuredClone(doc) as never) as unknown as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> }
  for (const path of ['/health/ping', ...ROUTES]) t.ok(api.paths[path]?.get, `${path} is documented`)
  t.notOk(api.paths['/health/ready/'], 'trailing-slash twins are hidden')
  t.ok(api.paths['/health/ready']?.get?.responses['200']?.content?.['application/health+json'], 'content types are documented')
  const ajv = new Ajv({ strict: false })
  let validated = 0
  for (const healthy of [true, false]) {
    const live = healthy ? fastify : await app(t, { usersys: false, openapi: true })
    for (const path of ROUTES) {
      for (const f of FORMATS) {
        const res = await live.inject({ url: path + f.query, headers: f.headers })
        const type = String(res.headers['content-type']).split(';')[0] ?? ''
        const schema = api.paths[path]?.get?.responses[String(res.statusCode)]?.content?.[type]?.schema
        t.ok(schema, `${path} ${res.statusCode} ${type} has a schema`)
        if (schema === undefined) continue
        const body: unknown = type === 'text/plain' ? res.body : res.json()
        const validate = ajv.compile(schema)
        t.ok(validate(body), `${path} ${f.name} ${res.statusCode} matches the document ${ajv.errorsText(validate.errors)}`)
        validated++
      }
    }
  }
  t.equal(validated, ROUTES.length * FORMATS.length * 2)
  // Each code documents its own bodies: a 200 never shows a not_ready one (Swagger UI's example).
  const ready200 = ajv.compile(api.paths['/health/ready']?.get?.responses['200']?.content?.['application/json']?.schema ?? {})
  const ready503 = ajv.compile(api.paths['/health/ready']?.get?.responses['503']?.content?.['application/json']?.schema ?? {})
  const body = (await fastify.inject('/health/ready')).json() as Record<string, unknown>
  t.ok(ready200(body))
  t.notOk(ready200({ ...body, status: 'not_ready' }), 'a 200 does not document a not_ready body')
  t.notOk(ready503(body), 'nor a 503 a ready one')
  const live = api.paths['/health/live']?.get?.responses ?? {}
  t.same(Object.keys(live).sort(), ['200'], 'liveness without a check: 200 only, and no 400 (it takes no query)')
})

t.test('Accept is negotiated as RFC 9110 says: case-insensitive, q-values, wildcards; text/plain gets the verbose text', async (t) => {
  const { negotiate } = await import('../lib/writers/index.js')
  const cases: [string | undefined, string][] = [
    [undefined, 'json'],
    ['APPLICATION/HEALTH+JSON', 'health+json'],
    ['Application/Health+Json; charset=utf-8', 'health+json'],
    ['text/plain', 'text'],
    ['TEXT/PLAIN;q=0.9, application/json;q=0.5', 'text'],
    ['application/health+json;q=0, application/json', 'json'],
    ['application/health+json, */*;q=0.1', 'health+json'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'json'],
    ['image/png', 'json'],
    ['text/*', 'text']
  ]
  for (const [accept, format] of cases) t.equal(negotiate(accept), format, String(accept))
  const fastify = await app(t)
  const upper = await fastify.inject({ url: '/health/ready', headers: { accept: 'APPLICATION/HEALTH+JSON' } })
  t.match(upper.headers['content-type'], /^application\/health\+json/)
  const text = await fastify.inject({ url: '/health/ready', headers: { accept: 'text/plain' } })
  t.match(text.headers['content-type'], /^text\/plain/)
  t.match(text.body, /^\[\+\]database ok\n/)
})

t.test('OpenAPI: components named by their $id, and examples with the real check names that match their schemas', async (t) => {
  const fastify = await app(t, { openapi: true })
  const doc = fastify.swagger() as { components: { schemas: Record<string, { example?: unknown }> } }
  t.same(Object.keys(doc.components.schemas), ['BotsHealthCheckDetail', 'BotsHealthLiveReport', 'BotsHealthReadyReport', 'BotsHealthStartupReport', 'BotsHealthPing', 'BotsHealthHealthJson', 'BotsHealthVerboseText', 'BotsHealthProbeError'])
  for (const id of ['BotsHealthReadyReport', 'BotsHealthStartupReport']) {
    const example = doc.components.schemas[id]?.example as { checks: Record<string, boolean> } | undefined
    t.ok(example, `${id} has an example`)
    t.ok(example !== undefined && 'database' in example.checks && 'botssys' in example.checks, 'named after the real checks, not additionalProp1')
    t.equal(schemaErrors(id, example), '', `${id}'s example matches its schema`)
  }
})
