// What `npm install fastify-bots-health` adds to an app that already has Fastify: the packed
// tarball installed into a fresh app, node_modules measured before and after, and npm's output
// searched for a native build or an install script. Needs the npm registry (for fastify).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const du = (dir) => Number(execFileSync('du', ['-sb', join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0])
const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel', 'warn'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

export function installSize () {
  const dir = mkdtempSync(join(tmpdir(), 'install-size-'))
  try {
    const tarball = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }))[0].filename
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
    npm(['install', 'fastify@5'], dir)
    const before = du(dir)
    const r = spawnSync('npm', ['install', join(dir, tarball), '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: dir, encoding: 'utf8' })
    const output = `${r.stdout}${r.stderr}`
    if (r.status !== 0) throw new Error(`npm install of the tarball failed: ${output}`)
    const after = du(dir)
    return { addedMiB: (after - before) / 1024 / 1024, nativeBuild: /gyp|prebuild-install|node-pre-gyp/.test(output), installScriptWarning: /install-scripts|install script/i.test(output) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(installSize())
