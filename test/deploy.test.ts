import { execFile, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { botsEnv, healthApp } from './helpers/app.js'
import type { FastifyInstance } from 'fastify'
import SwaggerParser from '@apidevtools/swagger-parser'
import { parse, parseAllDocuments, stringify } from 'yaml'
import { build } from '../examples/server.js'
import { CLI, runCli, spawnCli } from './helpers/cli.js'
import { createTestDatabase, type TestDatabase } from './helpers/mysql.js'
import { closedPort, hungServer } from './helpers/net.js'
import { schemaErrors } from './helpers/schema.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const run = promisify(execFile)

let db: TestDatabase
t.before(async () => { db = await createTestDatabase('deploy') })
t.teardown(async () => { await db.drop() })

async function server (t: Test, opts: { usersys?: boolean } = {}): Promise<{ app: FastifyInstance, base: string }> {
  const e = botsEnv(t, { usersys: opts.usersys !== false })
  const app = await healthApp(t, { configDir: e.configDir, database: db.url, cacheTtlMs: 1000, failureCacheTtlMs: 250 }, {
    setup: (f) => { f.get('/moved', (_req, reply) => { reply.redirect('/health/live', 302) }) },
    listen: true
  })
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }
}

t.test('--url: 0 on 2xx and 3xx, 1 on another status, the report printed', async (t) => {
  const up = await server(t)
  const ok = await runCli(['--url', `${up.base}/health/ready`])
  t.equal(ok.code, 0)
  t.match(ok.stdout, /^Health Check: http:\/\/127\.0\.0\.1:\d+\/health\/ready\nStatus: 200\n\nChecks:\n {2}✓ database\n/)
  t.equal((await runCli(['--url', `${up.base}/moved`])).code, 0, 'a redirect counts as success, as for the kubelet')
  const down = await server(t, { usersys: false })
  const bad = await runCli(['--url', `${down.base}/health/ready`])
  t.equal(bad.code, 1)
  t.match(bad.stdout, /Status: 503\n[\s\S]*✗ usersys[\s\S]*Errors:\n {2}- usersys directory not found/)
  const json = await runCli(['--url', `${down.base}/health/ready`, '--json'])
  const r = JSON.parse(json.stdout)
  t.match(r, { check: 'url', status: 'unhealthy', statusCode: 503 })
  t.equal(schemaErrors('BotsHealthReadyReport', r.report), '')
  t.equal((await runCli(['--url', `${up.base}/nope`, '--quiet'])).stdout, '')
})

t.test('--url: 2 when the connection is refused or no answer comes in time, never a hang', async (t) => {
  const port = await closedPort()
  const refused = await runCli(['--url', `http://127.0.0.1:${port}/health/live`])
  t.equal(refused.code, 2)
  t.match(refused.stdout, /Status: error: .*ECONNREFUSED/)
  const hung = await hungServer()
  t.teardown(() => hung.close())
  const slow = await spawnCli(['--url', `http://user:Url-Secret@127.0.0.1:${hung.port}/health/ready`, '--timeout', '300', '--json'])
  t.equal(slow.code, 2)
  t.ok(slow.ms < 3000, `exited after ${slow.ms} ms`)
  t.match(JSON.parse(slow.stdout), { status: 'error', error: 'no answer within 300 ms' })
  t.notMatch(slow.stdout, 'Url-Secret', 'credentials in the URL are not printed')
  const bad = await runCli(['--url', 'ftp://127.0.0.1/x'])
  t.equal(bad.code, 2)
  t.equal((await runCli(['--url', 'http://127.0.0.1/', '--check', 'ready'])).code, 2, '--url and --check do not mix')
})

