// npm run bench:cli — the CLI's cold start against `node -e 0`, measured side by side in one run:
// the three commands take turns (A B C A B C …), each run's wall time is taken around the spawn
// and its peak RSS by the child itself (getrusage, through a one-line preload given to all three
// alike). Prints medians and the ratios of each pair of runs; the targets are ratios. Every
// command runs in a clean environment (PATH and HOME only), as a kubelet's exec probe does: an
// inherited NODE_OPTIONS or NODE_EXTRA_CA_CERTS slows node's own start (`node -e 0` 92 ms instead
// of 32 with a CA file), which would flatter every ratio to it.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDemoEnv } from '../scripts/create-demo-env.mjs'
import { fmt, median, table, verdict } from './lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'dist', 'bots-healthcheck.cjs')

export async function benchCli ({ runs = 20, log = console.log } = {}) {
  const { configDir } = await createDemoEnv()
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'))
  const preload = join(dir, 'rss.cjs')
  const rssFile = join(dir, 'rss.txt')
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)))\n`)
  const commands = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'bots-healthcheck --check live', args: [cli, '--check', 'live', '--quiet'] },
    { name: 'bots-healthcheck --check startup (SQLite)', args: [cli, '--check', 'startup', '--quiet', '--config-dir', configDir] }
  ]
  const samples = commands.map(() => ({ wall: [], rss: [], codes: new Set() }))
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' }
  const once = (c, i) => {
    const started = process.hrtime.bigint()
    const r = spawnSync(process.execPath, ['--require', preload, ...c.args], { stdio: 'ignore', env })
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    if (i !== undefined) {
      samples[i].wall.push(ms)
      samples[i].rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024)
      samples[i].codes.add(r.status)
    }
  }
  for (const c of commands) once(c) // warm the disk cache
  for (let n = 0; n < runs; n++) commands.forEach((c, i) => once(c, i))
  rmSync(dir, { recursive: true, force: true })

  const base = samples[0]
  const pairRatio = (i) => median(samples[i].wall.map((w, k) => w / base.wall[k]))
  const live = pairRatio(1)
  const startup = pairRatio(2)
  const rss = Math.max(median(samples[1].rss), median(samples[2].rss))
  const rows = commands.map((c, i) => [c.name, fmt(median(samples[i].wall), 1), fmt(median(samples[i].rss), 1), i === 0 ? '1.00' : fmt(pairRatio(i)), [...samples[i].codes].join(',')])
  log(`\nCLI cold start: ${runs} interleaved runs each, in a clean environment (PATH and HOME only) (median wall ms, median peak RSS MiB, median of pairwise ratios to node -e 0)\n`)
  log(table(['command', 'wall ms', 'peak RSS MiB', 'ratio', 'exit'], rows))
  const targets = [
    ['live ≤ 1.2× node -e 0', fmt(live), verdict(live <= 1.2)],
    ['startup (SQLite) ≤ 1.6× node -e 0', fmt(startup), verdict(startup <= 1.6)],
    ['peak RSS ≤ 60 MiB', fmt(rss, 1), verdict(rss <= 60)]
  ]
  log('\n' + table(['target', 'measured', 'verdict'], targets))
  return { live, startup, rss, samples: commands.map((c, i) => ({ name: c.name, ...samples[i], codes: [...samples[i].codes] })) }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.env.BENCH_RUNS ?? (process.argv.includes('--smoke') ? 3 : 20))
  await benchCli({ runs })
}
