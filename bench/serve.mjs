// `bots-healthcheck serve` (the sidecar) on each Node line (bench/node-lines.mjs): its resident
// memory after 10,000 probes, and the CPU it spends at the kubelet's cadence (ready every 10 s,
// live every 30 s), measured at that very cadence for two minutes after a pause (V8's own work
// at rest, its memory reducer and GC between probes, is part of what a pod pays) and scaled to an
// hour. CPU is read from /proc/PID/task/*/schedstat (nanoseconds, every thread: the main one,
// libuv's pool, V8's GC and compiler threads).
import { spawn } from 'node:child_process'
import { get } from 'node:http'
import { createServer } from 'node:net'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { fmt, table, verdict } from './lib.mjs'

const cli = fileURLToPath(new URL('../dist/bots-healthcheck.cjs', import.meta.url))
/** The goals (issue 24), on Node 22 and 24. */
export const SERVE_TARGETS = { rssMiB: 55, cpuSecondsPerHour: 1 }
/**
 * How examples/sidecar.Dockerfile runs serve (test/deploy.test.ts holds the two together): glibc
 * keeps one arena and gives freed memory back; a small young generation, no optimizing compilers.
 */
export const SIDECAR_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '65536' }
export const SIDECAR_NODE_FLAGS = ['--max-semi-space-size=1', '--no-opt', '--no-maglev']

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) }) })

/** CPU time of every thread of a process so far, in seconds. */
function cpuSeconds (pid) {
  let ns = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
    } catch {} // a thread that ended meanwhile
  }
  return ns / 1e9
}

function rssMiB (pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : Number.NaN
}

/** One probe as the kubelet sends it: a connection of its own, closed after the answer. */
const probe = (url) => new Promise((resolve, reject) => {
  get(url, { agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)) }).on('error', reject)
})

const requests = (url, amount) => new Promise((resolve, reject) => {
  autocannon({ url, connections: 10, amount }, (err, r) => err ? reject(err) : resolve(r))
})

async function serveOn (line, { configDir, dbUrl, smoke, nodeFlags = SIDECAR_NODE_FLAGS, windowMs: givenWindow }) {
  const port = await freePort()
  const cache = mkdtempSync(join(tmpdir(), 'bench-serve-'))
  const child = spawn(line.bin, [...nodeFlags, cli, 'serve', '--port', String(port), '--host', '127.0.0.1', '--drain-delay', '0', '--config-dir', configDir, '--database-url', dbUrl], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', LOG_LEVEL: 'warn', BOTS_HEALTHCHECK_CACHE_DIR: cache, ...SIDECAR_ENV },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const base = `http://127.0.0.1:${port}/health`
  try {
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${base}/ping`)).ok) break
      } catch {}
      await sleep(50)
    }
    // 10,000 probes, ready and live 3 to 1 as the kubelet sends them
    const total = smoke ? 400 : 10_000
    const ready = await requests(`${base}/ready`, total * 3 / 4)
    const live = await requests(`${base}/live`, total / 4)
    const non2xx = ready.non2xx + live.non2xx + ready.errors + live.errors
    await sleep(smoke ? 200 : 2000)
    const rss = rssMiB(child.pid)
    // the kubelet's cadence, after a pause that lets the start and the burst above settle
    await sleep(smoke ? 200 : 20_000)
    const windowMs = givenWindow ?? (smoke ? 2000 : 120_000)
    const before = cpuSeconds(child.pid)
    const started = performance.now()
    for (let at = 0; at < windowMs; at += 10_000) {
      await probe(`${base}/ready`)
      if (at % 30_000 === 0) await probe(`${base}/live`)
      await sleep(Math.max(0, started + Math.min(at + 10_000, windowMs) - performance.now()))
    }
    const cpu = cpuSeconds(child.pid) - before
    const windowS = (performance.now() - started) / 1000
    return { label: line.label, major: line.major, probes: total, non2xx, rss, windowS, cpuMs: cpu * 1000, cpuPerHour: cpu * 3600 / windowS }
  } finally {
    await new Promise((resolve) => { if (child.exitCode !== null) return resolve(); child.once('exit', resolve); child.kill('SIGTERM') })
    rmSync(cache, { recursive: true, force: true })
  }
}

export async function benchServe ({ lines, configDir, dbUrl, smoke = false, log = console.log, nodeFlags, windowMs }) {
  const results = []
  for (const line of lines) results.push(await serveOn(line, { configDir, dbUrl, smoke, nodeFlags, windowMs }))
  log(table(['Node', 'RSS after the probes, MiB', 'probes (non-2xx)', 'CPU at the cadence: ms in s', 'CPU per pod-hour, s'],
    results.map((r) => [r.label, fmt(r.rss, 1), `${r.probes} (${r.non2xx})`, `${fmt(r.cpuMs, 1)} in ${fmt(r.windowS, 0)}`, fmt(r.cpuPerHour, 2)])))
  const targets = []
  for (const r of results) {
    const judged = r.major === 22 || r.major === 24
    const judge = (ok) => judged ? verdict(ok) : (ok ? 'within' : 'over')
    targets.push([`${r.label}: serve RSS after ${r.probes} probes ≤ ${SERVE_TARGETS.rssMiB} MiB`, fmt(r.rss, 1), judge(r.rss <= SERVE_TARGETS.rssMiB)])
    targets.push([`${r.label}: serve CPU ≤ ${SERVE_TARGETS.cpuSecondsPerHour} s per pod-hour`, fmt(r.cpuPerHour, 2), judge(r.cpuPerHour <= SERVE_TARGETS.cpuSecondsPerHour)])
  }
  return { lines: results, targets }
}