t.test('probes: the three probes as YAML, timeoutSeconds derived from the deadline', async (t) => {
  const http = parse((await runCli(['probes'])).stdout)
  t.same(Object.keys(http), ['startupProbe', 'readinessProbe', 'livenessProbe'])
  t.same(http.livenessProbe, { httpGet: { path: '/health/live', port: 8080 }, periodSeconds: 30, failureThreshold: 3, timeoutSeconds: 1 })
  t.same(http.readinessProbe, { httpGet: { path: '/health/ready', port: 8080 }, periodSeconds: 10, failureThreshold: 2, timeoutSeconds: 1 })
  t.same(http.startupProbe, { httpGet: { path: '/health/startup', port: 8080 }, periodSeconds: 5, failureThreshold: 30, timeoutSeconds: 1 })
  const slow = parse((await runCli(['probes', '--port', '9000', '--prefix', '/bots/health', '--timeout', '1800'])).stdout)
  t.same(slow.readinessProbe.httpGet, { path: '/bots/health/ready', port: 9000 })
  t.equal(slow.readinessProbe.timeoutSeconds, 3, '1800 ms deadline + 500 ms margin')
  const exec = parse((await runCli(['probes', '--exec', '--config-dir', '/srv/bots/config'])).stdout)
  t.same(exec.readinessProbe.exec.command, ['bots-healthcheck', '--check', 'ready', '--quiet', '--timeout', '500', '--config-dir', '/srv/bots/config'])
  t.equal(exec.readinessProbe.timeoutSeconds, 2, 'an exec probe leaves the CLI time to start')
  t.equal((await runCli(['probes', '--port', '99999'])).code, 2)
})

function manifest (container: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bots' }, spec: { template: { spec: { containers: [{ name: 'web', ...container }], ...extra } } } })
}

async function lint (t: Test, text: string, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'lint-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'm.yaml')
  writeFileSync(file, text)
  const r = await runCli(['lint', file, '--json', ...args])
  return { code: r.code, report: r.stdout !== '' ? JSON.parse(r.stdout) as { errors: number, findings: { level: string, message: string, probe?: string }[] } : undefined, stderr: r.stderr }
}

