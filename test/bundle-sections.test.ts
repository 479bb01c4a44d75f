// dist/bots-healthcheck.cjs is a preamble and sections in line comments (scripts/build-cli.mjs,
// scripts/cli-preamble.cjs): a probe reads and compiles only the sections it runs, and keeps
// their code and V8's code cache in a directory of its own for the next run. These run the real
// file, on every Node line there is, against the real servers.
import { execFile } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { botsEnv } from './helpers/app.js'
import { createTestDatabase, type TestDatabase } from './helpers/mysql.js'
import { nodeLines } from './helpers/node-lines.js'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'cli-sections-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))
const cli = join(work, 'bots-healthcheck.cjs')
copyFileSync(join(dist, 'bots-healthcheck.cjs'), cli)
const text = readFileSync(cli, 'latin1')
type Entry = [offset: number, length: number, compressed: boolean, hash: string, codeLength: number]
/** The file's own index: section name -> where it is, and the hash of its code. */
const index = JSON.parse(/sections\.index\.set\(__filename, (\{.*\})\)/.exec(text)?.[1] ?? '{}') as Record<string, Entry>
function section (name: string): Entry {
  const e = index[name]
  if (e === undefined) throw new Error(`no section ${name} in the index`)
  return e
}

let mysql: TestDatabase
t.before(async () => { mysql = await createTestDatabase('sections') })
t.teardown(async () => { await mysql.drop() })

function run (bin: string, args: string[], env: Record<string, string>, file = cli): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, [file, ...args], { cwd: work, env: { PATH: '/usr/bin:/bin', ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    })
  })
}

/** What a run left in the cache: file names (of the one Node version's subdirectory). */
function cached (root: string): string[] {
  if (!existsSync(root)) return []
  return readdirSync(root).flatMap((v) => readdirSync(join(root, v))).sort()
}

t.test('the file: a preamble, then every section where the index says, each once', async (t) => {
  t.ok(text.startsWith('#!/usr/bin/env node\n'))
  const names = Object.keys(index)
  t.same(names.slice(0, 1), ['main'])
  for (const name of ['mysql2', 'pg', 'yaml', 'mysql2-errors', 'pg-crypto']) t.ok(names.includes(name), name)
  for (const [name, [at, length, compressed]] of Object.entries(index)) {
    t.equal(text.slice(text.lastIndexOf(`\n//@section ${name}`, at), at), `\n//@section ${name}${compressed ? ' br' : ''}\n`, `${name} starts at its offset`)
    t.equal(text.slice(at + length, at + length + 8), '\n//@end\n', `${name} ends at its length`)
  }
  // Node parses the preamble and skips comments: the code in it is a few KiB of the file.
  t.ok(section('main')[0] < 10 * 1024, `the preamble is ${section('main')[0]} bytes`)
})

for (const { label, bin } of nodeLines()) {
  t.test(`${label}: a probe compiles only what it runs, and the next run reuses the cache`, async (t) => {
    const root = join(work, `cache-${label.replace(/\W+/g, '-')}`)
    const env = { BOTS_HEALTHCHECK_CACHE_DIR: root }
    t.match(await run(bin, ['--check', 'live'], env), { code: 0, stdout: 'Health Check: liveness\nStatus: ok\n', stderr: '' })
    const main = section('main')[3]
    t.same(cached(root), [main, `${main}.js`], 'live ran main alone: its code and V8\'s for it')
    t.equal(statSync(root).mode & 0o777, 0o700, 'the cache directory is the user\'s alone')
    const [version] = readdirSync(root)
    t.equal(statSync(join(root, version ?? '', main)).mode & 0o777, 0o600)
    t.equal(readFileSync(join(root, version ?? '', `${main}.js`), 'latin1').length, section('main')[4], 'the code cached whole')

    const e = botsEnv(t)
    const ready = await run(bin, ['--check', 'ready', '--database-url', mysql.url, '--config-dir', e.configDir], env)
    t.equal(ready.code, 0, ready.stdout + ready.stderr)
    t.ok(cached(root).includes(section('mysql2')[3]), 'mysql2 was compiled and cached')
    t.notOk(cached(root).includes(section('mysql2-errors')[3]), 'mysql2\'s error names were never read')
    t.notOk(cached(root).includes(section('pg')[3]), 'pg was not read')

    // V8's cache is checked against the length of the code alone: a bad one must be rejected
    // (and replaced), and code of the wrong length never used.
    const v8 = join(root, version ?? '', main)
    writeFileSync(v8, Buffer.alloc(4096, 7))
    truncateSync(join(root, version ?? '', `${main}.js`), 100)
    t.match(await run(bin, ['--check', 'live'], env), { code: 0, stdout: 'Health Check: liveness\nStatus: ok\n', stderr: '' })
    t.not(readFileSync(v8).subarray(0, 16).toString('hex'), '07'.repeat(16), 'the rejected cache was made again')
    t.equal(readFileSync(join(root, version ?? '', `${main}.js`), 'latin1').length, section('main')[4], 'and the code written whole again')

    // An error packet reads mysql2's table of error names, a section loaded on first read.
    const denied = new URL(mysql.url)
    denied.password = 'not-the-Password1'
    const bad = await run(bin, ['--check', 'ready', '--database-url', denied.toString(), '--config-dir', e.configDir], env)
    t.equal(bad.code, 1)
    t.match(bad.stdout, /ER_ACCESS_DENIED_ERROR|ER_DBACCESS_DENIED_ERROR/, 'the error has its name')
    t.notMatch(bad.stdout + bad.stderr, 'not-the-Password1')
  })

  t.test(`${label}: a cache it cannot trust or write is not used, silently`, async (t) => {
    const open = join(work, `open-${label.replace(/\W+/g, '-')}`)
    mkdirSync(open)
    chmodSync(open, 0o777)
    t.match(await run(bin, ['--check', 'live'], { BOTS_HEALTHCHECK_CACHE_DIR: open }), { code: 0, stderr: '' })
    t.same(readdirSync(open), [], 'a directory others may write to is not used')
    const file = join(work, `a-file-${label.replace(/\W+/g, '-')}`)
    writeFileSync(file, '')
    t.match(await run(bin, ['--check', 'live'], { BOTS_HEALTHCHECK_CACHE_DIR: join(file, 'cache') }), { code: 0, stdout: /Status: ok/, stderr: '' }, 'a directory that cannot be made')
    const off = join(work, `off-${label.replace(/\W+/g, '-')}`)
    t.match(await run(bin, ['--check', 'live'], { BOTS_HEALTHCHECK_CACHE_DIR: off, NODE_DISABLE_COMPILE_CACHE: '1' }), { code: 0, stderr: '' })
    t.notOk(existsSync(off), 'NODE_DISABLE_COMPILE_CACHE=1 turns it off')
  })

  t.test(`${label}: a file cut short says so in one line, exit 2`, async (t) => {
    const short = join(work, `short-${label.replace(/\W+/g, '-')}.cjs`)
    writeFileSync(short, text.slice(0, section('main')[0] + 1000), 'latin1')
    const r = await run(bin, ['--check', 'live'], { NODE_DISABLE_COMPILE_CACHE: '1' }, short)
    t.equal(r.code, 2)
    t.equal(r.stdout, '')
    t.match(r.stderr, /^bots-healthcheck: error: .*short-.*\.cjs: its section main is not where its index says: the file is damaged or cut short; copy it again from the fastify-bots-health package\n$/)
  })
}
