// Writes examples/app/package.json and package-lock.json: the dependencies of the example image's
// runtime stage (examples/Dockerfile), an app of its own. Its lockfile is cut from this package's
// own: the same versions, so that `npm ci` installs what the tests ran against, and a test can
// replay the image's install offline from the npm cache that this package's `npm ci` filled.
// `node scripts/gen-example-app.mjs` after a dependency changes (a test fails until then).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = new URL('../', import.meta.url)
/** What examples/server.ts registers besides this package: this package's (dev) peers. */
const APP_DEPENDENCIES = ['fastify', '@fastify/mysql', 'mysql2', '@fastify/swagger']

export function exampleApp () {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
  const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'))
  const dependencies = { ...pkg.dependencies }
  for (const name of APP_DEPENDENCIES) dependencies[name] = pkg.devDependencies[name] ?? pkg.peerDependencies[name]
  const sorted = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)))
  const app = { name: 'bots-webserver-example', version: pkg.version, private: true, type: 'module', dependencies: sorted }
  // The closure of the dependencies in the lock's hoisted tree: a package's dependency is found
  // in its own node_modules first, then in each parent's, up to the root's.
  const packages = {}
  const visit = (name, from) => {
    for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
      const key = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`
      const entry = lock.packages[key]
      if (entry !== undefined) {
        if (packages[key] !== undefined) return
        const { dev, devOptional, peer, ...kept } = entry
        packages[key] = kept
        for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(dep, key)
        // A peer the lock holds is installed with it (npm 7+), unless it is optional.
        for (const dep of Object.keys(entry.peerDependencies ?? {})) if (entry.peerDependenciesMeta?.[dep]?.optional !== true) visit(dep, key)
        return
      }
      if (dir === '') {
        // Optional dependencies (another platform's binary) may be absent from the lock.
        return
      }
    }
  }
  for (const name of Object.keys(sorted)) visit(name, '')
  const ordered = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b)))
  const appLock = { name: app.name, version: app.version, lockfileVersion: 3, requires: true, packages: { '': { name: app.name, version: app.version, dependencies: sorted }, ...ordered } }
  return { 'package.json': JSON.stringify(app, null, 2) + '\n', 'package-lock.json': JSON.stringify(appLock, null, 2) + '\n' }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = new URL('examples/app/', root)
  mkdirSync(dir, { recursive: true })
  for (const [file, text] of Object.entries(exampleApp())) writeFileSync(new URL(file, dir), text)
}
