// Bundles the CLI into CommonJS files that need nothing but `node`:
// - dist/bots-healthcheck.cjs: every command but serve. An exec probe spawns it every few
//   seconds, so its cold start is what counts.
// - dist/bots-healthcheck-serve.cjs: `serve`, with Fastify inside, loaded only by that command.
// SQLite is Node's own node:sqlite (22.13+, 24); better-sqlite3, the fallback for Node 20, is a
// native addon and stays outside.
//
// Each file is a short preamble (scripts/cli-preamble.cjs), the only code Node parses when it
// loads the file, followed by sections in line comments (which cost the parser next to nothing):
// `main`, the program, and one section per driver (mysql2, pg) and for yaml, each compiled only
// when a command needs it, with the V8 code cache of an earlier run where there is one. Parts of
// mysql2 that a probe never reaches (iconv-lite's code pages, the AWS certificate bundle) are
// sections of their own. Every section but main is brotli-compressed: the file stays small, and a
// probe reads only the sections it runs.
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { brotliCompressSync, constants } from 'node:zlib'
import { build } from 'esbuild'

const { version } = JSON.parse(readFileSync('package.json', 'utf8'))
const SERVE = 'bots-healthcheck-serve.cjs'
const PACKED = ['mysql2', 'pg', 'yaml']
/**
 * Modules inside a packed package that it requires late and rarely: sections of their own, so
 * that a probe does not read or compile them.
 */
const LAZY_PARTS = [
  // iconv-lite's double-byte code pages, each required on the first string in its charset.
  { section: (path) => `iconv-lite-${path.replace(/^.*\/|\.json$/g, '')}`, path: /^\.\/tables\/[\w-]+\.json$/, importer: /iconv-lite[/\\]encodings[/\\]dbcs-data\.js$/ },
  // mysql2's SSL profiles (the AWS RDS certificates), for `ssl: 'Amazon RDS'` alone.
  { section: () => 'mysql2-ssl-profiles', path: /^\.\/constants\/ssl_profiles\.js$/, importer: /mysql2[/\\]lib[/\\]connection_config\.js$/ },
  // mysql2's table of 4,000 error names, required at start and read on an error packet: its
  // modules only read properties of it, so it is loaded on the first read (a Proxy).
  { section: () => 'mysql2-errors', path: /^\.\.\/constants\/errors\.js$/, importer: /mysql2[/\\]lib[/\\]/, onFirstRead: true },
  // pg's crypto helpers read node:crypto's webcrypto at start; only a password exchange uses them.
  { section: () => 'pg-crypto', path: /^\.\/crypto\/utils$/, importer: /pg[/\\]lib[/\\]client\.js$/, onFirstRead: true },
  { section: () => 'pg-crypto', path: /^\.\/utils$/, importer: /pg[/\\]lib[/\\]crypto[/\\]sasl\.js$/, onFirstRead: true }
]
const KEY = 'fastify-bots-health.sections'
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  charset: 'ascii',
  // Optional parts of the drivers that this package never uses.
  external: ['better-sqlite3', 'pg-native', 'cloudflare:sockets', 'pino-pretty'],
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  metafile: true,
  // import() becomes require(): a section runs as a vm.Script, which has no loader for import().
  supported: { 'dynamic-import': false }
}

/** Every file of node_modules that went into a bundle: their packages' licences ship beside it. */
const bundledInputs = new Set()
const noteInputs = (result) => { for (const input of Object.keys(result.metafile.inputs)) if (input.includes('node_modules/')) bundledInputs.add(input) }

/** The call that loads a section of the file the calling code is in (the preamble's loader). */
const loadSection = (name) => `globalThis[Symbol.for(${JSON.stringify(KEY)})].load(__filename, ${JSON.stringify(name)})`
/** A module whose exports are those of a section of the same file, loaded on first require. */
const sectionStub = (name) => `module.exports = ${loadSection(name)};`

