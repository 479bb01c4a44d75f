// npm run bench — this plugin against bare Fastify, @fastify/under-pressure, fastify-healthcheck
// and a naive `SELECT 1` handler, in one run. Each server runs in a process of its own; autocannon
// loads them from this process, taking turns (A B C … A B C …) so that drift on a shared machine
// hits every contender alike. Medians of the rounds and ratios are printed; the raw numbers go to
// bench/results/latest.json and, for a full run, the tables to bench/RESULTS.md.
//
// Needs a MariaDB/MySQL server: BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/test).
// `--smoke` (CI) runs every case for a fraction of a second, to keep the bench from rotting.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { createPool } from 'mysql2/promise'
import { createDemoEnv } from '../scripts/create-demo-env.mjs'
import { benchCli } from './cli.mjs'
import { benchImportCost } from './import-cost.mjs'
import { benchLines } from './node-lines.mjs'
import { benchServe, SIDECAR_ENV } from './serve.mjs'
import { installSize } from './install-size.mjs'
import { fmt, median, table, verdict } from './lib.mjs'

const smoke = process.argv.includes('--smoke')
const ROUNDS = smoke ? 1 : Number(process.env.BENCH_ROUNDS ?? 3)
const DURATION = smoke ? 0.5 : Number(process.env.BENCH_DURATION ?? 4)
const CONNECTIONS = 50
const DEADLINE = 500 // the plugin's default timeoutMs
const TTL = 1000 // the plugin's default cacheTtlMs
const mysqlUrl = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
const out = []
const log = (s = '') => { out.push(s); console.log(s) }

async function requireDatabase () {
  const admin = createPool({ uri: mysqlUrl, connectionLimit: 1, connectTimeout: 3000 })
  try {
    await admin.query('SELECT 1')
  } catch (err) {
    console.error(`bench: the MariaDB/MySQL at ${new URL(mysqlUrl).host} cannot be used (${err.code ?? err.message}).\n` +
      'Start one (the machine\'s, or `.ci/run` installs one), or point BENCH_MYSQL_URL at a server the bench may create a database on.')
    process.exit(2)
  }
  const name = `bh_bench_${process.pid}`
  await admin.query(`CREATE DATABASE \`${name}\``)
  for (const t of ['channel', 'routes', 'ta', 'mutex']) await admin.query(`CREATE TABLE \`${name}\`.\`${t}\` (id INT PRIMARY KEY)`)
  const u = new URL(mysqlUrl)
  u.pathname = '/' + name
  return {
    url: u.toString(),
    /** Statements the server has executed, all clients together (this one's SHOW included). */
    async questions () {
      const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Questions'")
      return Number(rows[0].Value)
    },
    /** Waits until the previous contender's queued queries have drained, then counts. */
    async settledQuestions () {
      let last = await this.questions()
      for (let i = 0; i < 50; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        const now = await this.questions()
        if (now - last <= 1) return now
        last = now
      }
      return last
    },
    async drop () {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await admin.end()
    }
  }
}

// On a machine with two cores or more, the servers get core 1 and this process (autocannon)
// core 0, so that the contenders do not compete with their own load generator.
const taskset = cpus().length >= 2 && spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' }).status === 0

