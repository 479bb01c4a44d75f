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
