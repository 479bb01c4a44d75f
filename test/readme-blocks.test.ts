// The README's blocks that are neither code nor YAML, each run or checked here against the real
// thing: the shell commands, the exec fallback's Dockerfile (replayed in a scratch root), the
// transcripts of the CLI (run in the same situation, compared line by line), the metrics sample
// (promtool). A first test holds the inventory: every fenced block has its checker, so a new
// block without one fails.
import { execFile } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { botsEnv } from './helpers/app.js'
import { CLI } from './helpers/cli.js'
import { closedPort } from './helpers/net.js'
import { NO_PROMTOOL, PROMTOOL, promtoolCheckMetrics } from './helpers/prometheus.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? '', text: m[2] ?? '' }))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>, devDependencies: Record<string, string>, peerDependencies: Record<string, string> }

function run (cmd: string, args: string[], o: { cwd?: string, env?: Record<string, string> } = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: o.cwd ?? root, env: o.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    })
  })
}

/** Which test checks a block: every block must have one. */
function checkerOf (b: { lang: string, text: string }): string | undefined {
  if (['js', 'ts', 'json'].includes(b.lang)) return 'readme-code.unit.ts'
  if (b.lang === 'yaml') return 'k8s.unit.ts (lint, probes --exec)'
  if (b.lang === 'ini') return 'k8s.unit.ts (bots.ini layout)'
  if (b.lang === 'dockerfile') return 'here: replayed'
  if (b.lang === 'sh') return 'here: run, or its npm scripts and packages checked'
  if (b.text.startsWith('bots-healthcheck ')) return 'cli.test.ts (synopsis)'
  if (b.text.startsWith('$ bots-healthcheck ')) return 'here: the transcript, run'
  if (b.text.startsWith('# HELP ')) return 'here: promtool'
  return undefined
}

t.test('every block of the README has a test that checks it', async (t) => {
  t.ok(blocks.length >= 15, `${blocks.length} blocks`)
  for (const b of blocks) t.not(checkerOf(b), undefined, `a checker for the ${b.lang === '' ? 'plain' : b.lang} block "${b.text.split('\n')[0]?.slice(0, 60)}"`)
})

t.test('the sh blocks: the commands run here run, the npm scripts exist, the packages are the ones the package takes', async (t) => {
  const sh = blocks.filter((b) => b.lang === 'sh').map((b) => b.text)
  const lines = sh.flatMap((s) => s.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l !== '')
  for (const l of lines) {
    for (const m of l.matchAll(/npm run ([\w:-]+)/g)) t.ok(pkg.scripts[m[1] ?? ''] !== undefined, `npm run ${m[1] ?? ''} exists`)
    for (const m of l.matchAll(/npm install ([\w@./^-]+)/g)) {
      const [name = '', range] = (m[1] ?? '').startsWith('@') ? [m[1]] : (m[1] ?? '').split('@')
      if (name === 'fastify-bots-health') continue
      t.ok(pkg.peerDependencies[name] !== undefined, `${name} is a peer dependency`)
      if (range !== undefined) t.ok(pkg.peerDependencies[name]?.includes(range), `${name}@${range} is in the peer range ${pkg.peerDependencies[name] ?? ''}`)
    }
  }
  t.ok(lines.includes('npm ci && npm test'), 'the test command')
  t.match(readFileSync(join(root, '.ci', 'run'), 'utf8'), /\nnpm ci\nnpm test\n/, '.ci/run runs the README\'s test command')
  // The CLI command the demo prints, as the README gives it, on the demo's environment.
  const cli = lines.find((l) => l.startsWith('npx bots-healthcheck'))
  t.ok(cli !== undefined)
  await import(new URL('../scripts/create-demo-env.mjs', import.meta.url).href).then(async (m: { createDemoEnv: () => Promise<unknown> }) => await m.createDemoEnv())
  const r = await run('npx', ['--offline', ...(cli ?? '').split(' ').slice(1)])
  t.equal(r.code, 0, r.stdout + r.stderr)
  t.match(r.stdout, /^Health Check: startup\nStatus: started\n/)
})

