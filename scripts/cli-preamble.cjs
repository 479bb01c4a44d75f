'use strict'
/* global SECTION_INDEX */
// The preamble of the CLI's bundles: scripts/build-cli.mjs puts it at the top of
// dist/bots-healthcheck.cjs and dist/bots-healthcheck-serve.cjs, with the file's index in place of
// SECTION_INDEX. It is the only code Node parses when it loads the file: the program follows in
// sections, in line comments, and this compiles each when it is first required (`main` at once),
// reusing the V8 code of an earlier run where it can (see codeCache).
{
  const sections = globalThis[Symbol.for('fastify-bots-health.sections')] ??= createSections()
  sections.index.set(__filename, SECTION_INDEX)
  try {
    sections.load(__filename, 'main', module)
  } catch (err) {
    // A damaged file, run as the CLI: one line and exit 2, as any error of the CLI's.
    if (require.main !== module) throw err
    process.stderr.write(`bots-healthcheck: error: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 2
  }
}

/** The section loader, one per process: both files register their index with it. */
function createSections () {
  const fs = require('node:fs')
  const path = require('node:path')
  const vm = require('node:vm')
  const Module = require('node:module')
  /** file -> { name: [offset, length, compressed, hash, length of the code] } */
  const index = new Map()
  /** id -> exports of the sections loaded as modules of their own */
  const loaded = new Map()
  const end = '\n//@end\n'
  let cache
  const unsaved = []

  /** A section's code: its lines read alone from where the index says, `//` taken off each. */
  function read (file, name, entry) {
    let text = ''
    if (entry !== undefined) {
      const fd = fs.openSync(file, 'r')
      try {
        const bytes = Buffer.allocUnsafe(entry[1] + end.length)
        text = bytes.latin1Slice(0, fs.readSync(fd, bytes, 0, bytes.length, entry[0]))
      } finally {
        fs.closeSync(fd)
      }
    }
    if (!text.startsWith('//') || !text.endsWith(end)) {
      throw new Error(`${file}: its section ${name} is not where its index says: the file is damaged or cut short; copy it again from the fastify-bots-health package`)
    }
    const code = ('\n' + text.slice(0, entry[1])).replaceAll('\n//', '\n').slice(1)
    return entry[2] ? require('node:zlib').brotliDecompressSync(Buffer.from(code, 'base64')).latin1Slice() : code
  }

  /** Runs section `name` of the file `from` is in, as module `into` (a module of its own if none). */
  function load (from, name, into) {
    const file = from.replace(/#[\w.-]+$/, '')
    const id = `${file}#${name}`
    if (into === undefined && loaded.has(id)) return loaded.get(id)
    const entry = index.get(file)?.[name]
    cache ??= codeCache() ?? false
    let code = cache !== false && entry !== undefined ? cache.get(entry[3], entry[4]) : undefined
    const fresh = code === undefined
    if (fresh) code = read(file, name, entry)
    const cachedData = fresh || cache === false ? undefined : cache.get(entry[3])
    const script = new vm.Script(Module.wrap(code), { filename: id, cachedData })
    if (cache !== false && (cachedData === undefined || script.cachedDataRejected === true)) {
      if (unsaved.length === 0) process.once('exit', save)
      unsaved.push({ hash: entry[3], code: fresh ? code : undefined, script })
    }
    const m = into ?? Object.assign(new Module(id, module), { filename: id, paths: module.paths })
    // As require() does: known before it runs (a cycle sees it), updated after.
    if (into === undefined) loaded.set(id, m.exports)
    script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, id, path.dirname(file))
    if (into === undefined) loaded.set(id, m.exports)
    return m.exports
  }

  /** At exit, for the next run: the code, and V8's for it (functions compiled lazily included). */
  function save () {
    for (const { hash, code, script } of unsaved) {
      if (code !== undefined) cache.set(`${hash}.js`, Buffer.from(code, 'latin1'))
      cache.set(hash, script.createCachedData())
    }
  }

  /**
   * A cache in a directory of this user's own (BOTS_HEALTHCHECK_CACHE_DIR, default
   * fastify-bots-health-UID in the temp dir; mode 0700; one owned by anyone else, or writable by
   * others, is not used), one subdirectory per Node version: for each section run, its code
   * (HASH.js: no decompressing) and V8's code cache for it (HASH). The hash is of the section's
   * code, so neither outlives the code it was made from; V8 rejects a cache made by another V8
   * or with other flags. Off with NODE_DISABLE_COMPILE_CACHE=1, and wherever the directory
   * cannot be made or written (a read-only file system): the sections are then read from the
   * file and compiled each time, as any script is.
   */
  function codeCache () {
    const uid = process.getuid?.()
    if (uid === undefined || process.env.NODE_DISABLE_COMPILE_CACHE === '1') return undefined
    try {
      const root = process.env.BOTS_HEALTHCHECK_CACHE_DIR || path.join(require('node:os').tmpdir(), `fastify-bots-health-${uid}`)
      fs.mkdirSync(root, { recursive: true, mode: 0o700 })
      const st = fs.lstatSync(root)
      if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) return undefined
      const dir = path.join(root, `${process.version}-${process.arch}`)
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
      return {
        /** The V8 cache of a section, or with `length`, its code (which must be that long). */
        get (hash, length) {
          try {
            if (length === undefined) return fs.readFileSync(path.join(dir, hash))
            const code = fs.readFileSync(path.join(dir, `${hash}.js`), 'latin1')
            return code.length === length ? code : undefined
          } catch {
            return undefined
          }
        },
        set (name, data) {
          const temp = path.join(dir, `${name}.${process.pid}`)
          try {
            fs.writeFileSync(temp, data, { mode: 0o600, flag: 'wx' })
            fs.renameSync(temp, path.join(dir, name))
          } catch {
            try { fs.unlinkSync(temp) } catch {}
          }
        }
      }
    } catch {
      return undefined
    }
  }

  return { index, load }
}
