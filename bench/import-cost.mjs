// What loading the plugin adds to an app's start: `import('fastify')` alone, then with
// `import('fastify-bots-health')` (the built dist/), on each Node line, side by side against
// `node -e 0`. For reference, the same with `import('typebox')`, which the plugin loaded before its
// schemas were written out at build time (scripts/emit-schemas.mjs).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { timeInterleaved } from './cli.mjs'
import { fmt, table } from './lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const esm = (code) => ['--input-type=module', '-e', code]

export function benchImportCost ({ lines, runs = 20, log = console.log }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'))
  const results = []
  try {
    for (const line of lines) {
      const rows = timeInterleaved(line.bin, [
        { name: 'node -e 0', args: ['-e', '0'] },
        { name: 'import fastify', key: 'fastify', args: esm("await import('fastify')"), cwd: root },
        { name: 'import fastify, fastify-bots-health', key: 'plugin', args: esm("await import('fastify'); await import('fastify-bots-health')"), cwd: root },
        { name: 'import fastify, typebox (reference)', key: 'typebox', args: esm("await import('fastify'); await import('typebox')"), cwd: root }
      ], { runs, dir })
      const by = Object.fromEntries(rows.filter((r) => r.key !== undefined).map((r) => [r.key, r]))
      results.push({ label: line.label, rows, addedMs: by.plugin.wall - by.fastify.wall, addedMiB: by.plugin.rss - by.fastify.rss })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  for (const r of results) {
    log(`${r.label}\n\n` + table(['command', 'wall ms', 'peak RSS MiB', '× node -e 0'], r.rows.map((row) => [row.name, fmt(row.wall, 1), fmt(row.rss, 1), fmt(row.ratio)])) +
      `\n\nThe plugin adds ${fmt(r.addedMs, 1)} ms and ${fmt(r.addedMiB, 1)} MiB to an app's start that imports Fastify.\n`)
  }
  return results
}
