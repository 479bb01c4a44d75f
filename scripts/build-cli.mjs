// Bundles the CLI into CommonJS files that need nothing but `node`:
// - dist/bots-healthcheck.cjs: every command but serve. An exec probe spawns it every few
//   seconds, so its cold start is what counts: one CommonJS file starts without Node's ES module
//   loader and without resolving a module graph. The MySQL and PostgreSQL drivers and yaml are
//   inside it too, but packed: each is a brotli-compressed bundle of its own, decompressed and
//   compiled only when a command needs it, so that a probe on SQLite, or `live`, never parses
//   the 1.5 MB they weigh.
// - dist/bots-healthcheck-serve.cjs: `serve`, with Fastify inside, loaded only by that command.
// SQLite is Node's own node:sqlite (22.13+, 24); better-sqlite3, the fallback for Node 20, is a
// native addon and stays outside.
import { chmodSync, readFileSync, statSync } from 'node:fs'
import { brotliCompressSync, constants } from 'node:zlib'
import { build } from 'esbuild'

const { version } = JSON.parse(readFileSync('package.json', 'utf8'))
const SERVE = 'bots-healthcheck-serve.cjs'
const PACKED = ['mysql2', 'pg', 'yaml']
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Optional parts of the drivers that this package never uses.
  external: ['better-sqlite3', 'pg-native', 'cloudflare:sockets', 'pino-pretty'],
  legalComments: 'none',
  logLevel: 'warning'
}
const banner = (shebang) => ({ js: `${shebang ? '#!/usr/bin/env node\n' : ''}const __cliUrl = require('node:url').pathToFileURL(__filename).href;` })

/** One package as a compressed CommonJS bundle, as base64. */
async function pack (name) {
  const out = await build({ ...common, stdin: { contents: `module.exports = require(${JSON.stringify(name)})`, resolveDir: '.' }, write: false, minify: true })
  const code = out.outputFiles[0].contents
  return brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length } }).toString('base64')
}

const packs = Object.fromEntries(await Promise.all(PACKED.map(async (name) => [name, await pack(name)])))
const packedPlugin = {
  name: 'packed',
  setup (b) {
    b.onResolve({ filter: new RegExp(`^(${PACKED.join('|')})$`) }, (a) => ({ path: a.path, namespace: 'packed' }))
    b.onLoad({ filter: /.*/, namespace: 'packed' }, (a) => ({
      loader: 'js',
      contents: `const { brotliDecompressSync } = require('node:zlib');
const { compileFunction } = require('node:vm');
const source = brotliDecompressSync(Buffer.from(${JSON.stringify(packs[a.path])}, 'base64')).toString('utf8');
const m = { exports: {} };
compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: __filename + '#${a.path}' })(m.exports, require, m, __filename, __dirname);
module.exports = m.exports;`
    }))
    // `serve` is a file of its own (below); the main bundle loads it by name.
    b.onResolve({ filter: /\/serve\.js$/ }, (a) => a.kind === 'entry-point' ? undefined : { path: a.path, external: true })
  }
}

await build({
  ...common,
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/bots-healthcheck.cjs',
  define: { 'import.meta.url': '__cliUrl', __VERSION__: JSON.stringify(version), __SERVE_BUNDLE__: JSON.stringify(SERVE) },
  plugins: [packedPlugin],
  banner: banner(true)
})
await build({
  ...common,
  entryPoints: ['dist/cli/serve.js'],
  outfile: `dist/${SERVE}`,
  minify: true,
  plugins: [packedPlugin],
  define: { 'import.meta.url': '__cliUrl', __VERSION__: JSON.stringify(version) },
  banner: banner(false)
})
chmodSync('dist/bots-healthcheck.cjs', 0o755)
for (const f of ['dist/bots-healthcheck.cjs', `dist/${SERVE}`]) console.log(`${f}: ${(statSync(f).size / 1024).toFixed(0)} KiB`)