t.test('lint: the generated example manifests and the seed\'s own probe settings pass', async (t) => {
  for (const file of ['webserver.yaml', 'jobqueue.yaml', 'engine.yaml']) {
    const r = await runCli(['lint', join(root, 'examples', 'k8s', file)])
    t.equal(r.code, 0, `${file}: ${r.stdout}`)
    t.match(r.stdout, '0 error(s)')
  }
  const seed = manifest({
    livenessProbe: { httpGet: { path: '/health/live', port: 8080 }, periodSeconds: 30, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/health/ready', port: 8080 }, periodSeconds: 10, failureThreshold: 2 },
    startupProbe: { httpGet: { path: '/health/startup', port: 8080 }, periodSeconds: 5, failureThreshold: 30 }
  })
  const r = await lint(t, seed)
  t.equal(r.code, 0)
  t.equal(r.report?.errors, 0)
})

t.test('lint: each unsafe probe is an error with a reason, exit 1', async (t) => {
  const live = { httpGet: { path: '/health/live', port: 8080 }, periodSeconds: 30, failureThreshold: 3 }
  const ready = { httpGet: { path: '/health/ready', port: 8080 }, periodSeconds: 10, failureThreshold: 2 }
  const startup = { httpGet: { path: '/health/startup', port: 8080 }, periodSeconds: 5, failureThreshold: 30 }
  const cases: [string, string, RegExp][] = [
    ['liveness on readiness', manifest({ livenessProbe: { ...live, httpGet: { path: '/health/ready', port: 8080 } }, readinessProbe: ready, startupProbe: startup }), /liveness runs the ready check, which depends on the database/],
    ['liveness exec on startup', manifest({ livenessProbe: { exec: { command: ['bots-healthcheck', '--check', 'startup'] }, periodSeconds: 30, timeoutSeconds: 3 }, startupProbe: startup }), /liveness runs the startup check/],
    ['deadline not below timeoutSeconds', manifest({ livenessProbe: live, readinessProbe: ready, startupProbe: startup }), /the check deadline \(1000 ms\) is not below timeoutSeconds \(1 s\)/],
    ['startup budget too short', manifest({ livenessProbe: live, readinessProbe: ready, startupProbe: { ...startup, failureThreshold: 6 } }), /the startup budget \(failureThreshold × periodSeconds = 30 s\) is below the 150 s/],
    ['no startup probe, slow start', manifest({ livenessProbe: live, readinessProbe: ready }), /no startupProbe, and liveness restarts a pod that has not answered after 90 s/],
    ['readiness too slow for a drain', manifest({ livenessProbe: live, readinessProbe: { ...ready, failureThreshold: 5 }, startupProbe: startup }), /readiness takes 50 s .* not less than terminationGracePeriodSeconds \(30 s\)/]
  ]
  for (const [name, text, message] of cases) {
    const r = await lint(t, text, name === 'deadline not below timeoutSeconds' ? ['--timeout', '1000'] : [])
    t.equal(r.code, 1, name)
    t.ok(r.report?.findings.some((f) => f.level === 'error' && message.test(f.message)), `${name}: ${JSON.stringify(r.report?.findings.map((f) => f.message))}`)
  }
  const exec = await lint(t, manifest({ readinessProbe: { exec: { command: ['bots-healthcheck', '--check', 'ready', '--timeout', '1200'] }, timeoutSeconds: 1 } }))
  t.ok(exec.report?.findings.some((f) => f.level === 'error' && /the check deadline \(1200 ms\) is not below/.test(f.message)), 'a --timeout in the command is the deadline')
  const tight = await lint(t, manifest({ readinessProbe: { exec: { command: ['bots-healthcheck', '--check', 'ready', '--timeout', '800'] }, timeoutSeconds: 1 } }))
  t.ok(tight.report?.findings.some((f) => f.level === 'warning' && /an exec probe needs about 1 s beyond the deadline \(800 ms\)/.test(f.message)), 'an exec probe without room for the CLI to start is a warning')
})

t.test('lint: multi-document files, and the errors of a bad file', async (t) => {
  const multi = `${readFileSync(join(root, 'examples', 'k8s', 'webserver.yaml'), 'utf8')}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: x}\n---\n${manifest({ livenessProbe: { httpGet: { path: '/health/ready', port: 8080 }, periodSeconds: 30, timeoutSeconds: 2 }, startupProbe: { httpGet: { path: '/health/startup', port: 8080 }, periodSeconds: 5, failureThreshold: 30, timeoutSeconds: 2 } })}`
  const r = await lint(t, multi)
  t.equal(r.code, 1)
  t.equal(r.report?.errors, 1)
  const text = await runCli(['lint', join(root, 'examples', 'k8s', 'webserver.yaml'), '--quiet'])
  t.equal(text.stdout, '')
  const broken = await lint(t, 'kind: Deployment\n  spec: [unclosed\n')
  t.equal(broken.code, 2)
  t.match(broken.stderr, /^bots-healthcheck: error: .*m\.yaml: line 1 \(document 1\): /)
  const missing = await runCli(['lint', '/nonexistent/file.yaml'])
  t.equal(missing.code, 2)
  t.match(missing.stderr, 'cannot read /nonexistent/file.yaml: ENOENT')
  t.equal((await runCli(['lint'])).code, 2, 'lint without a file is a usage error')
})

t.test('the example manifests are what `probes` generates', async (t) => {
  const generator = new URL('../scripts/gen-k8s-examples.mjs', import.meta.url).href
  const { manifests } = await import(generator) as { manifests: () => Record<string, unknown[]> }
  for (const [file, docs] of Object.entries(manifests())) {
    t.same(parseAllDocuments(readFileSync(join(root, 'examples', 'k8s', file), 'utf8')).map((d) => d.toJS()), docs, `${file} is up to date (node scripts/gen-k8s-examples.mjs)`)
  }
})

/** The stages of a Dockerfile: each FROM and the instructions after it, continuation lines joined. */
function stages (file: string): { from: string, lines: string[] }[] {
  const text = readFileSync(join(root, 'examples', file), 'utf8').replace(/\\\n\s*/g, ' ')
  const out: { from: string, lines: string[] }[] = []
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))) {
    if (line.startsWith('FROM ')) out.push({ from: line, lines: [] })
    else out.at(-1)?.lines.push(line)
  }
  return out
}

