// npm run bench:cli — the exec probe's cost against `node -e 0` on the same binary, measured side by
// side in one run, on Node 22 and 24 (bench/node-lines.mjs): the commands take turns (A B C … A B
// C …), each run's wall time is taken around the spawn and its peak RSS by the child itself
// (getrusage, through a one-line preload given to all alike). Prints medians and the medians of
// the pairwise ratios; the targets are ratios. Every command runs in a clean environment (PATH,
// HOME and the CLI's cache directory only), as a kubelet's exec probe does: an inherited
// NODE_OPTIONS or NODE_EXTRA_CA_CERTS slows node's own start (`node -e 0` 92 ms instead of 32
// with a CA file), which would flatter every ratio to it.
//
// The CLI keeps each section's code and V8's code cache in a directory (scripts/cli-preamble.cjs):
// each database has a directory of its own, filled by a warm-up that runs startup first, as the
// kubelet does in a pod; one row runs with the cache off (a read-only file system).
//
// Databases: BENCH_MYSQL_URL (else TEST_MYSQL_URL, else mysql://root@127.0.0.1:3306/test) and
// BENCH_PG_URL (else TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres), on which a
// database with Bots' tables is made and dropped; a server that does not answer leaves its rows out.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDemoEnv } from '../scripts/create-demo-env.mjs'
import { fmt, median, table, verdict } from './lib.mjs'
import { benchLines } from './node-lines.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'dist', 'bots-healthcheck.cjs')
const TABLES = ['channel', 'routes', 'ta', 'mutex']
/** The goals, as ratios to `node -e 0` on the same binary (issue 24), judged on Node 24. */
export const CLI_TARGETS = { live: 1.2, sqlite: 1.6, server: 2.0, rssMiB: 50 }

const hasPassword = (url) => new URL(url).password !== ''

async function mysqlDatabase (log) {
  const url = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
  const { createPool } = await import('mysql2/promise')
  const admin = createPool({ uri: url, connectionLimit: 1, connectTimeout: 3000 })
  const name = `bh_bench_cli_${process.pid}`
  try {
    await admin.query(`CREATE DATABASE \`${name}\``)
    for (const t of TABLES) await admin.query(`CREATE TABLE \`${name}\`.\`${t}\` (id INT PRIMARY KEY)`)
  } catch (err) {
    log(`(no MariaDB/MySQL at ${new URL(url).host}: ${err.code ?? err.message}; its rows are left out)`)
    await admin.end().catch(() => {})
    return undefined
  }
  const u = new URL(url)
  u.pathname = `/${name}`
  return { url: u.toString(), password: hasPassword(url), drop: async () => { await admin.query(`DROP DATABASE IF EXISTS \`${name}\``); await admin.end() } }
}

async function pgDatabase (log) {
  const url = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const { default: pg } = await import('pg')
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  const name = `bh_bench_cli_${process.pid}`
  try {
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
  } catch (err) {
    log(`(no PostgreSQL at ${new URL(url).host}: ${err.code ?? err.message}; its rows are left out)`)
    await admin.end().catch(() => {})
    return undefined
  }
  const u = new URL(url)
  u.pathname = `/${name}`
  const db = new pg.Client({ connectionString: u.toString() })
  await db.connect()
  for (const t of TABLES) await db.query(`CREATE TABLE ${t} (id INT PRIMARY KEY)`)
  await db.end()
  return { url: u.toString(), password: hasPassword(url), drop: async () => { await admin.query(`DROP DATABASE IF EXISTS ${name}`); await admin.end() } }
}

/**
 * Every command in turn on one binary, `runs` times, after a warm-up (commands marked `first`
 * before the others): median wall ms, median peak RSS MiB, and the median of the pairwise ratios
 * to the first command. Each runs in a clean environment: PATH, HOME and the command's own `env`.
 */
