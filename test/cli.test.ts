import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import t, { type Test } from 'tap'
import { botsEnv as baseEnv } from './helpers/app.js'
import { type BotsEnv } from './helpers/bots-env.js'
import { makeSqliteDb, runCli, spawnCli, SQLITE_DRIVER, type CliResult } from './helpers/cli.js'
import { createTestDatabase, MYSQL_HOST, MYSQL_PORT, type TestDatabase } from './helpers/mysql.js'
import { closedPort, hungServer } from './helpers/net.js'
import { schemaErrors } from './helpers/schema.js'
import { fakeWorker } from './helpers/worker.js'

let db: TestDatabase
t.before(async () => { db = await createTestDatabase('cli') })
t.teardown(async () => { await db.drop() })

/** A Bots environment with its SQLite database, ready to probe. */
function botsEnv (t: Test, o: Parameters<typeof baseEnv>[1] & { sqlite?: boolean } = {}): BotsEnv & { sqlitePath: string } {
  const e = baseEnv(t, o)
  const sqlitePath = join(e.botssys, 'sqlitedb', 'botsdb')
  if (o.sqlite !== false && o.botssys !== false) makeSqliteDb(e.botssys)
  return { ...e, sqlitePath }
}

function noStack (t: Test, r: CliResult): void {
  t.notMatch(r.stdout + r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace')
}

t.test('live prints two lines and exits 0', async (t) => {
  const r = await spawnCli(['--check', 'live'])
  t.equal(r.code, 0)
  t.equal(r.stdout, 'Health Check: liveness\nStatus: ok\n')
  t.equal(r.stderr, '')
  const dflt = await spawnCli([])
  t.equal(dflt.stdout, r.stdout, '--check defaults to live')
})

t.test('live depends on nothing: malformed bots.ini, no directories, database down', async (t) => {
  const e = botsEnv(t, { ini: 'garbage without a section\n', botssys: false, usersys: false })
  const port = await closedPort()
  const r = await runCli(['--check', 'live', '--config-dir', e.configDir, '--database-url', `mysql://root@127.0.0.1:${port}/x`])
  t.equal(r.code, 0)
  const json = await runCli(['--check', 'live', '--json', '--config-dir', '/nonexistent'])
  t.same(JSON.parse(json.stdout), { status: 'ok', check: 'liveness', message: 'Process is alive' })
})

t.test('ready and startup on Bots\' SQLite default: exit 0, the seed\'s text', async (t) => {
  const e = botsEnv(t)
  const ready = await runCli(['--check', 'ready', '--config-dir', e.configDir])
  t.equal(ready.code, 0, ready.stdout + ready.stderr)
  t.equal(ready.stdout, 'Health Check: readiness\nStatus: ready\n\nChecks:\n  ✓ database\n  ✓ botssys\n  ✓ usersys\n  ✓ config\n')
  const startup = await runCli(['--check', 'startup', '--config-dir', e.configDir])
  t.equal(startup.code, 0)
  t.equal(startup.stdout, 'Health Check: startup\nStatus: started\n\nChecks:\n  ✓ database\n  ✓ tables\n  ✓ botssys\n  ✓ usersys\n  ✓ config\n')
})

t.test('--json prints the route\'s report, schema-valid, also when unhealthy', async (t) => {
  const e = botsEnv(t, { data: false })
  const ok = await runCli(['--check', 'ready', '--json', '--config-dir', e.configDir])
  t.equal(ok.code, 0)
  t.equal(schemaErrors('BotsHealthReadyReport', JSON.parse(ok.stdout)), '')
  const bad = await runCli(['--check', 'startup', '--json', '--config-dir', e.configDir])
  t.equal(bad.code, 1)
  const report = JSON.parse(bad.stdout)
  t.equal(schemaErrors('BotsHealthStartupReport', report), '')
  t.equal(report.status, 'starting')
  t.same(report.errors, [`botssys/data directory not found: ${join(e.botssys, 'data')}`])
  t.match(bad.stdout, /^\{\n {2}"status"/, 'indented by 2')
})

t.test('--quiet prints nothing, in every outcome', async (t) => {
  const e = botsEnv(t, { usersys: false })
  for (const check of ['live', 'ready', 'startup']) {
    const r = await runCli(['--check', check, '--quiet', '--config-dir', e.configDir])
    t.equal(r.code, check === 'live' ? 0 : 1, check)
    t.equal(r.stdout + r.stderr, '', check)
  }
  const bad = await runCli(['--check', 'nope', '--quiet'])
  t.equal(bad.code, 2)
})

t.test('unhealthy text lists the failing checks and errors', async (t) => {
  const e = botsEnv(t, { usersys: false })
  const r = await runCli(['--check', 'ready', '--config-dir', e.configDir])
  t.equal(r.code, 1)
  t.equal(r.stdout, `Health Check: readiness\nStatus: not_ready\n\nChecks:\n  ✓ database\n  ✓ botssys\n  ✗ usersys\n  ✓ config\n\nErrors:\n  - usersys directory not found: ${e.usersys}\n`)
})

t.test('no data dir: startup 1, ready 0', async (t) => {
  const e = botsEnv(t, { data: false })
  t.equal((await runCli(['--check', 'ready', '--config-dir', e.configDir])).code, 0)
  t.equal((await runCli(['--check', 'startup', '--config-dir', e.configDir])).code, 1)
})

t.test('a missing SQLite file is database false, and it is still missing afterwards', async (t) => {
  const e = botsEnv(t, { sqlite: false })
  for (const check of ['ready', 'startup']) {
    const r = await runCli(['--check', check, '--json', '--config-dir', e.configDir])
    t.equal(r.code, 1)
    const report = JSON.parse(r.stdout)
    t.equal(report.checks.database, false)
    t.match(report.errors[0], `Database check failed: SQLite database not found: ${e.sqlitePath}`)
  }
  t.notOk(existsSync(e.sqlitePath), 'no database file was created')
  t.notOk(existsSync(join(e.botssys, 'sqlitedb')), 'nor its directory')
})

t.test('an empty SQLite database: ready 0, startup 1 with every table missing', async (t) => {
  const e = botsEnv(t, { sqlite: false })
  makeSqliteDb(e.botssys, [])
  t.equal((await runCli(['--check', 'ready', '--config-dir', e.configDir])).code, 0)
  const r = await runCli(['--check', 'startup', '--json', '--config-dir', e.configDir])
  t.equal(r.code, 1)
  t.same(JSON.parse(r.stdout).errors, ['Missing tables: channel, routes, ta, mutex'])
  writeFileSync(e.sqlitePath, '')
  const zero = await runCli(['--check', 'startup', '--json', '--config-dir', e.configDir])
  t.same(JSON.parse(zero.stdout).errors, ['Missing tables: channel, routes, ta, mutex'], 'a zero-byte file too')
})

t.test('a file that is not a database is database false with SQLite\'s reason', async (t) => {
  const e = botsEnv(t, { sqlite: false })
  makeSqliteDb(e.botssys, [])
  writeFileSync(e.sqlitePath, 'this is not a database, but long enough to have a header of its own '.repeat(20))
  const r = await runCli(['--check', 'ready', '--json', '--config-dir', e.configDir])
  t.equal(r.code, 1)
  t.match(JSON.parse(r.stdout).errors[0], /^Database check failed: .*not a database/)
})

t.test('no bots.ini: ready and startup 1, an error naming the file, the default botssys used', async (t) => {
  const e = botsEnv(t, { ini: null })
  for (const check of ['ready', 'startup']) {
    const r = await runCli(['--check', check, '--json', '--config-dir', e.configDir])
    t.equal(r.code, 1)
    const report = JSON.parse(r.stdout)
    t.equal(report.checks.config, false)
    t.equal(report.checks.database, true, 'the SQLite database is looked for in the default botssys')
    t.same(report.errors, [`bots.ini not found: ${join(e.configDir, 'bots.ini')}`])
  }
})

t.test('a malformed bots.ini: exit 1 with the line that failed, no traceback', async (t) => {
  const e = botsEnv(t, { ini: '[directories]\nbotssys = botssys\nusersys\n' })
  const r = await spawnCli(['--check', 'startup', '--config-dir', e.configDir])
  t.equal(r.code, 1)
  t.match(r.stdout, `  - ${join(e.configDir, 'bots.ini')} line 3: expected "key = value", "key: value" or "[section]" (configparser's ParsingError), got: a line of 7 characters (withheld: it may hold a secret)`)
  noStack(t, r)
})

t.test('--config-dir that is missing or a file gives a clear unhealthy report', async (t) => {
  const file = join(tmpdir(), `bots-cli-file-${process.pid}`)
  writeFileSync(file, 'x')
  t.teardown(() => rmSync(file, { force: true }))
  const missing = await runCli(['--check', 'startup', '--config-dir', '/nonexistent/config'])
  t.equal(missing.code, 1)
  t.match(missing.stdout, '  - config directory not found: /nonexistent/config')
  const isFile = await runCli(['--check', 'ready', '--config-dir', file])
  t.equal(isFile.code, 1)
  t.match(isFile.stdout, `  - config directory is not a directory: ${file}`)
  noStack(t, isFile)
})

t.test('the working directory does not matter: relative paths resolve against the bots environment', async (t) => {
  const e = botsEnv(t)
  const fromRoot = await runCli(['--check', 'startup', '--json', '--config-dir', e.configDir], { cwd: '/' })
  const fromTmp = await runCli(['--check', 'startup', '--json', '--config-dir', e.configDir], { cwd: tmpdir() })
  const fromEnv = await runCli(['--check', 'startup', '--json', '--config-dir', 'config'], { cwd: e.root })
  for (const r of [fromRoot, fromTmp, fromEnv]) t.equal(r.code, 0, r.stdout)
  t.same(JSON.parse(fromRoot.stdout).checks, JSON.parse(fromTmp.stdout).checks)
  const viaEnv = await runCli(['--check', 'startup'], { cwd: '/', env: { BOTS_CONFIG_DIR: e.configDir } })
  t.equal(viaEnv.code, 0, 'BOTS_CONFIG_DIR')
  const dflt = await runCli(['--check', 'startup'], { cwd: e.root })
  t.equal(dflt.code, 0, './config is the last default')
  t.ok(relative(e.root, e.configDir) === 'config')
})

t.test('MySQL through DATABASE_URL: 0 with the tables, 1 with one dropped, 1 when refused', async (t) => {
  const own = await createTestDatabase('cli_drop')
  t.teardown(() => own.drop())
  const e = botsEnv(t, { sqlite: false })
  const ok = await runCli(['--check', 'startup', '--config-dir', e.configDir], { env: { DATABASE_URL: own.url } })
  t.equal(ok.code, 0, ok.stdout)
  await own.admin.query('DROP TABLE mutex')
  const dropped = await runCli(['--check', 'startup', '--json', '--config-dir', e.configDir], { env: { DATABASE_URL: own.url } })
  t.equal(dropped.code, 1)
  t.same(JSON.parse(dropped.stdout).errors, ['Missing tables: mutex'])
  const port = await closedPort()
  const refused = await runCli(['--check', 'ready', '--json', '--config-dir', e.configDir], { env: { DATABASE_URL: `mariadb://root@127.0.0.1:${port}/x` } })
  t.equal(refused.code, 1)
  t.match(JSON.parse(refused.stdout).errors[0], /^Database check failed: .*ECONNREFUSED/)
})

t.test('a hung database: exit 1 by the deadline, not at the driver\'s connect timeout', async (t) => {
  const hung = await hungServer()
  t.teardown(() => hung.close())
  const e = botsEnv(t)
  const r = await spawnCli(['--check', 'ready', '--timeout', '300', '--config-dir', e.configDir, '--database-url', `mysql://root@127.0.0.1:${hung.port}/x`])
  t.equal(r.code, 1)
  t.match(r.stdout, 'Database check failed: timed out after 300 ms')
  t.ok(r.ms < 3000, `exited after ${r.ms} ms`)
})

t.test('precedence: --database-url > DATABASE_URL > DB_* > SQLite default', async (t) => {
  const e = botsEnv(t, { sqlite: false }) // the SQLite default is missing: only a chosen MySQL passes
  const port = await closedPort()
  const refused = `mysql://root@127.0.0.1:${port}/x`
  const dbEnv = { DB_HOST: MYSQL_HOST, DB_PORT: String(MYSQL_PORT), DB_NAME: db.name, DB_USER: new URL(db.url).username, DB_PASSWORD: decodeURIComponent(new URL(db.url).password) }
  const args = ['--check', 'startup', '--json', '--config-dir', e.configDir]
  t.equal((await runCli([...args, '--database-url', db.url], { env: { DATABASE_URL: refused, DB_HOST: '127.0.0.1', DB_PORT: String(port) } })).code, 0, '--database-url wins')
  t.equal((await runCli(args, { env: { DATABASE_URL: db.url, DB_HOST: '127.0.0.1', DB_PORT: String(port) } })).code, 0, 'DATABASE_URL beats DB_*')
  t.equal((await runCli(args, { env: dbEnv })).code, 0, 'DB_* beats the SQLite default')
  const sqlite = await runCli(args)
  t.equal(sqlite.code, 1)
  t.match(JSON.parse(sqlite.stdout).errors[0], 'SQLite database not found', 'SQLite last')
  t.equal((await runCli([...args, '--database-url', refused], { env: { DATABASE_URL: db.url } })).code, 1, 'a bad --database-url is not skipped')
  const sqliteUrl = botsEnv(t)
  t.equal((await runCli(['--check', 'startup', '--config-dir', e.configDir, '--database-url', `sqlite:${sqliteUrl.sqlitePath}`])).code, 0, 'sqlite:PATH')
  t.equal((await runCli(['--check', 'startup', '--config-dir', e.configDir, '--database-url', sqliteUrl.sqlitePath])).code, 0, 'a plain path')
})

t.test('no password in any output', async (t) => {
  const e = botsEnv(t, { sqlite: false })
  const secret = 'N0t-The-Pa55word'
  const u = new URL(db.url)
  u.username = 'bots_nobody'
  u.password = secret
  // The bundle's stdout and stderr once, the rest in-process.
  const runs = [
    await spawnCli(['--check', 'startup', '--config-dir', e.configDir], { env: { DATABASE_URL: u.toString() } }),
    await runCli(['--check', 'startup', '--json', '--config-dir', e.configDir, '--database-url', u.toString()]),
    await runCli(['--check', 'ready', '--config-dir', e.configDir], { env: { DB_HOST: MYSQL_HOST, DB_PORT: String(MYSQL_PORT), DB_USER: 'bots_nobody', DB_PASSWORD: secret, DB_NAME: 'x' } }),
    await runCli(['--check', 'ready', '--config-dir', e.configDir, '--database-url', `ftp://user:${secret}@host/x`])
  ]
  for (const r of runs) {
    t.not(r.code, 0)
    t.notMatch(r.stdout + r.stderr, secret)
    noStack(t, r)
  }
  t.match(runs[0]?.stdout, /Access denied/)
  t.equal(runs[3]?.code, 2, 'an unsupported URL is an error of the probe')
  t.match(runs[3]?.stderr, 'bots-healthcheck: error: database URL has an unsupported scheme "ftp:" (ftp://host/x)')
})

t.test('bad arguments: usage on stderr, exit 2, no stack trace', async (t) => {
  const cases = [['--bogus'], ['--check', 'nope'], ['--check'], ['--timeout', 'soon'], ['--timeout', '0'], ['positional'], ['--config-dir', '']]
  for (const [i, args] of cases.entries()) {
    // The first through a real process (its exit code, its stderr); the parser's cases in-process.
    const r = i === 0 ? await spawnCli(args) : await runCli(args)
    t.equal(r.code, 2, args.join(' '))
    t.equal(r.stdout, '')
    t.match(r.stderr, /^bots-healthcheck: .+\nusage: bots-healthcheck \[--check live\|ready\|startup\]/)
    noStack(t, r)
  }
  t.match((await runCli(['--check', 'nope'])).stderr, '--check must be live, ready or startup, got "nope"')
})

t.test('--help and --version', async (t) => {
  const help = await spawnCli(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^usage: bots-healthcheck/)
  t.match(help.stdout, '--database-url URL')
  const version = await spawnCli(['--version'])
  t.equal(version.code, 0)
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  t.equal(version.stdout, `${pkg.version}\n`)
})

t.test('a probe loads neither Fastify nor TypeBox, and live loads no driver', async (t) => {
  const e = botsEnv(t)
  const trace = join(e.root, 'imports.txt')
  const esm = new URL('./fixtures/trace-imports.mjs', import.meta.url).pathname
  const cjs = new URL('./fixtures/trace-requires.cjs', import.meta.url).pathname
  for (const check of ['live', 'startup']) {
    writeFileSync(trace, '')
    const r = await spawnCli(['--check', check, '--config-dir', e.configDir], { nodeArgs: ['--require', cjs, '--import', esm], env: { TRACE_IMPORTS_FILE: trace } })
    t.equal(r.code, 0)
    const loaded = readFileSync(trace, 'utf8')
    t.match(loaded, /dist\/bots-healthcheck\.cjs/, 'the trace works')
    t.notMatch(loaded, /node_modules\/(fastify|typebox|@fastify|mysql2)\//, `${check} loads no fastify, typebox or mysql2`)
    if (check === 'live') t.notMatch(loaded, /better-sqlite3|node:sqlite/, 'live loads no database driver')
    else if (SQLITE_DRIVER === 'better-sqlite3') t.match(loaded, /better-sqlite3/, 'startup on SQLite loads its driver')
    else t.notMatch(loaded, /better-sqlite3/, 'startup on SQLite uses node:sqlite, no addon')
  }
})

t.test('bots.ini that Bots cannot use: exit 1 with the reason, never exit 2 with a Node message', async (t) => {
  const cases: [string, string | Buffer, RegExp, boolean][] = [
    // a path named "true", as Bots reads it: bots.ini is fine, the directory is not there
    ['botssys = true', '[directories]\nbotssys = true\nusersys = null\n', /botssys directory not found: .*\/true/, true],
    ['a NUL in a path', '[directories]\nbotssys = /a\u0000b\n', /\[directories\] botssys holds a NUL character/, false],
    ['a byte-order mark', '\uFEFF[directories]\nbotssys = botssys\n', /line 1: the file starts with a UTF-8 byte-order mark/, false],
    ['Latin-1 bytes', Buffer.concat([Buffer.from('[directories]\nbotssys = /srv/donn'), Buffer.from([0xe9]), Buffer.from('es\n')]), /line 2: byte 0xe9 at offset 33 is not UTF-8/, false]
  ]
  for (const [label, ini, reason, config] of cases) {
    const e = botsEnv(t)
    writeFileSync(join(e.configDir, 'bots.ini'), ini)
    for (const check of ['ready', 'startup']) {
      const r = await runCli(['--check', check, '--config-dir', e.configDir, '--json'])
      t.equal(r.code, 1, `${label}, ${check}: exit 1 (${r.stderr})`)
      const report = JSON.parse(r.stdout) as { checks: { config: boolean }, errors: string[] }
      t.equal(report.checks.config, config, `${label}: config ${String(config)}`)
      t.match(report.errors.join('\n'), reason, `${label}: the reason`)
      noStack(t, r)
    }
  }
})

t.test('worker flags: live watches the process and the jobqueue; ready adds writable and disk', async (t) => {
  const e = botsEnv(t)
  const marker = `bots-dirmonitor-${process.pid}`
  await fakeWorker(t, marker)
  const live = await runCli(['--check', 'live', '--process', marker, '--json'])
  t.equal(live.code, 0, live.stdout + live.stderr)
  t.match(JSON.parse(live.stdout), { status: 'ok', checks: { process: true } })
  const gone = await runCli(['--check', 'live', '--process', `${marker}-gone`])
  t.equal(gone.code, 1)
  t.match(gone.stdout, /^Health Check: liveness\nStatus: not_alive\n\nChecks:\n {2}✗ process\n\nErrors:\n {2}- no process/)
  const port = await closedPort()
  writeFileSync(join(e.configDir, 'bots.ini'), `[jobqueue]\nport = ${port}\n[directories]\nbotssys = botssys\nusersys = usersys\n`)
  const jq = await runCli(['--check', 'live', '--jobqueue', '--config-dir', e.configDir, '--json'])
  t.equal(jq.code, 1)
  t.match(JSON.parse(jq.stdout).errors, [`jobqueueserver on 127.0.0.1:${port}: connection refused`], 'the port comes from bots.ini')
  const ready = await runCli(['--check', 'ready', '--writable', '--disk', '--min-free', '1MiB', '--config-dir', e.configDir, '--json'])
  t.equal(ready.code, 0, ready.stdout)
  t.match(JSON.parse(ready.stdout).checks, { writable: true, disk: true })
  const bad = await runCli(['--check', 'ready', '--min-free', 'lots'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, '--min-free must be a share or a size, e.g. 5% or 500MiB, got "lots"')
  t.match((await runCli(['--check', 'live', '--wait', '5'])).stderr, '--wait goes with --check ready or --check startup')
})

t.test('--fresh-volume: an init container before the first Bots process passes startup on the database, the tables and bots.ini alone', async (t) => {
  const fresh = await createTestDatabase('fresh')
  t.teardown(() => fresh.drop())
  const e = botsEnv(t, { botssys: false, usersys: false })
  const args = ['--check', 'startup', '--config-dir', e.configDir, '--database-url', fresh.url]
  const before = await runCli(args)
  t.equal(before.code, 1, 'startup needs botssys/data and usersys, which no Bots process has made yet')
  t.match(before.stdout, /botssys directory not found/)
  const r = await runCli([...args, '--fresh-volume', '--json'])
  t.equal(r.code, 0, r.stdout + r.stderr)
  t.same(Object.keys((JSON.parse(r.stdout) as { checks: object }).checks), ['database', 'tables', 'config'])
  const broken = botsEnv(t, { ini: 'garbage without a section\n', botssys: false, usersys: false })
  t.equal((await runCli(['--check', 'startup', '--fresh-volume', '--config-dir', broken.configDir, '--database-url', fresh.url])).code, 1, 'bots.ini is still required')
  const wrong = await runCli(['--check', 'ready', '--fresh-volume', '--config-dir', e.configDir])
  t.equal(wrong.code, 2)
  t.match(wrong.stderr, '--fresh-volume goes with --check startup')
})

t.test('--docker: 0 healthy, 1 anything else (Docker reserves 2 in a HEALTHCHECK); without it, exec probes keep 0/1/2', async (t) => {
  const port = await closedPort()
  const url = `http://127.0.0.1:${port}/health/live`
  t.equal((await runCli(['--url', url, '--timeout', '500'])).code, 2, 'no answer: 2')
  const docker = await runCli(['--url', url, '--timeout', '500', '--docker'])
  t.equal(docker.code, 1, 'no answer under --docker: 1')
  t.match(docker.stdout + docker.stderr, /connection refused|ECONNREFUSED/i, 'and it still says why')
  t.equal((await runCli(['--url', url, '--nonsense', '--docker'])).code, 1, 'a usage error under --docker: 1')
  t.equal((await runCli(['--url', url, '--nonsense'])).code, 2)
})

t.test('HEALTH_CHECK_DB_ONLY: true, 1, yes, on (any case) turn database-only readiness on; other values leave it off', async (t) => {
  const e = botsEnv(t)
  for (const [value, mode] of [['1', 'database_only'], ['TRUE', 'database_only'], ['on', 'database_only'], ['0', undefined], ['maybe', undefined]] as const) {
    const r = await runCli(['--check', 'ready', '--config-dir', e.configDir, '--database-url', db.url, '--json'], { env: { HEALTH_CHECK_DB_ONLY: value } })
    t.equal((JSON.parse(r.stdout) as { mode?: string }).mode, mode, `HEALTH_CHECK_DB_ONLY=${value}`)
  }
})

t.test('the README\'s CLI synopsis names every flag the CLI takes', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const help = (await runCli(['--help'])).stdout
  const flags = [...new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0]))]
  t.ok(flags.length > 30, `${flags.length} flags in --help`)
  const synopsis = readme.slice(readme.indexOf('\n## The CLI\n'), readme.indexOf('\n## Kubernetes\n'))
  for (const flag of flags) t.ok(synopsis.includes(flag), `${flag} is in the README's CLI section`)
})