/** Code of one section, its inputs noted. */
async function bundle (options) {
  const out = await build({ ...common, ...options })
  noteInputs(out)
  const code = out.outputFiles[0].text
  if (/[^\w$.]import\(/.test(code)) throw new Error(`${options.entryPoints ?? options.stdin.contents}: an import() is left in the bundle`)
  return code
}

/** Sections of the lazy parts, built once whichever bundle reaches them. */
const lazySections = new Map()
/**
 * For the packed packages: their lazy parts become sections, and the built-in modules they
 * require at start but use only for some connections (TLS, compression, the crypto of a
 * password) are loaded on first use: node:crypto alone is 4 to 5 ms of a probe's start.
 */
const lazyPartsPlugin = {
  name: 'lazy-parts',
  setup (b) {
    for (const part of LAZY_PARTS) {
      b.onResolve({ filter: part.path }, async (a) => {
        if (!part.importer.test(a.importer) || a.pluginData === 'lazy-parts') return undefined
        const resolved = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, pluginData: 'lazy-parts' })
        if (resolved.errors.length > 0) return { errors: resolved.errors }
        const name = part.section(a.path)
        if (!lazySections.has(name)) lazySections.set(name, bundle({ entryPoints: [resolved.path] }))
        return { path: name, namespace: part.onFirstRead === true ? 'section-on-read' : 'section' }
      })
    }
    b.onLoad({ filter: /.*/, namespace: 'section' }, (a) => ({ loader: 'js', contents: sectionStub(a.path) }))
    b.onLoad({ filter: /.*/, namespace: 'section-on-read' }, (a) => ({ loader: 'js', contents: onFirstRead(loadSection(a.path)) }))
    b.onResolve({ filter: /^(node:)?(crypto|tls|zlib)$/ }, (a) => a.namespace === 'lazy-builtin' ? { path: a.path, external: true } : { path: a.path.replace(/^node:/, ''), namespace: 'lazy-builtin' })
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (a) => ({ loader: 'js', contents: onFirstRead(`require(${JSON.stringify(`node:${a.path}`)})`) }))
  }
}

/**
 * A module whose exports are those `load` returns, loaded when a property is first read: for
 * modules that the code requiring them only reads properties of.
 */
const onFirstRead = (load) => `let loaded;
const real = () => (loaded ??= ${load});
module.exports = new Proxy({}, {
  get: (_, key) => real()[key],
  has: (_, key) => key in real(),
  ownKeys: () => Reflect.ownKeys(real()),
  getOwnPropertyDescriptor: (_, key) => { const d = Reflect.getOwnPropertyDescriptor(real(), key); return d === undefined ? d : { ...d, configurable: true } }
});`

/** The packed packages as sections: `require('mysql2')` in a bundle loads the section. */
const packs = new Map()
const packedPlugin = {
  name: 'packed',
  setup (b) {
    b.onResolve({ filter: new RegExp(`^(${PACKED.join('|')})$`) }, (a) => {
      if (!packs.has(a.path)) {
        packs.set(a.path, bundle({ stdin: { contents: `module.exports = require(${JSON.stringify(a.path)})`, resolveDir: '.' }, plugins: [lazyPartsPlugin] }))
      }
      return { path: a.path, namespace: 'section' }
    })
    b.onLoad({ filter: /.*/, namespace: 'section' }, (a) => ({ loader: 'js', contents: sectionStub(a.path) }))
    // `serve` is a file of its own (below); the main bundle loads it by name.
    b.onResolve({ filter: /\/serve\.js$/ }, (a) => a.kind === 'entry-point' ? undefined : { path: a.path, external: true })
  }
}

/**
 * The preamble (scripts/cli-preamble.cjs) with this file's index of sections: where each is, in
 * bytes, whether it is compressed, and the hash of its code (the name of its code cache).
 */
