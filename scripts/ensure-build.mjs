// tap's `before`: the tests that spawn the CLI run dist/, so rebuild it when lib/ (or the build
// itself) is newer. `npm test` builds first, and this is then a no-op; a plain `npx tap` after an
// edit no longer tests the new library against an old CLI.
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname

function newest (dir) {
  let t = 0
  for (const e of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs)
  }
  return t
}

function mtime (file) {
  try { return statSync(join(root, file)).mtimeMs } catch { return 0 }
}

const sources = Math.max(newest('lib'), mtime('scripts/build-cli.mjs'), mtime('package.json'), mtime('tsconfig.build.json'))
const built = Math.min(mtime('dist/index.js'), mtime('dist/bots-healthcheck.cjs'), mtime('dist/bots-healthcheck-serve.cjs'))
if (built < sources) {
  process.stderr.write('# dist/ is older than lib/: rebuilding it (npm run build)\n')
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}