function startServer (variant, env) {
  const script = fileURLToPath(new URL('./server.mjs', import.meta.url))
  const [cmd, args] = taskset ? ['taskset', ['-c', '1', process.execPath, script, variant]] : [process.execPath, [script, variant]]
  const child = spawn(cmd, args, {
    // a clean environment, as everything the bench times (an inherited NODE_OPTIONS would change them)
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  return new Promise((resolve, reject) => {
    let buf = ''
    child.stdout.on('data', (c) => {
      buf += c
      const line = buf.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve({ child, port: JSON.parse(line).port, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') }) })
    })
    child.once('exit', (code) => reject(new Error(`server ${variant} exited with ${code}`)))
  })
}

/** `bots-healthcheck serve` (the sidecar) in a process of its own, on the same core as the others. */
async function startServe (env, args) {
  const port = await new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) }) })
  const cli = fileURLToPath(new URL('../dist/bots-healthcheck.cjs', import.meta.url))
  const argv = [cli, 'serve', '--port', String(port), '--host', '127.0.0.1', '--drain-delay', '0', ...args]
  const [cmd, cargs] = taskset ? ['taskset', ['-c', '1', process.execPath, ...argv]] : [process.execPath, argv]
  const child = spawn(cmd, cargs, { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ping`)).ok) break
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { child, port, stop: () => new Promise((resolve) => { if (child.exitCode !== null) return resolve(); child.once('exit', resolve); child.kill('SIGTERM') }) }
}

/** `n` GETs sent at once on connections of their own; the time each took to be answered. */
async function burst (url, n) {
  const { get } = await import('node:http')
  const times = []
  let status503 = 0
  let errors = 0
  await Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
    // each request's own time, from the moment it is sent: the sockets take a while to open
    const sent = performance.now()
    const req = get(url, { agent: false }, (res) => {
      res.resume()
      res.on('end', () => { times.push(performance.now() - sent); if (res.statusCode === 503) status503++; resolve() })
    })
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', () => { errors++; resolve() })
  })))
  times.sort((a, b) => a - b)
  return { n, status503, errors, first: times[0] ?? NaN, median: times[Math.floor(times.length / 2)] ?? NaN, slowest: times.at(-1) ?? NaN }
}

/** Resident memory of a process, in MiB, from /proc. */
function rssMiB (pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : Number.NaN
}

function load (url, duration = DURATION) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration, pipelining: 1 }, (err, r) => err ? reject(err) : resolve(r))
  })
}

/** Rounds of each contender in turn; returns per contender the medians of req/s and p99. */
async function compare (contenders, { onRound } = {}) {
  const runs = contenders.map(() => [])
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of contenders.entries()) {
      const before = onRound ? await onRound.before(c) : undefined
      const r = await load(c.url)
      const extra = onRound ? await onRound.after(c, before, r) : {}
      runs[i].push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts, duration: r.duration, ...extra })
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    rps: median(runs[i].map((r) => r.rps)),
    p99: median(runs[i].map((r) => r.p99)),
    non2xx: runs[i].reduce((s, r) => s + r.non2xx, 0),
    errors: runs[i].reduce((s, r) => s + r.errors, 0),
    runs: runs[i]
  }))
}

function resultTable (results, base) {
  return table(['contender', 'req/s (median)', 'p99 ms', `× ${base.name}`, 'non-2xx', 'errors'],
    results.map((r) => [r.name, fmt(r.rps, 0), fmt(r.p99, 1), fmt(r.rps / base.rps), r.non2xx, r.errors]))
}

/**
 * A database that accepts TCP and never answers. It keeps each connection's open interval: a
 * connection closed by the client takes a moment to be seen closed here, so "in flight" counts
 * connections open together for longer than 10 ms (the raw peak is reported too).
 */
async function hungDatabase () {
  const intervals = []
  const sockets = new Set()
  const server = createServer((s) => {
    const interval = { from: performance.now(), to: Infinity }
    intervals.push(interval)
    sockets.add(s)
    s.on('close', () => { interval.to = performance.now(); sockets.delete(s) })
    s.on('error', () => {})
  })
  const peak = (minOverlapMs) => {
    let max = 0
    for (const a of intervals) {
      const together = intervals.filter((b) => Math.min(a.to, b.to) - Math.max(a.from, b.from) > minOverlapMs).length
      max = Math.max(max, together)
    }
    return max
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    stats: () => ({ accepted: intervals.length, maxOpen: peak(10), rawPeak: peak(0) }),
    close: () => { for (const s of sockets) s.destroy(); return new Promise((resolve) => server.close(resolve)) }
  }
}

const started = Date.now()
const db = await requireDatabase()
const { configDir } = await createDemoEnv()
const results = { machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version }, smoke, rounds: ROUNDS, durationS: DURATION, connections: CONNECTIONS }
const targets = []
const servers = []
try {
  const env = { BENCH_DB_URL: db.url, BENCH_CONFIG_DIR: configDir }
  const plugin = await startServer('plugin', env)
  servers.push(plugin)
  const readyBody = await (await fetch(`http://127.0.0.1:${plugin.port}/health/ready`)).text()
  if (!readyBody.includes('"status":"ready"')) throw new Error(`the plugin is not ready on the bench database: ${readyBody}`)
  const [bare, healthcheck, pressure, naive, pressureDb] = await Promise.all(
    ['bare', 'fastify-healthcheck', 'under-pressure', 'naive', 'under-pressure-db'].map((v) => startServer(v, { ...env, BENCH_READY_BODY: readyBody })))
  servers.push(bare, healthcheck, pressure, naive, pressureDb)
  const at = (s, path) => `http://127.0.0.1:${s.port}${path}`
  log(`# fastify-bots-health benchmarks\n\n${results.machine.cpus} cores (${results.machine.cpu}), Node ${results.machine.node}; ` +
    `autocannon ${CONNECTIONS} connections, ${ROUNDS} interleaved round(s) of ${DURATION} s per contender${smoke ? ' (smoke mode: not a measurement)' : ''}.`)

  // 1. ping
  const ping = await compare([
    { name: 'plugin /health/ping', url: at(plugin, '/health/ping') },
    { name: 'bare Fastify route', url: at(bare, '/ping') },
    { name: 'fastify-healthcheck', url: at(healthcheck, '/health') },
    { name: 'under-pressure /status', url: at(pressure, '/status') }
  ])
  log('\n## 1. ping\n\n' + resultTable(ping, ping[1]))
  results.ping = ping
  targets.push(['ping ≥ 0.97× bare route', fmt(ping[0].rps / ping[1].rps), verdict(ping[0].rps / ping[1].rps >= 0.97)])

  // 2. live
  const live = await compare([
    { name: 'plugin /health/live', url: at(plugin, '/health/live') },
    { name: 'bare JSON route', url: at(bare, '/live') }
  ])
  log('\n## 2. live\n\n' + resultTable(live, live[1]))
  results.live = live
  targets.push(['live ≥ 0.97× bare JSON route', fmt(live[0].rps / live[1].rps), verdict(live[0].rps / live[1].rps >= 0.97)])

  // 3. ready, healthy database; the server counts the statements
  const counting = {
    before: async () => await db.settledQuestions(),
    after: async (_c, before) => ({ queries: await db.questions() - before - 1 })
  }
  const ready = await compare([
    { name: 'plugin /health/ready', url: at(plugin, '/health/ready') },
    { name: 'bare JSON route (same body)', url: at(bare, '/ready') },
    { name: 'naive SELECT 1 per request', url: at(naive, '/ready') },
    { name: 'under-pressure healthCheck', url: at(pressureDb, '/status') }
  ], { onRound: counting })
  for (const r of ready) r.queries = median(r.runs.map((x) => x.queries))
  log('\n## 3. ready, healthy MariaDB\n\n' + table(['contender', 'req/s (median)', 'p99 ms', '× bare JSON', '× naive', 'DB queries per run (median)', 'non-2xx'],
    ready.map((r) => [r.name, fmt(r.rps, 0), fmt(r.p99, 1), fmt(r.rps / ready[1].rps), fmt(r.rps / ready[2].rps), r.queries, r.non2xx])))
  results.ready = ready
  const allowed = Math.floor(DURATION * 1000 / TTL) + 2
  const maxQueries = Math.max(...ready[0].runs.map((r) => r.queries))
  targets.push(['ready ≥ 0.95× bare route sending the same bytes', fmt(ready[0].rps / ready[1].rps), verdict(ready[0].rps / ready[1].rps >= 0.95)])
  targets.push(['ready ≥ 4× naive handler', fmt(ready[0].rps / ready[2].rps), verdict(ready[0].rps / ready[2].rps >= 4)])
  targets.push([`DB queries per ready run ≤ duration/TTL + 2 = ${allowed}`, String(maxQueries), verdict(maxQueries <= allowed)])
  await Promise.all(servers.splice(0).map((s) => s.stop()))

  // 3b. metrics: a cached ready probe with metrics and without, side by side; then scrapes alone,
  // counting the statements the database receives meanwhile (a scrape reads the last results).
  {
    const withMetrics = await startServer('plugin-metrics', env)
    servers.push(withMetrics)
    const without = await startServer('plugin', env)
    servers.push(without)
    const cost = await compare([
      { name: 'plugin /health/ready, metrics on', url: at(withMetrics, '/health/ready') },
      { name: 'plugin /health/ready, metrics off', url: at(without, '/health/ready') }
    ])
    await fetch(at(withMetrics, '/health/ready'))
    const scrapes = await compare([{ name: 'GET /metrics (Prometheus text)', url: at(withMetrics, '/metrics') }], { onRound: counting })
    const scrapeQueries = Math.max(...scrapes[0].runs.map((r) => r.queries))
    const requests = scrapes[0].runs.reduce((s, r) => s + r.rps * r.duration, 0)
    results.metrics = { cost, scrapes, scrapeQueries }
    log('\n## 3b. metrics: the cost of a cached ready probe, and of a scrape\n\n' +
      table(['contender', 'req/s (median)', 'p99 ms', '× metrics off'], cost.map((r) => [r.name, fmt(r.rps, 0), fmt(r.p99, 1), fmt(r.rps / cost[1].rps)])) +
      '\n\n' + table(['scrapes', 'req/s (median)', 'p99 ms', 'DB statements during the scrapes (most in a round)'], [[fmt(requests, 0), fmt(scrapes[0].rps, 0), fmt(scrapes[0].p99, 1), scrapeQueries]]) +
      '\n\nThe counter is updated when an attempt settles, not per request: a cached probe pays for nothing more. A scrape reads the last results and runs no check.')
    targets.push(['metrics on: ready ≥ 0.95× metrics off', fmt(cost[0].rps / cost[1].rps), verdict(cost[0].rps / cost[1].rps >= 0.95)])
    targets.push(['scrapes: no DB statement', String(scrapeQueries), verdict(scrapeQueries === 0)])
    await Promise.all(servers.splice(0).map((s) => s.stop()))
  }

  // 4. ready against a database that accepts and never answers
  const hung = await hungDatabase()
  try {
    const u = new URL(db.url)
    u.port = String(hung.port)
    const hungServer = await startServer('plugin', { BENCH_DB_URL: u.toString(), BENCH_CONFIG_DIR: configDir })
    servers.push(hungServer)
    const timedServer = await startServer('plugin', { BENCH_DB_URL: u.toString(), BENCH_CONFIG_DIR: configDir, BENCH_TIMING: '1' })
    servers.push(timedServer)
    const r = await load(at(hungServer, '/health/ready'), Math.max(DURATION, smoke ? 1 : 3))
    const { accepted, maxOpen, rawPeak } = hung.stats()
    results.hung = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, status503: r.non2xx, errors: r.errors + r.timeouts, attempts: accepted, maxInFlight: maxOpen, rawPeak }
    log('\n## 4. ready, database hung (accepts TCP, never answers)\n\n' + table(['req/s', 'p50 ms', 'p99 ms', 'max ms', 'deadline ms', '503s', 'client errors', 'connection attempts', 'max in flight (raw peak)'],
      [[fmt(r.requests.average, 0), fmt(r.latency.p50, 1), fmt(r.latency.p99, 1), fmt(r.latency.max, 1), DEADLINE, r.non2xx, r.errors + r.timeouts, accepted, `${maxOpen} (${rawPeak})`]]) +
      '\n\nThe pool\'s connectTimeout is 1 s: each attempt settles then, and the next one starts; the attempts follow one another. ' +
      'Most answers are immediate (the failure cached, or "previous attempt still pending"); those that come while an attempt runs wait for its deadline. ' +
      'So p99 is low or near the deadline depending on how many fast answers the load makes; the max is what a probe can wait.')
    targets.push([`hung DB: p99 ≤ deadline + 50 ms = ${DEADLINE + 50}`, fmt(r.latency.p99, 1), verdict(r.latency.p99 <= DEADLINE + 50)])
    targets.push([`hung DB: max ≤ deadline + 50 ms = ${DEADLINE + 50}`, fmt(r.latency.max, 1), verdict(r.latency.max <= DEADLINE + 50)])
    // A burst: every request at once, as after a network partition heals. They all wait on the
    // one attempt; when its deadline fires, the answers go out one after another, and the last
    // one's lateness is what the replies themselves cost.
    const n = smoke ? 500 : 5000
    const b = await burst(at(timedServer, '/health/ready'), n)
    const inside = await (await fetch(at(timedServer, '/__timing'))).json()
    results.hungBurst = { ...b, server: inside }
    log(`\n### ${n} probes at once, database hung\n\n` + table(['requests', '503s', 'errors', 'in the server: median ms', 'in the server: slowest ms', 'at the client: slowest ms', 'deadline ms'],
      [[n, b.status503, b.errors, fmt(inside.median, 1), fmt(inside.max, 1), fmt(b.slowest, 1), DEADLINE]]) +
      '\n\n"In the server" is Fastify\'s elapsed time, from a request\'s arrival to its reply (a second server, with that one hook). At the client, each request is timed from its own send: opening that many sockets from one process on two cores takes most of it. ' +
      'Past the deadline, a slow answer waits for the replies written before it, not on the database.')
    targets.push([`hung DB, ${n} at once: slowest in the server ≤ deadline + 200 ms`, fmt(inside.max, 1), verdict(inside.max <= DEADLINE + 200)])
    targets.push([`hung DB, ${n} at once: all answered 503`, `${b.status503}/${n}`, verdict(b.status503 === n)])
    targets.push(['hung DB: ≤ 1 attempt in flight', String(maxOpen), verdict(maxOpen <= 1)])
  } finally {
    // the hung database goes first: a pending connect then fails at once instead of at close
    await hung.close()
    await Promise.all(servers.splice(0).map((s) => s.stop()))
  }

  // 5. serve, the sidecar: the same ready route as the plugin's, and its memory at rest
  {
    const env = { BENCH_DB_URL: db.url, BENCH_CONFIG_DIR: configDir }
    const plugin = await startServer('plugin', env)
    // as the sidecar image runs it (examples/sidecar.Dockerfile sets these), and without them
    const serve = await startServe(SIDECAR_ENV, ['--config-dir', configDir, '--database-url', db.url])
    const plain = await startServe({}, ['--config-dir', configDir, '--database-url', db.url])
    const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    servers.push(plugin, serve, plain, { stop: () => { idle.kill(); return Promise.resolve() } })
    // at rest, before any load: a probe now and then, as the kubelet sends them, then a pause
    for (let i = 0; i < 5; i++) for (const s of [serve, plain, plugin]) await fetch(at(s, '/health/ready'))
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const memory = { serve: rssMiB(serve.child.pid), servePlain: rssMiB(plain.child.pid), plugin: rssMiB(plugin.child.pid), node: rssMiB(idle.pid) }
    await plain.stop()
    const served = await compare([
      { name: 'bots-healthcheck serve /health/ready', url: at(serve, '/health/ready') },
      { name: 'plugin /health/ready', url: at(plugin, '/health/ready') }
    ])
    results.serve = { ready: served, rssMiB: memory }
    log('\n## 5. bots-healthcheck serve (the sidecar)\n\n' + resultTable(served, served[1]) +
      '\n\n' + table(['idle RSS, MiB', 'serve (the image\'s malloc settings)', 'serve (glibc defaults)', 'plugin in a bare Fastify (logger off)', 'node, an empty timer'], [['fresh, 5 probes, 2 s at rest', fmt(memory.serve, 1), fmt(memory.servePlain, 1), fmt(memory.plugin, 1), fmt(memory.node, 1)]]) +
      `\n\nThe image's malloc settings: ${Object.entries(SIDECAR_ENV).map(([k, v]) => `${k}=${v}`).join(' ')} (one arena, freed memory returned to the system).`)
    targets.push(['serve ready ≥ 0.90× plugin ready', fmt(served[0].rps / served[1].rps), verdict(served[0].rps / served[1].rps >= 0.9)])
    targets.push(['serve idle RSS ≤ 60 MiB', fmt(memory.serve, 1), verdict(memory.serve <= 60)])
    await Promise.all(servers.splice(0).map((s) => s.stop()))
  }

  // The Node lines of sections 5b, 6 and 6b (22 and 24, and this one).
  const nodeLines = benchLines(log)

  // 5b. serve on each Node line: memory after 10,000 probes, CPU per pod-hour
  log('\n## 5b. bots-healthcheck serve on each Node line: memory after 10,000 probes, CPU per pod-hour\n')
  const serveLines = await benchServe({ lines: nodeLines.filter((l) => l.major >= 22), configDir, dbUrl: db.url, smoke, log })
  results.serveLines = serveLines
  targets.push(...serveLines.targets)

  // 6. the exec probe's cost, per Node line
  log('\n## 6. the exec probe (CLI) against `node -e 0`\n')
  const cli = await benchCli({ runs: smoke ? 2 : 20, log, lines: nodeLines })
  results.cli = cli
  targets.push(...cli.targets)

  // 6b. what importing the plugin adds to an app's start
  log('\n## 6b. importing the plugin, against importing Fastify alone\n')
  results.importCost = benchImportCost({ lines: nodeLines.filter((l) => l.major >= 22), runs: smoke ? 2 : 20, log })

  // 7. what installing the package adds to an app that has Fastify
  if (!smoke) {
    const size = installSize()
    results.install = size
    log('\n## 7. install size\n\n' + table(['added to an app with fastify 5', 'native build', 'install-script warning'], [[`${fmt(size.addedMiB, 2)} MiB`, size.nativeBuild ? 'yes' : 'no', size.installScriptWarning ? 'yes' : 'no']]))
    targets.push(['install adds ≤ 5 MB, no native build, no install-script warning', `${fmt(size.addedMiB, 2)} MiB`, verdict(size.addedMiB <= 5 && !size.nativeBuild && !size.installScriptWarning)])
  }

  log('\n## Targets\n\n' + table(['target', 'measured', 'verdict'], targets))
  log(`\nTotal time: ${fmt((Date.now() - started) / 1000, 0)} s.`)
} finally {
  await Promise.all(servers.map((s) => s.stop()))
  await db.drop()
}

results.targets = targets
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify(results, null, 2) + '\n')
if (!smoke) {
  const notes = readFileSync(new URL('./notes.md', import.meta.url), 'utf8')
  writeFileSync(new URL('./RESULTS.md', import.meta.url), out.join('\n') + '\n\n' + notes)
}