const PREAMBLE = readFileSync('scripts/cli-preamble.cjs', 'utf8')
const preamble = (shebang, index) => {
  if (!PREAMBLE.includes('SECTION_INDEX)')) throw new Error('scripts/cli-preamble.cjs: no SECTION_INDEX to fill in')
  return `${shebang ? '#!/usr/bin/env node\n' : ''}// fastify-bots-health ${version}. Built by scripts/build-cli.mjs; licences in THIRD_PARTY_LICENSES.txt beside it.\n${PREAMBLE.replace('SECTION_INDEX)', `${index})`)}`
}
const END = '\n//@end\n'

/** One section as line comments; the code must be ASCII with no line that could end it early. */
function section (name, code, compress) {
  // The code exactly as the preamble will give it to V8: a code cache is checked against the
  // length of its source alone, so its name (the hash) must be of these very characters.
  code = code.trimEnd()
  const body = compress ? brotliCompressSync(Buffer.from(code, 'latin1'), { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length } }).toString('base64').replace(/.{1,4096}/g, '$&\n').trimEnd() : code
  if (/[\r\u0080-\uffff]/.test(body)) throw new Error(`section ${name}: holds a carriage return or a character beyond ASCII: it cannot live in line comments`)
  if (/^(@end|@section )/m.test(body)) throw new Error(`section ${name}: a line of its code reads like a section marker`)
  return { name, compress, hash: createHash('sha256').update(code).digest('hex').slice(0, 32), codeLength: code.length, head: `\n//@section ${name}${compress ? ' br' : ''}\n`, body: body.split('\n').map((l) => '//' + l).join('\n') }
}

/** The sections a bundle's code loads (their stubs, as esbuild wrote them). */
const sectionsRequired = (code) => [...code.matchAll(/Symbol\.for\("fastify-bots-health\.sections"\)\]\.load\(__filename,\s*"([\w.-]+)"\)/g)].map((m) => m[1])

/** A bundle file: the preamble, its main code, then every section that code (or a section) requires. */
async function writeBundle (file, { shebang, entry, define }) {
  const main = await bundle({
    entryPoints: [entry],
    define: { 'import.meta.url': '__cliUrl', __VERSION__: JSON.stringify(version), ...define },
    plugins: [packedPlugin],
    // __filename of the main section is FILE#main (its compile cache key); import.meta.url is the file's.
    banner: { js: 'const __cliUrl = require("node:url").pathToFileURL(__filename.replace(/#main$/, "")).href;' }
  })
  const used = sectionsRequired(main)
  const parts = [section('main', main, false)]
  const done = new Set()
  while (used.length > 0) {
    const name = used.shift()
    if (done.has(name)) continue
    done.add(name)
    const code = await (packs.get(name) ?? lazySections.get(name))
    if (code === undefined) throw new Error(`${file}: no section ${name} was built`)
    used.push(...sectionsRequired(code))
    parts.push(section(name, code, true))
  }
  // Offsets are written with a fixed width, so that the preamble's length does not depend on them.
  const indexText = (base) => {
    let at = base
    const entries = parts.map((p) => {
      at += p.head.length
      const entry = `${JSON.stringify(p.name)}: [${String(at).padStart(10)}, ${String(p.body.length).padStart(10)}, ${p.compress}, "${p.hash}", ${p.codeLength}]`
      at += p.body.length + END.length - 1
      return entry
    })
    return `{ ${entries.join(', ')} }`
  }
  const base = preamble(shebang, indexText(0)).length
  const text = preamble(shebang, indexText(base)) + parts.map((p) => p.head + p.body + END.slice(0, -1)).join('') + '\n'
  if (Buffer.byteLength(text) !== text.length) throw new Error(`${file}: not ASCII`)
  writeFileSync(file, text)
}

await writeBundle('dist/bots-healthcheck.cjs', { shebang: true, entry: 'dist/cli.js', define: { __SERVE_BUNDLE__: JSON.stringify(SERVE) } })
await writeBundle(`dist/${SERVE}`, { shebang: false, entry: 'dist/cli/serve.js', define: {} })
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
