// dist/schemas.js is written out by scripts/emit-schemas.mjs from what lib/schemas.ts builds with
// TypeBox, so that the package does not load TypeBox at run time. The oracle is TypeBox itself:
// every exported schema, property by property (hidden marks, order, frozen, shared objects), and
// TypeBox still composes and checks them.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import Type from 'typebox'
import Value from 'typebox/value'
import * as source from '../lib/schemas.js'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const emitted = await import(new URL('../dist/schemas.js', import.meta.url).href) as typeof source

/** Every difference between two values, down to each property's descriptor. */
function differences (a: unknown, b: unknown, path: string, pairs: Map<object, object>, out: string[]): void {
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') {
    if (!Object.is(a, b)) out.push(`${path}: ${String(a)} vs ${String(b)}`)
    return
  }
  const seen = pairs.get(a)
  if (seen !== undefined) {
    if (seen !== b) out.push(`${path}: shared in the source, not in the emitted file`)
    return
  }
  pairs.set(a, b)
  if (Array.isArray(a) !== Array.isArray(b)) out.push(`${path}: array vs not`)
  if (Object.isFrozen(a) !== Object.isFrozen(b)) out.push(`${path}: frozen ${Object.isFrozen(a)} vs ${Object.isFrozen(b)}`)
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) out.push(`${path}: another prototype`)
  const ka = Reflect.ownKeys(a)
  const kb = Reflect.ownKeys(b)
  if (ka.map(String).join() !== kb.map(String).join()) out.push(`${path}: keys ${ka.map(String).join()} vs ${kb.map(String).join()}`)
  for (const k of ka) {
    const da = Object.getOwnPropertyDescriptor(a, k)
    const db = Object.getOwnPropertyDescriptor(b, k)
    if (da === undefined || db === undefined) continue
    if (da.enumerable !== db.enumerable || da.writable !== db.writable || da.configurable !== db.configurable) out.push(`${path}.${String(k)}: another descriptor`)
    differences(da.value, db.value, `${path}.${String(k)}`, pairs, out)
  }
}

t.test('every exported schema is TypeBox\'s, property by property', async (t) => {
  t.same(Object.keys(emitted).sort(), Object.keys(source).sort(), 'the same exports')
  const out: string[] = []
  const pairs = new Map<object, object>()
  for (const name of Object.keys(source) as (keyof typeof source)[]) differences(source[name], emitted[name], name, pairs, out)
  t.same(out, [], 'no difference')
  t.equal(emitted.schemas[1], emitted.LiveReportSchema, 'the list holds the exported objects themselves')
  t.ok(Object.keys(source).length >= 9)
})

t.test('TypeBox composes and checks the emitted schemas as its own', async (t) => {
  const wrapped = Type.Object({ health: emitted.ReadyReportSchema, detail: Type.Optional(emitted.CheckDetailSchema) })
  const body = { status: 'ready', check: 'readiness', checks: { database: true } }
  t.equal(Value.Check(wrapped, { health: body }), true)
  t.equal(Value.Check(wrapped, { health: { ...body, status: 'fine' } }), false)
  t.equal(Value.Check(emitted.CheckDetailSchema, { status: 'warn', durationMs: 1, checkedAt: 'x', warning: 'w' }), true)
  t.equal(Value.Check(emitted.CheckDetailSchema, { status: 'pass', durationMs: 1 }), false, 'checkedAt is required')
})

t.test('nothing the package loads imports TypeBox at run time', async (t) => {
  const reached = new Set<string>()
  const follow = (file: string): void => {
    if (reached.has(file)) return
    reached.add(file)
    const text = readFileSync(`${dist}${file}`, 'utf8')
    t.notMatch(text, /from ['"]typebox|import\(['"]typebox/, `${file} does not import typebox`)
    for (const m of text.matchAll(/(?:from |import\()['"]\.\/([^'"]+)['"]/g)) {
      const next = new URL(m[1] ?? '', `file:///${file}`).pathname.slice(1)
      follow(next)
    }
  }
  for (const entry of ['index.js', 'bots/ini-api.js', 'metrics-api.js']) follow(entry)
  t.ok(reached.has('schemas.js') && reached.has('routes.js'), `followed ${reached.size} files`)
  t.ok(readdirSync(dist).includes('schemas.d.ts'), 'the types still come from TypeBox')
  t.match(readFileSync(`${dist}schemas.d.ts`, 'utf8'), /typebox/)
})