export function timeInterleaved (bin, commands, { runs, dir }) {
  const preload = join(dir, 'rss.cjs')
  const rssFile = join(dir, 'rss.txt')
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)))\n`)
  const samples = commands.map(() => ({ wall: [], rss: [], codes: new Set() }))
  const once = (c, i) => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...c.env }
    const started = process.hrtime.bigint()
    const r = spawnSync(bin, ['--require', preload, ...c.args], { stdio: 'ignore', env, cwd: c.cwd })
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    if (i !== undefined) {
      samples[i].wall.push(ms)
      samples[i].rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024)
      samples[i].codes.add(r.status)
    }
  }
  for (const c of [...commands.filter((c) => c.first === true), ...commands.filter((c) => c.first !== true)]) once(c)
  for (let n = 0; n < runs; n++) commands.forEach((c, i) => once(c, i))
  const ratio = (i) => median(samples[i].wall.map((w, k) => w / samples[0].wall[k]))
  return commands.map((c, i) => ({ name: c.name, key: c.key, wall: median(samples[i].wall), rss: median(samples[i].rss), ratio: i === 0 ? 1 : ratio(i), codes: [...samples[i].codes] }))
}

/** One Node line: the exec probe's commands, the warm-up filling each database's cache first. */
function benchLine (line, { runs, configDir, mysql, pg, dir }) {
  const cacheOf = (group) => ({ BOTS_HEALTHCHECK_CACHE_DIR: join(dir, `cache-${line.major}-${group}`) })
  const check = (c, ...more) => [cli, '--check', c, '--quiet', '--config-dir', configDir, ...more]
  const commands = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: '--check live', key: 'live', args: [cli, '--check', 'live', '--quiet'], env: cacheOf('sqlite') },
    { name: '--check startup, SQLite', key: 'startupSqlite', args: check('startup'), env: cacheOf('sqlite'), first: true },
    { name: '--check ready, SQLite', key: 'sqlite', args: check('ready'), env: cacheOf('sqlite') },
    ...(mysql === undefined
      ? []
      : [
          { name: '--check startup, MariaDB', args: check('startup', '--database-url', mysql.url), env: cacheOf('mysql'), first: true },
          { name: `--check ready, MariaDB${mysql.password ? '' : ' (no password)'}`, key: 'mysql', args: check('ready', '--database-url', mysql.url), env: cacheOf('mysql') },
          { name: '--check ready, MariaDB, cache off', key: 'mysqlNoCache', args: check('ready', '--database-url', mysql.url), env: { NODE_DISABLE_COMPILE_CACHE: '1' } }
        ]),
    ...(pg === undefined
      ? []
      : [
          { name: '--check startup, PostgreSQL', args: check('startup', '--database-url', pg.url), env: cacheOf('pg'), first: true },
          { name: `--check ready, PostgreSQL${pg.password ? '' : ' (no password)'}`, key: 'pg', args: check('ready', '--database-url', pg.url), env: cacheOf('pg') }
        ])
  ]
  return { label: line.label, major: line.major, rows: timeInterleaved(line.bin, commands, { runs, dir }) }
}

export async function benchCli ({ runs = 20, log = console.log, lines = benchLines(log) } = {}) {
  const { configDir } = await createDemoEnv()
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'))
  const [mysql, pg] = [await mysqlDatabase(log), await pgDatabase(log)]
  const results = []
  try {
    for (const line of lines) results.push(benchLine(line, { runs, configDir, mysql, pg, dir }))
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await mysql?.drop()
    await pg?.drop()
  }
  log(`\nThe exec probe's cost: ${runs} interleaved runs of each command per Node line, each in a clean environment (PATH, HOME, the CLI's cache directory). ` +
    'Median wall ms, median peak RSS MiB, and the median of the pairwise ratios to `node -e 0` on the same binary.\n')
  for (const r of results) {
    log(`${r.label}\n\n` + table(['command', 'wall ms', 'peak RSS MiB', '× node -e 0', 'exit'], r.rows.map((row) => [row.name, fmt(row.wall, 1), fmt(row.rss, 1), fmt(row.ratio), row.codes.join(',')])) + '\n')
  }
  const targets = []
  for (const r of results) {
    const by = Object.fromEntries(r.rows.filter((row) => row.key !== undefined).map((row) => [row.key, row]))
    const probes = r.rows.slice(1).filter((row) => row.key !== 'mysqlNoCache')
    const rss = Math.max(...probes.map((row) => row.rss))
    const goal = r.major === 24 ? '' : ' (the goals are for Node 24)'
    const judge = (ok) => r.major === 24 ? verdict(ok) : (ok ? 'within' : 'over')
    targets.push([`${r.label}: live ≤ ${CLI_TARGETS.live}× node -e 0${goal}`, fmt(by.live.ratio), judge(by.live.ratio <= CLI_TARGETS.live)])
    targets.push([`${r.label}: ready, SQLite ≤ ${CLI_TARGETS.sqlite}×`, fmt(by.sqlite.ratio), judge(by.sqlite.ratio <= CLI_TARGETS.sqlite)])
    if (by.mysql !== undefined) targets.push([`${r.label}: ready, MariaDB ≤ ${CLI_TARGETS.server}×`, fmt(by.mysql.ratio), judge(by.mysql.ratio <= CLI_TARGETS.server)])
    if (by.pg !== undefined) targets.push([`${r.label}: ready, PostgreSQL ≤ ${CLI_TARGETS.server}×`, fmt(by.pg.ratio), judge(by.pg.ratio <= CLI_TARGETS.server)])
    targets.push([`${r.label}: peak RSS of any probe ≤ ${CLI_TARGETS.rssMiB} MiB`, fmt(rss, 1), judge(rss <= CLI_TARGETS.rssMiB)])
  }
  log(table(['target', 'measured', 'verdict'], targets))
  return { lines: results, targets }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.env.BENCH_RUNS ?? (process.argv.includes('--smoke') ? 3 : 20))
  await benchCli({ runs })
}
