// Bundles the CLI into one CommonJS file, dist/bots-healthcheck.cjs. An exec probe spawns it
// every few seconds in every worker pod, so its cold start is what counts: one CommonJS file
// starts without Node's ES module loader and without resolving a module graph file by file.
// The database drivers stay outside the bundle and load only when a check needs them.
import { chmodSync } from 'node:fs'
import { build } from 'esbuild'

const outfile = 'dist/bots-healthcheck.cjs'
await build({
  entryPoints: ['dist/cli.js'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['better-sqlite3', 'mysql2', 'pg', 'yaml'],
  define: { 'import.meta.url': '__cliUrl' },
  banner: { js: "#!/usr/bin/env node\nconst __cliUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning'
})
chmodSync(outfile, 0o755)