t.test('the demo: `npm run demo` serves the probes on SQLite and prints what the README says', async (t) => {
  // `npm run demo` is the build, then examples/demo.mjs: the build is `npm test`'s own (another test
  // file may be reading dist/ meanwhile), the rest runs here as the script runs it.
  const [build, demo] = (pkg.scripts.demo ?? '').split(' && ')
  t.equal(build, 'npm run build')
  t.equal(demo, 'node examples/demo.mjs')
  const port = await closedPort()
  const child = (await import('node:child_process')).spawn(process.execPath, ['examples/demo.mjs'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', PORT: String(port), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  for (let i = 0; i < 1200 && !out.includes('Stop with Ctrl-C'); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.match(out, /startup is started/, out)
  t.match(out, 'npx bots-healthcheck --check startup --config-dir examples/bots-env/config', 'the CLI command of the README')
  const ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
  t.equal(ready.status, 200)
  t.match(await ready.json(), { status: 'ready', checks: { database: true } })
})

t.test('the exec fallback\'s Dockerfile, replayed in a scratch root: the wrapper runs the CLI with the copied node', async (t) => {
  const docker = blocks.find((b) => b.lang === 'dockerfile')?.text ?? ''
  const scratch = mkdtempSync(join(tmpdir(), 'readme-image-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const inRoot = (p: string): string => join(scratch, p)
  // The node image's /usr/local/bin/node: Node 24 when .ci/run installed it, else this one.
  const node24 = process.env.NODE24_BIN
  const nodeBin = node24 !== undefined && node24 !== '' && existsSync(node24) ? node24 : process.execPath
  const lines = docker.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
  let runs = 0
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/)
    if (op === 'COPY') {
      const from = rest.find((r) => r.startsWith('--from='))
      const [src = '', dest = ''] = rest.filter((r) => !r.startsWith('--'))
      const source = from === '--from=node' ? (src === '/usr/local/bin/node' ? nodeBin : '') : join(root, src)
      t.ok(existsSync(source), `COPY ${src}`)
      mkdirSync(dirname(inRoot(dest)), { recursive: true })
      copyFileSync(source, inRoot(dest))
      chmodSync(inRoot(dest), 0o755)
    } else if (op === 'RUN') {
      // The image's absolute paths, under the scratch root.
      const r = await run('sh', ['-c', line.slice(4).replaceAll('/usr/local/', `${scratch}/usr/local/`)])
      t.equal(r.code, 0, `RUN: ${r.stderr}`)
      runs++
    } else {
      t.ok(op === 'FROM', `${op}: only FROM, COPY and RUN are in the block`)
    }
  }
  t.equal(runs, 1)
  const bin = inRoot('usr/local/bin/bots-healthcheck')
  t.ok(existsSync(bin), 'the wrapper exists')
  const env = { PATH: `${inRoot('usr/local/bin')}:/usr/bin:/bin` }
  const version = await run('bots-healthcheck', ['--version'], { env, cwd: scratch })
  t.match(version, { code: 0, stdout: /^\d+\.\d+\.\d+\n$/ })
  const live = await run('bots-healthcheck', ['--check', 'live'], { env, cwd: scratch })
  t.match(live, { code: 0, stdout: 'Health Check: liveness\nStatus: ok\n', stderr: '' })
  const which = await run('sh', ['-c', 'command -v node'], { env })
  t.equal(which.stdout.trim(), inRoot('usr/local/bin/node'), 'the copied node is the one the wrapper runs')
})

t.test('the CLI\'s transcripts: the same situation gives the same lines', async (t) => {
  const transcripts = blocks.filter((b) => b.text.startsWith('$ bots-healthcheck '))
  t.equal(transcripts.length, 2)
  // --check ready with botssys missing
  const ready = transcripts.find((b) => b.text.includes('--check ready'))?.text ?? ''
  const e = botsEnv(t)
  rmSync(join(dirname(e.configDir), 'botssys'), { recursive: true, force: true })
  const r = await run(process.execPath, [CLI, '--check', 'ready', '--config-dir', e.configDir, '--database-url', `sqlite:${join(e.configDir, 'bots.sqlite')}`])
  const shown = ready.split('\n').slice(1).join('\n').replaceAll('/srv/bots/', `${dirname(e.configDir)}/`)
  const expected = shown.replace(/ {2}✓ database\n/, '')
  const actual = r.stdout.replace(/ {2}[✓✗] database\n/, '').replace(/ {2}- Database check failed: .*\n/, '')
  t.equal(actual, expected, 'the report of a missing botssys, database aside')
  t.equal(r.code, 1)
  // --wait: its line format, and the report after it
  const wait = transcripts.find((b) => b.text.includes('--wait'))?.text ?? ''
  for (const l of wait.split('\n').slice(1).filter((l) => l.startsWith('['))) t.match(l, /^\[\d+\.\d s\] startup: (starting \([\w, ]+ failing\)|started)$/, `a --wait line: ${l}`)
  t.match(wait, /\nHealth Check: startup\nStatus: started\n/)
})

t.test('the metrics sample is what promtool accepts', { skip: NO_PROMTOOL }, async (t) => {
  const sample = blocks.find((b) => b.text.startsWith('# HELP '))?.text ?? ''
  t.ok(PROMTOOL !== undefined)
  t.same(promtoolCheckMetrics(sample), { code: 0, output: '' })
})
