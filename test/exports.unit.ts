import { readFileSync } from 'node:fs'
import t from 'tap'
import { memoryAdapter } from './helpers/memory-adapter.js'
import Fastify from 'fastify'
import * as api from '../lib/index.js'
import healthPlugin, { type HealthService, type ReadyReport } from '../lib/index.js'

/** The names a README API table lists under `heading`: the first cell's `name`s. */
function documented (heading: string): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const api = readme.slice(readme.indexOf('\n## API\n'))
  const start = api.indexOf(`\n### ${heading}\n`)
  const end = (from: number): number => Math.min(...['\n## ', '\n### `fastify-bots-health/'].map((h) => api.indexOf(h, from + 1)).filter((i) => i > 0))
  const sections = heading === '' ? api.slice(0, api.indexOf('\n### `fastify-bots-health/bots-ini`')) : api.slice(start, end(start))
  const names: string[] = []
  for (const line of sections.split('\n')) {
    const cell = /^\| ((?:`[A-Za-z_]+`(?:, )?)+) \|/.exec(line)
    if (cell !== null) names.push(...[...(cell[1] ?? '').matchAll(/`([A-Za-z_]+)`/g)].map((m) => m[1] ?? ''))
  }
  return names.filter((n) => n !== 'export').sort()
}

/** What an entry file exports, values and types, read from its `export … from` lines. */
function exported (file: string): { values: string[], types: string[] } {
  const text = readFileSync(new URL(`../lib/${file}`, import.meta.url), 'utf8')
  const values: string[] = []
  const types: string[] = []
  for (const m of text.matchAll(/^export (type )?\{([^}]*)\} from/gm)) {
    for (const part of (m[2] ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const name = part.split(/\s+as\s+/).pop() ?? part
      if (name !== 'default') (m[1] !== undefined ? types : values).push(name)
    }
  }
  return { values: values.sort(), types: types.sort() }
}

t.test('the package exports what the README documents, no more and no less', async (t) => {
  const main = exported('index.ts')
  t.same(Object.keys(api).filter((k) => k !== 'default').sort(), main.values, 'the values index.ts declares are what it exports at run time')
  t.same([...main.values, ...main.types].sort(), documented(''), 'every export of the main entry is in the README\'s API section, and every name there is exported')
  t.equal(api.default, api.healthPlugin)
  const ini = exported('bots/ini-api.ts')
  const iniModule = await import('../lib/bots/ini-api.js')
  t.same(Object.keys(iniModule).sort(), ini.values)
  t.same([...ini.values, ...ini.types].sort(), documented('`fastify-bots-health/bots-ini`'), 'and so is the bots-ini subpath')
  t.same(iniModule.BOTS_REQUIRED_TABLES, ['channel', 'routes', 'ta', 'mutex'])
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> }
  t.same(Object.keys(pkg.exports).sort(), ['.', './bots-ini', './metrics', './package.json'], 'package.json exports the three entries')
  const metrics = exported('metrics-api.ts')
  const metricsModule = await import('../lib/metrics-api.js')
  t.same(Object.keys(metricsModule).sort(), metrics.values)
  t.same([...metrics.values, ...metrics.types].sort(), documented('`fastify-bots-health/metrics`'), 'and so is the metrics subpath')
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
  await app.register(healthPlugin, { database: memoryAdapter(), botssys: '/', usersys: '/' })
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
