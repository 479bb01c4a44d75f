// `npm test`: the build, then the tap suite (its spawned-CLI tests run dist/) with the lint and the
// type checks beside it, on the cores a machine has; the checks' output is printed whole when
// each ends, tap's as it comes. After tap,
// scripts/check-exits.mjs fails the run when a test file's process outlived its tests.
// One after another these took ~130 s on two cores; overlapped, ~90.
import { spawn } from 'node:child_process'

const started = performance.now()
const secs = () => ((performance.now() - started) / 1000).toFixed(1)

function run (cmd, args, { buffer }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', buffer ? 'pipe' : 'inherit', buffer ? 'pipe' : 'inherit'] })
    const chunks = []
    child.stdout?.on('data', (c) => chunks.push(c))
    child.stderr?.on('data', (c) => chunks.push(c))
    child.on('error', (err) => resolve({ code: 1, output: `${err.message}\n` }))
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, output: Buffer.concat(chunks).toString('utf8') }))
  })
}

const failed = []
async function step (name, cmd, args, buffer = true) {
  const r = await run(cmd, args, { buffer })
  process.stdout.write(`# ${name}: ${r.code === 0 ? 'ok' : `failed (${r.signal ?? `exit ${r.code}`})`} after ${secs()} s\n${r.output ?? ''}`)
  if (r.code !== 0) failed.push(name)
  return r.code === 0
}

const npm = (script) => ['npm', ['run', '--silent', script]]

// The suites talk to real servers: say which is missing and what to do, once, instead of a raw
// ECONNREFUSED in every database file.
async function reachable (url) {
  const { connect } = await import('node:net')
  const u = new URL(url)
  return await new Promise((resolve) => {
    const s = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (u.protocol.startsWith('postgres') ? 5432 : 3306)) })
    s.setTimeout(2000, () => { s.destroy(); resolve(false) })
    s.once('connect', () => { s.end(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}
const servers = [
  ['MariaDB/MySQL', 'TEST_MYSQL_URL', process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'],
  ['PostgreSQL', 'TEST_PG_URL', process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test']
]
const missing = []
for (const [name, variable, url] of servers) if (!await reachable(url)) missing.push(`${name} at ${new URL(url).host} (${variable})`)
if (missing.length > 0) {
  process.stderr.write(`npm test needs ${missing.join(' and ')}: nothing answers there.\n` +
    'Start the server (as root, .ci/run installs and starts both with apt), or point the variable at one\n' +
    'where the tests may create and drop bh_* databases. `npm run lint` and `npm run typecheck` need neither.\n')
  process.exit(1)
}
// The build first and alone: everything else waits for it or would slow it down.
if (await step('build', ...npm('build'))) {
  const checks = ['lint', 'typecheck', 'test:types'].map((s) => step(s, ...npm(s)))
  const suite = step('tap', 'npx', ['tap'], false).then(async (passed) => {
    if (passed) await step('test files ended with their tests', 'node', ['scripts/check-exits.mjs'])
  })
  await Promise.all([...checks, suite])
}
if (failed.length > 0) {
  process.stderr.write(`# failed: ${failed.join(', ')}\n`)
  process.exitCode = 1
}
