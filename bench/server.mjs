// One server under test per process: `node bench/server.mjs VARIANT`. It prints
// {"port":N} once listening. The load generator runs in another process (bench/index.mjs).
import Fastify from 'fastify'
import { createPool } from 'mysql2'
import { healthPlugin } from '../dist/index.js'

const variant = process.argv[2]
const { BENCH_DB_URL: dbUrl, BENCH_CONFIG_DIR: configDir } = process.env
const app = Fastify({ logger: false })

// The bare route sends the very body the plugin's ready route sent (the bench passes it in).
const READY_BODY = process.env.BENCH_READY_BODY ? JSON.parse(process.env.BENCH_READY_BODY) : { status: 'ready', check: 'readiness', checks: { database: true } }

if (variant === 'plugin' || variant === 'plugin-metrics') {
  // the plugin as a user registers it: a mysql2 pool, bots.ini, defaults for everything else
  // (plugin-metrics: with metrics: true, /metrics on the app)
  const pool = createPool({ uri: dbUrl, connectionLimit: 10, connectTimeout: 1000 })
  app.addHook('onClose', (_i, done) => pool.end(done))
  await app.register(healthPlugin, { configDir, database: pool, ...(variant === 'plugin-metrics' ? { metrics: true } : {}) })
} else if (variant === 'bare') {
  app.get('/ping', (_req, reply) => { reply.type('text/plain; charset=utf-8').send('ok') })
  app.get('/live', async () => ({ status: 'ok', check: 'liveness', message: 'Process is alive' }))
  // The limit: the plugin's exact bytes, serialised once, sent as a constant string.
  const READY_TEXT = JSON.stringify(READY_BODY)
  app.get('/ready', (_req, reply) => { reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(READY_TEXT) })
} else if (variant === 'fastify-healthcheck') {
  const { default: healthcheck } = await import('fastify-healthcheck')
  await app.register(healthcheck, { healthcheckUrl: '/health' })
} else if (variant === 'under-pressure') {
  const { default: underPressure } = await import('@fastify/under-pressure')
  await app.register(underPressure, { exposeStatusRoute: '/status' })
} else if (variant === 'naive' || variant === 'under-pressure-db') {
  const pool = createPool({ uri: dbUrl, connectionLimit: 10, connectTimeout: 1000 }).promise()
  app.addHook('onClose', async () => { await pool.end() })
  const healthCheck = async () => { await pool.query('SELECT 1'); return true }
  if (variant === 'naive') {
    app.get('/ready', async (_req, reply) => {
      try {
        await healthCheck()
        return READY_BODY
      } catch {
        reply.code(503)
        return { status: 'not_ready' }
      }
    })
  } else {
    const { default: underPressure } = await import('@fastify/under-pressure')
    await app.register(underPressure, { exposeStatusRoute: '/status', healthCheck })
  }
} else {
  console.error(`unknown variant ${variant}`)
  process.exit(2)
}

// BENCH_TIMING=1: keep each answer's time inside the server (from the request's arrival to the
// reply sent), for the burst case; /__timing hands them over. Off for every measured run.
if (process.env.BENCH_TIMING === '1') {
  const times = []
  app.addHook('onResponse', async (req, reply) => { if (req.url !== '/__timing') times.push(reply.elapsedTime) })
  app.get('/__timing', async () => { const t = times.splice(0); return { n: t.length, max: Math.max(...t), median: t.sort((a, b) => a - b)[Math.floor(t.length / 2)] } })
}

await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ port: app.server.address().port }))
process.on('SIGTERM', () => { app.close().then(() => process.exit(0)) })
