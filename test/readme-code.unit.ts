// Every JavaScript block of the README, type-checked as TypeScript against the built package (by
// its own name, as a user imports it) with this project's strict options: a snippet that would
// not compile in a user's editor fails here. Blocks that use `app` without making one are given
// a Fastify instance; the rest of the README's blocks (YAML, the CLI) are checked elsewhere
// (k8s.unit.ts, cli.test.ts).
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = fileURLToPath(new URL('../', import.meta.url))

t.test('the README\'s JavaScript blocks compile as TypeScript against the package', async (t) => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```(js|ts|typescript)\n([\s\S]*?)```/g)].map((m) => m[2] as string)
  t.ok(blocks.length >= 3, `${blocks.length} blocks`)
  // Inside the checkout: `fastify-bots-health` resolves to this package through its exports.
  const dir = mkdtempSync(join(root, '.readme-code-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const files = blocks.map((code, i) => {
    const needsApp = /\bapp\b/.test(code) && !/\bconst app\b/.test(code)
    const prelude = [
      "import type { FastifyInstance } from 'fastify'",
      ...(/\bswagger\b/.test(code) && !/import swagger/.test(code) ? ["import swagger from '@fastify/swagger'"] : []),
      ...(/\bhealthPlugin\b/.test(code) && !/import .*healthPlugin/.test(code) ? ["import { healthPlugin } from 'fastify-bots-health'"] : []),
      ...(needsApp ? ['declare const app: FastifyInstance'] : []),
      'export {}'
    ]
    const file = join(dir, `block${i}.mts`)
    writeFileSync(file, `${prelude.join('\n')}\n${code}`)
    return file
  })
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '.', noUnusedLocals: false }, include: ['*.mts'] }))
  const out = await new Promise<{ code: number, text: string }>((resolve) => execFile(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: root }, (err, stdout, stderr) => resolve({ code: err === null ? 0 : 1, text: `${stdout}${stderr}` })))
  t.equal(out.code, 0, out.text.split('\n').slice(0, 12).join('\n'))
  t.equal(files.length, blocks.length)
})

t.test('the README\'s JSON bodies are what the schemas allow', async (t) => {
  const { schemaErrors } = await import('./helpers/schema.js')
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] as string) as { check?: string })
  t.ok(blocks.length >= 1)
  const ids: Record<string, string> = { liveness: 'BotsHealthLiveReport', readiness: 'BotsHealthReadyReport', startup: 'BotsHealthStartupReport' }
  for (const body of blocks) {
    const id = ids[body.check ?? '']
    t.ok(id, `a report: ${JSON.stringify(body).slice(0, 60)}`)
    if (id !== undefined) t.equal(schemaErrors(id, body), '', `valid against ${id}`)
  }
})
