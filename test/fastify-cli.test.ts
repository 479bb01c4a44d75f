// fastify-cli, the real one, starting an app that registers the plugin with a drain: its
// close-with-grace ends the process after its close-grace delay (500 ms by default). The plugin
// warns once at register when the drain cannot fit, and with -g long enough the drain is kept.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import t from 'tap'
import { fastifyCliGraceMs } from '../lib/drain.js'
import { botsEnv } from './helpers/app.js'
import { makeSqliteDb } from './helpers/cli.js'
import { closedPort, statusOnceDraining } from './helpers/net.js'
import { eventually } from './helpers/serve.js'

const cli = createRequire(import.meta.url).resolve('fastify-cli/cli.js')
const plugin = new URL('../dist/index.js', import.meta.url).href

function start (t: Parameters<typeof botsEnv>[0], grace: string[]) {
  const e = botsEnv(t)
  const db = makeSqliteDb(e.botssys)
  const app = join(e.root, 'app.mjs')
  writeFileSync(app, `import { healthPlugin } from ${JSON.stringify(plugin)}
export default async function app (fastify, _opts) {
  await fastify.register(healthPlugin, { configDir: ${JSON.stringify(e.configDir)}, database: { sqlite: ${JSON.stringify(db)} }, drainDelayMs: 2000 })
}
`)
  return closedPort().then((port) => {
    const child = spawn(process.execPath, [cli, 'start', '-l', 'info', '-p', String(port), '-a', '127.0.0.1', ...grace, app], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    t.teardown(() => { child.kill('SIGKILL') })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    return { child, port, exited, out: () => out }
  })
}

t.test('fastify start with the default close-grace delay: one warning at register, naming the flag', async (t) => {
  const s = await start(t, [])
  t.ok(await eventually(() => s.out().includes('Server listening'), 20_000), s.out())
  const warnings = s.out().split('\n').filter((l) => l.includes('close-grace delay'))
  t.equal(warnings.length, 1, 'once')
  t.match(warnings[0], /fastify-cli ends the process 500 ms after a signal \(its close-grace delay\), before the drain of 2000 ms and the close after it: start it with -g 3000/)
})

t.test('fastify start -g 3500: no warning, and a SIGTERM keeps the drain (503) before a clean exit', async (t) => {
  const s = await start(t, ['-g', '3500'])
  t.ok(await eventually(() => s.out().includes('Server listening'), 20_000), s.out())
  t.notMatch(s.out(), 'close-grace delay')
  const base = `http://127.0.0.1:${s.port}/health`
  t.equal((await fetch(`${base}/ready`)).status, 200)
  const signalled = performance.now()
  s.child.kill('SIGTERM')
  t.equal(await statusOnceDraining(`${base}/ready`), 503, 'readiness 503 while draining')
  t.equal(await s.exited, 0, s.out())
  t.ok(performance.now() - signalled >= 1900, 'the drain lasted its 2 s')
})

t.test('the close-grace delay is read as fastify-cli reads it', async (t) => {
  const bin = '/app/node_modules/.bin/fastify'
  t.equal(fastifyCliGraceMs(['node', '/app/server.js'], {}), undefined, 'not fastify-cli')
  t.equal(fastifyCliGraceMs(['node', bin, 'start', 'app.js'], {}), 500)
  t.equal(fastifyCliGraceMs(['node', bin, 'start', '-g', '4000', 'app.js'], {}), 4000)
  t.equal(fastifyCliGraceMs(['node', bin, 'start', '--close-grace-delay=2500', 'app.js'], {}), 2500)
  t.equal(fastifyCliGraceMs(['node', '/x/node_modules/fastify-cli/cli.js', 'start', 'app.js'], { FASTIFY_CLOSE_GRACE_DELAY: '9000' }), 9000)
  t.equal(fastifyCliGraceMs(['node', bin, 'generate', 'x'], {}), undefined, 'not `start`')
  t.equal(fastifyCliGraceMs(['node', bin], {}, () => ['node', bin, 'start', '-g', '7000', 'app.js']), 7000, 'argv emptied by fastify-cli: the command line from /proc')
  t.equal(fastifyCliGraceMs(['node', bin], {}, () => []), undefined, 'no /proc: nothing to say')
})
