import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The tests that spawn the CLI, or pack the package, run dist/. `npm test` builds it first; a
// plain `npx tap` after an edit would test the old build, so a stale dist/ fails them instead.

const root = fileURLToPath(new URL('../../', import.meta.url))

function newest (dir: string): number {
  let t = 0
  for (const e of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs)
  }
  return t
}

function mtime (file: string): number {
  try { return statSync(join(root, file)).mtimeMs } catch { return 0 }
}

let checked = false

/** Throws, saying what to run, when dist/ is missing or older than lib/ or the build's inputs. */
export function assertBuilt (): void {
  if (checked) return
  const sources = Math.max(newest('lib'), mtime('scripts/build-cli.mjs'), mtime('package.json'), mtime('tsconfig.build.json'))
  const built = Math.min(mtime('dist/index.js'), mtime('dist/bots-healthcheck.cjs'), mtime('dist/bots-healthcheck-serve.cjs'))
  if (built < sources) throw new Error(`dist/ is ${built === 0 ? 'missing' : 'older than lib/'}: run \`npm run build\` (npm test builds first)`)
  checked = true
}
