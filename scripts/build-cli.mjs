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
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
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

/** Every file of node_modules that went into a bundle: their packages' licences ship beside it. */
const bundledInputs = new Set()
const noteInputs = (result) => { for (const input of Object.keys(result.metafile.inputs)) if (input.includes('node_modules/')) bundledInputs.add(input) }

/** One package as a compressed CommonJS bundle, as base64. */
async function pack (name) {
  const out = await build({ ...common, stdin: { contents: `module.exports = require(${JSON.stringify(name)})`, resolveDir: '.' }, write: false, minify: true, metafile: true })
  noteInputs(out)
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

noteInputs(await build({
  ...common,
  metafile: true,
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/bots-healthcheck.cjs',
  define: { 'import.meta.url': '__cliUrl', __VERSION__: JSON.stringify(version), __SERVE_BUNDLE__: JSON.stringify(SERVE) },
  plugins: [packedPlugin],
  banner: banner(true)
}))
noteInputs(await build({
  ...common,
  metafile: true,
  entryPoints: ['dist/cli/serve.js'],
  outfile: `dist/${SERVE}`,
  minify: true,
  plugins: [packedPlugin],
  define: { 'import.meta.url': '__cliUrl', __VERSION__: JSON.stringify(version) },
  banner: banner(false)
}))
writeLicences()
chmodSync('dist/bots-healthcheck.cjs', 0o755)
// On stderr: `npm pack --json` runs the build, and its stdout must stay JSON.
for (const f of ['dist/bots-healthcheck.cjs', `dist/${SERVE}`]) console.error(`${f}: ${(statSync(f).size / 1024).toFixed(0)} KiB`)

/**
 * The bundles carry other packages' code without their comments: their licences go to
 * dist/THIRD_PARTY_LICENSES.txt, and the packages and versions to dist/bundled-packages.cdx.json
 * (CycloneDX 1.5), where a scanner finds them.
 */
function writeLicences () {
  const dirs = new Set()
  for (const input of bundledInputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (m !== null) dirs.add(m[1])
  }
  const packages = [...dirs].map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
    const text = file !== undefined ? readFileSync(join(dir, file), 'utf8').trim() : undefined
    if (text === undefined && !existsSync(join(dir, 'package.json'))) throw new Error(`no package.json in ${dir}`)
    return { name: pkg.name, version: pkg.version, license: typeof pkg.license === 'string' ? pkg.license : 'UNKNOWN', text }
  }).filter((p, i, all) => all.findIndex((q) => q.name === p.name && q.version === p.version) === i)
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
  const missing = packages.filter((p) => p.text === undefined && p.license === 'UNKNOWN')
  if (missing.length > 0) throw new Error(`no licence found for ${missing.map((p) => p.name).join(', ')}`)
  const notices = packages.map((p) => `${p.name}@${p.version} (${p.license})\n\n${p.text ?? `Licensed under ${p.license}; the package ships no licence file.`}`)
  writeFileSync('dist/THIRD_PARTY_LICENSES.txt', `The CLI's bundles (dist/bots-healthcheck.cjs, dist/${SERVE}) contain these packages.\n\n${notices.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`)
  writeFileSync('dist/bundled-packages.cdx.json', JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: { component: { type: 'application', name: 'fastify-bots-health (bots-healthcheck bundles)', version } },
    components: packages.map((p) => ({ type: 'library', name: p.name, version: p.version, purl: `pkg:npm/${p.name.replace('@', '%40')}@${p.version}`, licenses: [{ license: p.license.includes(' ') ? { name: p.license } : { id: p.license } }] }))
  }, null, 2) + '\n')
}
