// `bots-healthcheck serve` (the sidecar) on each Node line (bench/node-lines.mjs): its resident
// memory after 10,000 probes, and the CPU it spends in an hour at the kubelet's cadence (ready
// every 10 s, live every 30 s). CPU is read from /proc/PID/task/*/schedstat (nanoseconds, every
// thread: the main one, libuv's pool, V8's GC and compiler threads), in two windows: at rest, and
// while probes come 1.1 s apart, each ready probe past the cache TTL (1 s) and so running its
// checks, as every kubelet probe does at a 10 s period. An hour is then: the rate at rest for
// 3,600 s, plus 120 times the CPU of 3 ready probes and 1 live probe above that rate.
import { spawn } from 'node:child_process'
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
/** What examples/sidecar.Dockerfile sets: glibc keeps one arena and gives freed memory back. */
export const SIDECAR_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '65536' }

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

const requests = (url, amount) => new Promise((resolve, reject) => {
  autocannon({ url, connections: 10, amount }, (err, r) => err ? reject(err) : resolve(r))
})

async function serveOn (line, { configDir, dbUrl, smoke }) {
  const port = await freePort()
  const cache = mkdtempSync(join(tmpdir(), 'bench-serve-'))
  const child = spawn(line.bin, [cli, 'serve', '--port', String(port), '--host', '127.0.0.1', '--drain-delay', '0', '--config-dir', configDir, '--database-url', dbUrl], {
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
    // at rest
    const restMs = smoke ? 1000 : 15_000
    let before = cpuSeconds(child.pid)
    await sleep(restMs)
    const restRate = (cpuSeconds(child.pid) - before) / (restMs / 1000)
    // at a pace where every ready probe runs its checks: 3 ready and 1 live per unit
    const units = smoke ? 1 : 12
    before = cpuSeconds(child.pid)
    const started = performance.now()
    for (let u = 0; u < units; u++) {
      for (let k = 0; k < 3; k++) {
        await fetch(`${base}/ready`).then((r) => r.text())
        if (k === 0) await fetch(`${base}/live`).then((r) => r.text())
        await sleep(1100)
      }
    }
    const windowS = (performance.now() - started) / 1000
    const perUnit = Math.max(0, (cpuSeconds(child.pid) - before) - restRate * windowS) / units
    return { label: line.label, major: line.major, probes: total, non2xx, rss, restMsPerHour: restRate * 3600 * 1000, perUnitMs: perUnit * 1000, cpuPerHour: restRate * 3600 + 120 * perUnit }
  } finally {
    await new Promise((resolve) => { if (child.exitCode !== null) return resolve(); child.once('exit', resolve); child.kill('SIGTERM') })
    rmSync(cache, { recursive: true, force: true })
  }
}

export async function benchServe ({ lines, configDir, dbUrl, smoke = false, log = console.log }) {
  const results = []
  for (const line of lines) results.push(await serveOn(line, { configDir, dbUrl, smoke }))
  log(table(['Node', 'RSS after the probes, MiB', 'probes (non-2xx)', 'CPU at rest, ms per hour', 'CPU of 3 ready + 1 live, ms', 'CPU per pod-hour at the kubelet\'s cadence, s'],
    results.map((r) => [r.label, fmt(r.rss, 1), `${r.probes} (${r.non2xx})`, fmt(r.restMsPerHour, 0), fmt(r.perUnitMs, 1), fmt(r.cpuPerHour, 2)])))
  const targets = []
  for (const r of results) {
    const judged = r.major === 22 || r.major === 24
    const judge = (ok) => judged ? verdict(ok) : (ok ? 'within' : 'over')
    targets.push([`${r.label}: serve RSS after ${r.probes} probes ≤ ${SERVE_TARGETS.rssMiB} MiB`, fmt(r.rss, 1), judge(r.rss <= SERVE_TARGETS.rssMiB)])
    targets.push([`${r.label}: serve CPU ≤ ${SERVE_TARGETS.cpuSecondsPerHour} s per pod-hour`, fmt(r.cpuPerHour, 2), judge(r.cpuPerHour <= SERVE_TARGETS.cpuSecondsPerHour)])
  }
  return { lines: results, targets }
}
