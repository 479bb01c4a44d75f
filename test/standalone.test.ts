// dist/bots-healthcheck.cjs copied alone next to a `node` binary, no node_modules anywhere: every
// command and check must run, on each Node line there is (NODE22_BIN, NODE24_BIN from .ci/run).
import { execFile, spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { botsEnv } from './helpers/app.js'
import { makeSqliteDb } from './helpers/cli.js'
import { createTestDatabase, type TestDatabase } from './helpers/mysql.js'
import { closedPort, statusOnceDraining } from './helpers/net.js'
import { nodeLines } from './helpers/node-lines.js'
import { createTestPgDatabase, type TestPgDatabase } from './helpers/postgres.js'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const alone = mkdtempSync(join(tmpdir(), 'cli-alone-'))
t.teardown(() => rmSync(alone, { recursive: true, force: true }))
for (const f of ['bots-healthcheck.cjs', 'bots-healthcheck-serve.cjs']) copyFileSync(join(dist, f), join(alone, f))
const cli = join(alone, 'bots-healthcheck.cjs')

let mysql: TestDatabase
let pg: TestPgDatabase
t.before(async () => {
  mysql = await createTestDatabase('alone')
  pg = await createTestPgDatabase('alone', ['channel', 'routes', 'ta', 'mutex'])
})
t.teardown(async () => { await mysql.drop(); await pg.drop() })

function run (bin: string, args: string[], env: Record<string, string> = {}, onStdout?: (chunk: string) => void): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    // cwd and env hold nothing of this checkout: no node_modules can be found from there
    const child = execFile(bin, [cli, ...args], { cwd: alone, env: { PATH: '/usr/bin:/bin', ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    })
    if (onStdout !== undefined) child.stdout?.on('data', (d: Buffer) => onStdout(d.toString()))
  })
}

t.test('the bundles are one file each, of a reasonable size', async (t) => {
  const main = statSync(cli).size
  const serve = statSync(join(alone, 'bots-healthcheck-serve.cjs')).size
  t.ok(main < 1024 * 1024, `bots-healthcheck.cjs ${(main / 1024).toFixed(0)} KiB`)
  t.ok(serve < 4 * 1024 * 1024, `bots-healthcheck-serve.cjs ${(serve / 1024).toFixed(0)} KiB`)
  // The exec probe's file parses no metrics library: prom-client is serve's alone.
  t.notMatch(readFileSync(cli, 'utf8'), /prom-client|kubernetes_healthchecks_total/, 'no prom-client in bots-healthcheck.cjs')
  t.match(readFileSync(join(alone, 'bots-healthcheck-serve.cjs'), 'utf8'), 'kubernetes_healthchecks_total')
})

