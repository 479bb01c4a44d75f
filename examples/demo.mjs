// The embedded demo: a Fastify server with the health plugin on Bots' default SQLite database.
// Run it with `npm run demo`; no database server is needed.
import { relative } from 'node:path'
import Fastify from 'fastify'
import { healthPlugin } from '../dist/index.js'
import { createDemoEnv } from '../scripts/create-demo-env.mjs'

const { configDir, dbPath } = await createDemoEnv()
const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } })
await app.register(healthPlugin, {
  configDir,
  database: { sqlite: dbPath },
  drainDelayMs: Number(process.env.DRAIN_DELAY_MS ?? 0),
  handleSignals: true
})
app.get('/', async () => ({ service: 'bots demo', probes: ['/health/ping', '/health/live', '/health/ready', '/health/startup'] }))

await app.listen({ port, host })
const base = `http://${host}:${port}`
const startup = await app.health.startup()
console.log(`
Bots demo on SQLite (${relative(process.cwd(), dbPath)}): startup is ${startup.status}
  ${base}/health/ping
  ${base}/health/live
  ${base}/health/ready
  ${base}/health/startup
The same checks from the CLI (an exec probe):
  npx bots-healthcheck --check startup --config-dir ${relative(process.cwd(), configDir)}
Stop with Ctrl-C.`)
process.once('SIGINT', () => { app.close().then(() => process.exit(0)) })