for (const file of ['Dockerfile', 'sidecar.Dockerfile']) {
  t.test(`examples/${file}: multi-stage, non-root, no native build, copies only what exists`, async (t) => {
    const s = stages(file)
    t.ok(s.length >= 2, 'a build stage and a runtime stage')
    const runtime = s.at(-1)
    t.match(runtime?.lines.filter((l) => l.startsWith('USER ')), ['USER node'], 'the runtime runs as a non-root user')
    for (const stage of s) {
      for (const l of stage.lines.filter((l) => l.startsWith('RUN '))) {
        for (const npm of l.match(/npm (ci|install)[^&]*/g) ?? []) t.match(npm, '--ignore-scripts', `no install script runs: ${npm}`)
        t.notMatch(l, /rebuild|node-gyp|build-from-source|apt-get/, 'nothing is compiled natively')
      }
      for (const l of stage.lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
        for (const src of l.split(/\s+/).slice(1, -1)) t.ok(existsSync(join(root, src)), `COPY ${src} exists`)
      }
    }
  })
}

t.test('examples/sidecar.Dockerfile: serve runs as the image runs it (its ENV, its node flags) and answers, quietly; the bench runs it so too', async (t) => {
  const runtime = stages('sidecar.Dockerfile').at(-1)?.lines ?? []
  const env: Record<string, string> = {}
  for (const l of runtime.filter((l) => l.startsWith('ENV '))) {
    for (const m of l.slice(4).matchAll(/(\w+)=("([^"]*)"|\S+)/g)) env[m[1] ?? ''] = m[3] ?? m[2] ?? ''
  }
  const entrypoint = JSON.parse(runtime.find((l) => l.startsWith('ENTRYPOINT '))?.slice('ENTRYPOINT '.length) ?? '[]') as string[]
  t.equal(entrypoint[0], 'node')
  t.equal(entrypoint.at(-1), '/opt/bots-health/bots-healthcheck.cjs')
  const flags = entrypoint.slice(1, -1)
  t.ok(flags.length > 0, `node flags: ${flags.join(' ')}`)
  const bench = await import(new URL('../bench/serve.mjs', import.meta.url).href) as { SIDECAR_ENV: Record<string, string>, SIDECAR_NODE_FLAGS: string[] }
  t.same(bench.SIDECAR_ENV, env, 'bench/serve.mjs: the image\'s ENV')
  t.same(bench.SIDECAR_NODE_FLAGS, flags, 'bench/serve.mjs: the image\'s node flags')
  const e = botsEnv(t)
  const db = await createTestDatabase('sidecar-env')
  t.teardown(() => db.drop())
  const port = await closedPort()
  const child = spawn(process.execPath, [...flags, CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', '--drain-delay', '0', '--config-dir', e.configDir, '--database-url', db.url], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.teardown(() => { child.kill('SIGKILL') })
  let ready: Response | undefined
  for (let i = 0; i < 600 && ready === undefined; i++) { // up to 30 s on a busy machine
    ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined)
    if (ready === undefined) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(ready?.status, 200, err)
  t.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200, '/metrics too')
  child.kill('SIGTERM')
  t.equal(await exited, 0)
  t.equal(err, '', 'nothing on stderr: no warning from a flag')
})

t.test('examples/Dockerfile: its runtime stage replayed outside the checkout starts, and answers its HEALTHCHECK with 0', async (t) => {
  // The image's filesystem, in a scratch directory far from this checkout's node_modules: each
  // instruction of the runtime stage is replayed. Two substitutions, said here: npm runs --offline
  // (the tests reach no registry; this package's npm ci filled the cache with the very versions
  // examples/app's lockfile pins), and `npm cache clean` is not run (it would empty this machine's).
  const scratch = mkdtempSync(join(tmpdir(), 'example-image-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const built = join(scratch, 'src', 'build')
  // The build stage's tsc step (--noCheck: the emit alone; `npm run typecheck` type-checks examples/).
  const tsc = await new Promise<number>((resolve) => execFile(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'examples', 'tsconfig.json'), '--noCheck', '--outDir', built], (err) => resolve(err === null ? 0 : 1)))
  t.equal(tsc, 0, 'the build stage\'s tsc step compiles examples/server.ts')
  let cwd = scratch
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' }
  let cmd: string[] = []
  let healthcheck: string[] = []
  for (const line of stages('Dockerfile').at(-1)?.lines ?? []) {
    const [op = '', ...rest] = line.split(/\s+/)
    const arg = line.slice(op.length + 1)
    if (op === 'WORKDIR') {
      cwd = join(scratch, arg)
      mkdirSync(cwd, { recursive: true })
    } else if (op === 'ENV') {
      for (const m of arg.matchAll(/(\w+)=(\S+)/g)) env[m[1] as string] = m[2] as string
    } else if (op === 'COPY') {
      const from = rest.find((r) => r.startsWith('--from='))
      const paths = rest.filter((r) => !r.startsWith('--'))
      const dest = join(cwd, paths.at(-1) as string)
      for (const src of paths.slice(0, -1)) {
        const source = from !== undefined ? (src === '/src/build' ? built : join(root, src.replace(/^\/src\//, ''))) : join(root, src)
        cpSync(source, dest.endsWith('/') || paths.length > 2 ? join(dest, basename(src)) : dest, { recursive: true })
      }
    } else if (op === 'RUN') {
      for (const step of arg.split('&&').map((s) => s.trim())) {
        if (/^npm cache clean/.test(step)) continue
        const r = await new Promise<{ code: number, out: string }>((resolve) => execFile('sh', ['-c', step.replace(/^npm (ci|install)\b/, 'npm $1 --offline')], { cwd, env, timeout: 300_000 }, (err, stdout, stderr) => resolve({ code: err === null ? 0 : 1, out: `${stdout}${stderr}` })))
        t.equal(r.code, 0, `RUN ${step}: ${r.out.slice(-500)}`)
      }
    } else if (op === 'CMD') {
      cmd = JSON.parse(arg) as string[]
    } else if (op === 'HEALTHCHECK') {
      healthcheck = JSON.parse(/ CMD (\[.*\])$/.exec(line)?.[1] ?? '[]') as string[]
    }
  }
  t.same(cmd, ['node', 'build/examples/server.js'])
  t.equal(env.NODE_ENV, 'production')
  t.ok(existsSync(join(cwd, 'node_modules', 'fastify', 'package.json')), 'Fastify is installed with NODE_ENV=production')
  t.notOk(existsSync(join(cwd, 'node_modules', 'tap')), 'no devDependency of this package came along')
  t.same(healthcheck.slice(0, 2), ['node', 'dist/bots-healthcheck.cjs'])
  t.notOk(healthcheck.some((a) => /curl|wget/.test(a)))
  t.ok(healthcheck.includes('--docker'), 'the HEALTHCHECK sees 0 or 1, never Docker\'s reserved 2')
  // `docker run -e`: the database and the Bots environment of this test, free ports.
  const e = botsEnv(t)
  const port = await closedPort()
  const probePort = await closedPort()
  const child = spawn(process.execPath, cmd.slice(1), { cwd, env: { ...env, DATABASE_URL: db.url, BOTS_CONFIG_DIR: e.configDir, PORT: String(port), PROBE_PORT: String(probePort), DRAIN_DELAY_MS: '0', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  t.teardown(() => { child.kill('SIGKILL') })
  const probe = healthcheck.slice(1).map((a) => a.replace('http://127.0.0.1:9000', `http://127.0.0.1:${probePort}`))
  t.not(probe.join(' '), healthcheck.slice(1).join(' '), 'the HEALTHCHECK probes the probe port')
  const runProbe = (): Promise<number> => new Promise((resolve) => execFile(process.execPath, probe, { cwd, env }, (err) => resolve(err === null ? 0 : typeof err.code === 'number' ? err.code : -1)))
  let code = -1
  for (let i = 0; i < 300 && code !== 0 && child.exitCode === null; i++) {
    code = await runProbe()
    if (code !== 0) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(code, 0, `healthy for Docker once the server listens: ${stderr.slice(-800)}`)
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  t.equal(await runProbe(), 1, 'no server: 1 for Docker')
})

t.test('examples/app is cut from this package\'s lockfile (node scripts/gen-example-app.mjs)', async (t) => {
  const { exampleApp } = await import(new URL('../scripts/gen-example-app.mjs', import.meta.url).href) as { exampleApp: () => Record<string, string> }
  for (const [file, text] of Object.entries(exampleApp())) t.equal(readFileSync(join(root, 'examples', 'app', file), 'utf8'), text, `examples/app/${file} is current`)
})

t.test('examples/server.ts serves the probes on a real MariaDB', async (t) => {
  const e = botsEnv(t)
  process.env.LOG_LEVEL = 'warn'
  const app = await build({ databaseUrl: db.url, configDir: e.configDir })
  t.teardown(() => app.close())
  t.equal((await app.inject('/health/startup')).statusCode, 200)
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  const doc = (await app.inject('/openapi.json')).json()
  const api = await SwaggerParser.validate(doc) as unknown as { paths: Record<string, unknown> }
  t.ok(api.paths['/health/ready'] && api.paths['/health/startup/tables'], 'the example serves a valid OpenAPI document of the probes')
})

t.test('npm pack ships the build, the types, the bin, README and LICENSE, and no tests', async (t) => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root })
  const files = (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path)
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/plugin.d.ts', 'dist/bots-healthcheck.cjs', 'README.md', 'LICENSE', 'package.json']) t.ok(files.includes(f), f)
  t.notOk(files.some((f) => /^(test|bench|scripts|examples|lib|\.github|\.ci)\//.test(f)), `only the build: ${files.filter((f) => !f.startsWith('dist/')).join(', ')}`)
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>, exports: Record<string, { types: string }> }
  t.equal(pkg.bin['bots-healthcheck'], './dist/bots-healthcheck.cjs')
  t.equal(pkg.exports['.']?.types, './dist/index.d.ts')
})

t.test('the installed package imports from a plain .mjs and requires from CommonJS', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'consumer-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(root, join(dir, 'node_modules', 'fastify-bots-health'))
  writeFileSync(join(dir, 'esm.mjs'), "import plugin, { createHealthService, ReadyReportSchema } from 'fastify-bots-health'\nconsole.log(typeof plugin, typeof createHealthService, ReadyReportSchema.$id)\n")
  writeFileSync(join(dir, 'cjs.cjs'), "const { healthPlugin, ReadyReportSchema } = require('fastify-bots-health')\nconsole.log(typeof healthPlugin, ReadyReportSchema.$id)\n")
  t.equal((await run(process.execPath, ['esm.mjs'], { cwd: dir })).stdout, 'function function BotsHealthReadyReport\n')
  t.equal((await run(process.execPath, ['cjs.cjs'], { cwd: dir })).stdout, 'function BotsHealthReadyReport\n', 'require(esm) on Node ≥ 20.19')
  writeFileSync(join(dir, 'ini.mjs'), "import { parseBotsIni } from 'fastify-bots-health/bots-ini'\nconsole.log(parseBotsIni('[directories]\\nbotssys = a\\n').directories.botssys)\n")
  t.equal((await run(process.execPath, ['ini.mjs'], { cwd: dir })).stdout, 'a\n', 'the bots-ini subpath')
  const bin = await run(join(dir, 'node_modules', 'fastify-bots-health', 'dist', 'bots-healthcheck.cjs'), ['--version'], { cwd: dir })
  t.match(bin.stdout, /^\d+\.\d+\.\d+\n$/)
  t.equal(CLI.endsWith('dist/bots-healthcheck.cjs'), true)
})

t.test('the GitHub Actions workflow is valid YAML and runs what .ci/run runs', async (t) => {
  const wf = parse(readFileSync(join(root, '.github', 'workflows', 'ci.yml'), 'utf8')) as {
    on: unknown
    jobs: Record<string, { strategy: { matrix: { node: number[] } }, services: Record<string, { image: string }>, steps: { run?: string, uses?: string }[] }>
  }
  t.ok(wf.on)
  const job = wf.jobs.test
  t.ok(job, 'a test job')
  t.same(job?.strategy.matrix.node, [20, 22, 24])
  t.match(Object.values(job?.services ?? {}).map((s) => s.image).join(' '), /mysql:8.*mariadb|mariadb.*mysql:8/)
  t.ok(job?.services.postgres, 'PostgreSQL')
  const runs = (job?.steps ?? []).map((s) => s.run).filter(Boolean)
  for (const step of ['npm ci', 'npm test', 'npm run bench:smoke', 'npm run check:package']) t.ok(runs.includes(step), step)
  const ci = readFileSync(join(root, '.ci', 'run'), 'utf8')
  for (const step of ['npm ci', 'npm test', 'npm run bench:smoke', 'npm run check:package']) t.match(ci, step, `.ci/run runs ${step} too`)
})