// The Node lines side by side: each line's tests run in order, the lines at once (most of their
// time is spent waiting on the processes they start).
t.jobs = 3
for (const { label, bin } of nodeLines()) {
  t.test(label, { buffered: true }, async (t) => {
    const major = Number(/^v(\d+)/.exec(await new Promise<string>((resolve) => execFile(bin, ['--version'], (_e, out) => resolve(out))))?.[1])
    const builtinSqlite = major >= 22

    t.test(`${label}: --version, live, probes, lint, --url`, async (t) => {
      t.match(await run(bin, ['--version']), { code: 0, stdout: /^\d+\.\d+\.\d+\n$/ })
      t.match(await run(bin, ['--check', 'live']), { code: 0, stdout: 'Health Check: liveness\nStatus: ok\n' })
      t.match(await run(bin, ['probes', '--port', '9000']), { code: 0, stdout: /readinessProbe:\n {2}httpGet:\n {4}path: \/health\/ready\n {4}port: 9000/ })
      const lint = await run(bin, ['lint', fileURLToPath(new URL('../examples/k8s/jobqueue.yaml', import.meta.url))])
      t.equal(lint.code, 0, lint.stdout + lint.stderr)
      const server = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"status":"ok"}') })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      t.teardown(() => server.close())
      t.match(await run(bin, ['--url', `http://127.0.0.1:${(server.address() as AddressInfo).port}/health/live`]), { code: 0 })
    })

    t.test(`${label}: ready and startup on MySQL, PostgreSQL and SQLite`, async (t) => {
      const e = botsEnv(t)
      for (const url of [mysql.url, pg.url]) {
        for (const check of ['ready', 'startup']) {
          const r = await run(bin, ['--check', check, '--config-dir', e.configDir, '--database-url', url])
          t.equal(r.code, 0, `${check} on ${url.split(':')[0]}: ${r.stdout}${r.stderr}`)
        }
      }
      makeSqliteDb(e.botssys)
      const sqlite = await run(bin, ['--check', 'startup', '--config-dir', e.configDir])
      if (builtinSqlite) {
        t.equal(sqlite.code, 0, `node:sqlite: ${sqlite.stdout}${sqlite.stderr}`)
        t.equal(sqlite.stderr, '', 'no experimental warning')
      } else {
        t.equal(sqlite.code, 2, 'Node 20 has no node:sqlite and the folder no better-sqlite3: an error, said whole')
        t.match(sqlite.stderr, /^bots-healthcheck: error: database is SQLite, and SQLite needs Node 22\.13 or later \(node:sqlite\), or better-sqlite3 12 on Node [\d.]+: run `npm install better-sqlite3@12` \(/)
      }
      const down = await run(bin, ['--check', 'ready', '--config-dir', e.configDir, '--database-url', `mysql://u:pw-Secret1@127.0.0.1:${await closedPort()}/x`, '--json'])
      t.equal(down.code, 1)
      t.notMatch(down.stdout + down.stderr, 'pw-Secret1')
    })

    t.test(`${label}: --wait passes once Bots' tables appear; gives up when they do not`, async (t) => {
      const e = botsEnv(t)
      const db = await createTestDatabase('wait', [])
      t.teardown(() => db.drop())
      // the tables appear once the first attempt has been seen to fail, however long the start took
      let seen = ''
      let failedOnce = (): void => {}
      const firstAttempt = new Promise<void>((resolve) => { failedOnce = resolve })
      const waiting = run(bin, ['--check', 'startup', '--wait', '20', '--config-dir', e.configDir, '--database-url', db.url], {}, (chunk) => {
        seen += chunk
        if (seen.includes('\n')) failedOnce()
      })
      await Promise.race([firstAttempt, waiting])
      for (const table of ['channel', 'routes', 'ta', 'mutex']) await db.admin.query(`CREATE TABLE ${table} (id INT PRIMARY KEY)`)
      const r = await waiting
      t.equal(r.code, 0, r.stdout + r.stderr)
      const lines = r.stdout.split('\n')
      t.match(lines[0], /^\[0\.0 s\] startup: starting \(tables failing\)$/)
      t.match(lines[1], /^\[\d+\.\d s\] startup: started$/)
      t.match(r.stdout, /Status: started/)
      const started = Date.now()
      const never = await run(bin, ['--check', 'ready', '--wait', '2', '--config-dir', e.configDir, '--database-url', `mysql://root@127.0.0.1:${await closedPort()}/x`])
      t.equal(never.code, 1)
      t.match(never.stdout, /^\[0\.0 s\] readiness: not_ready \(database failing\)\ngave up after 2\.\d s \(--wait 2\)\n/)
      t.match(never.stdout, /Errors:\n {2}- Database check failed: .*ECONNREFUSED/)
      t.ok(Date.now() - started < 8000, 'within the budget and one attempt')
    })

    t.test(`${label}: serve answers the probes, drains on SIGTERM and exits 0`, async (t) => {
      const e = botsEnv(t)
      const port = await closedPort()
      const child = spawn(bin, [cli, 'serve', '--port', String(port), '--host', '127.0.0.1', '--drain-delay', '700', '--config-dir', e.configDir, '--database-url', mysql.url], { cwd: alone, env: { PATH: '/usr/bin:/bin' } })
      t.teardown(() => { child.kill('SIGKILL') })
      let out = ''
      child.stdout.on('data', (d: Buffer) => { out += d.toString() })
      let err = ''
      child.stderr.on('data', (d: Buffer) => { err += d.toString() })
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      const base = `http://127.0.0.1:${port}/health`
      for (let i = 0; i < 100 && !out.includes('probe server listening'); i++) await new Promise((resolve) => setTimeout(resolve, 50))
      t.match(out, 'probe server listening', err)
      t.equal(await fetch(`${base}/ping`).then((r) => r.text()), 'ok')
      const ready = await fetch(`${base}/ready`)
      t.equal(ready.status, 200)
      t.match(await ready.json(), { status: 'ready', checks: { database: true, botssys: true, usersys: true, config: true } })
      t.equal((await fetch(`${base}/startup`)).status, 200)
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`)
      t.equal(metrics.status, 200, 'prom-client runs from the bundle alone')
      t.match(await metrics.text(), /^kubernetes_healthcheck\{name="database",type="readyz"\} 1$/m)
      const signalled = Date.now()
      child.kill('SIGTERM')
      t.equal(await statusOnceDraining(`${base}/ready`), 503, 'readiness is 503 once the signal is handled')
      t.equal((await fetch(`${base}/live`)).status, 200, 'liveness stays 200 while draining')
      t.equal(await exited, 0)
      t.ok(Date.now() - signalled >= 650, 'it waited the drain delay')
      for (const line of out.trim().split('\n')) t.doesNotThrow(() => JSON.parse(line), 'a JSON log line')
      t.match(out, /"msg":"SIGTERM: readiness is now 503; closing after the drain delay"/)
      t.notMatch(out, 'ci-Pa55word')
    })

    t.test(`${label}: serve with a bad flag or a taken port: one clear line, exit 2`, async (t) => {
      const bad = await run(bin, ['serve', '--port', 'x'])
      t.equal(bad.code, 2)
      t.match(bad.stderr, /^bots-healthcheck: --port must be a whole number of at least 1, got "x"\n/)
      const taken = createServer()
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
      t.teardown(() => taken.close())
      const e = botsEnv(t)
      const r = await run(bin, ['serve', '--port', String((taken.address() as AddressInfo).port), '--host', '127.0.0.1', '--config-dir', e.configDir, '--database-url', mysql.url])
      t.equal(r.code, 2)
      t.match(r.stderr, /^bots-healthcheck: error: port \d+ on 127\.0\.0\.1 is already in use\n$/)
      t.notMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace')
    })
  })
}

t.test('the bundles ship their packages\' licences and a CycloneDX list of them', async (t) => {
  const bom = JSON.parse(readFileSync(join(dist, 'bundled-packages.cdx.json'), 'utf8')) as { bomFormat: string, specVersion: string, components: { name: string, version: string, purl: string, licenses: { license: { id?: string, name?: string } }[] }[] }
  t.match(bom, { bomFormat: 'CycloneDX', specVersion: '1.5' })
  const names = bom.components.map((c) => c.name)
  for (const bundled of ['mysql2', 'pg', 'yaml', 'fastify', 'avvio', 'pino', 'find-my-way', 'prom-client']) t.ok(names.includes(bundled), `${bundled} is listed`)
  const notices = readFileSync(join(dist, 'THIRD_PARTY_LICENSES.txt'), 'utf8')
  for (const c of bom.components) {
    t.ok(notices.includes(`${c.name}@${c.version} (`), `${c.name}@${c.version} has its notice`)
    t.match(c.purl, /^pkg:npm\/(%40[^/]+\/)?[^@]+@\d/)
    t.ok(c.licenses[0]?.license.id !== undefined || c.licenses[0]?.license.name !== undefined)
  }
  t.match(notices, /mysql2@[\d.]+ \(MIT\)\n\nCopyright/)
})
