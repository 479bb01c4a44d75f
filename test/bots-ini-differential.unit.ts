// bots.ini read as Bots reads it, case by case against Python's configparser.RawConfigParser (the
// class Bots' BotsConfig extends). With python3 on the machine the oracle runs live and must also
// agree with the recorded results; without it, the recorded results are the oracle.
// Re-record after changing the corpus: BOTS_INI_RECORD=1 npx tap test/unit.test.ts
// (BOTS_INI_PYTHON names another interpreter; a missing one falls back to the recorded results).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { decodeBotsIni, readIni } from '../lib/bots/ini.js'
import { loadBotsEnvironment } from '../lib/bots/environment.js'
import { corpus } from './bots-ini/corpus.js'

interface Outcome {
  accepted: boolean
  error?: string
  sections?: [string, [string, string][]][]
  defaults?: [string, string][]
  paths?: { botssys: string, usersys: string }
}

/**
 * Where this project knowingly reads a file otherwise than configparser, and why. Each entry must
 * still disagree: one that agrees again fails the test, so that the list stays true.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {}

const here = fileURLToPath(new URL('.', import.meta.url))
const recordedFile = join(here, 'bots-ini', 'expected.json')
const root = mkdtempSync(join(tmpdir(), 'bots-ini-'))
t.teardown(() => rmSync(root, { recursive: true, force: true }))
// Two levels below the temp root, so that `..` in a path stays inside it and the recorded
// results, which name the root `<root>`, hold on every machine.
const botsenv = join(root, 'a', 'env')
const configDir = join(botsenv, 'config')
mkdirSync(configDir, { recursive: true })
const portable = (o: Outcome): Outcome => JSON.parse(JSON.stringify(o).split(JSON.stringify(root).slice(1, -1)).join('<root>')) as Outcome

function sortedEntries (m: ReadonlyMap<string, string>): [string, string][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** The same outcome, from this project's reader. */
function ours (bytes: Buffer): Outcome {
  try {
    const ini = readIni(decodeBotsIni(bytes))
    const sections = [...ini.sections].map(([name, options]): [string, [string, string][]] =>
      [name, sortedEntries(new Map([...ini.defaults, ...options]))])
    const outcome: Outcome = { accepted: true, sections, defaults: sortedEntries(ini.defaults) }
    if (ini.sections.has('directories')) {
      writeFileSync(join(configDir, 'bots.ini'), bytes)
      const env = loadBotsEnvironment(configDir)
      outcome.paths = { botssys: env.botssys, usersys: env.usersys }
    }
    return outcome
  } catch (err) {
    const m = /configparser's (\w+)|(UnicodeDecodeError)/.exec((err as Error).message)
    return { accepted: false, error: m?.[1] ?? m?.[2] ?? `${(err as Error).name}: ${(err as Error).message}` }
  }
}

function python (): { version: string, results: Outcome[] } | undefined {
  const job = JSON.stringify({ botsenv, cases: corpus.map((c) => ({ name: c.name, b64: c.bytes.toString('base64') })) })
  const r = spawnSync(process.env.BOTS_INI_PYTHON ?? 'python3', [join(here, 'bots-ini', 'oracle.py')], { input: job, encoding: 'utf8', env: { ...process.env, PYTHONUTF8: '1', LC_ALL: 'C.UTF-8' }, maxBuffer: 64 << 20 })
  if (r.error !== undefined || r.status !== 0) {
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined
    throw new Error(`the oracle failed: ${r.stderr}`)
  }
  const out = JSON.parse(r.stdout) as { python: string, results: Outcome[] }
  return { version: out.python, results: out.results }
}

const recorded = JSON.parse(readFileSync(recordedFile, 'utf8')) as { python: string, cases: Record<string, Outcome> }
const live = python()

t.test('the corpus holds at least 150 inputs, each named once', async (t) => {
  t.ok(corpus.length >= 150, `${corpus.length} inputs`)
  t.equal(new Set(corpus.map((c) => c.name)).size, corpus.length)
})

if (live !== undefined && process.env.BOTS_INI_RECORD === '1') {
  const cases: Record<string, Outcome> = {}
  corpus.forEach((c, i) => { cases[c.name] = portable(live.results[i] as Outcome) })
  writeFileSync(recordedFile, JSON.stringify({ python: live.version, cases }, null, 1) + '\n')
  t.comment(`recorded ${corpus.length} results of Python ${live.version}`)
}

t.test(live !== undefined ? `every input reads as Python ${live.version}'s configparser reads it` : 'every input reads as the recorded configparser results say (python3 not found)', async (t) => {
  const oracle = (i: number, name: string): Outcome | undefined => live !== undefined ? live.results[i] : recorded.cases[name] === undefined ? undefined : JSON.parse(JSON.stringify(recorded.cases[name]).split('<root>').join(root.replace(/\\/g, '\\\\'))) as Outcome
  let agreed = 0
  corpus.forEach((c, i) => {
    const expected = oracle(i, c.name)
    if (expected === undefined) {
      t.fail(`${c.name}: no recorded result; re-record with BOTS_INI_RECORD=1`)
      return
    }
    const got = ours(c.bytes)
    const same = JSON.stringify(got) === JSON.stringify(expected)
    const known = KNOWN_DIFFERENCES[c.name]
    if (known !== undefined) {
      t.notOk(same, `${c.name}: listed as a known difference (${known}), and still differs`)
    } else if (same) {
      agreed++
    } else {
      t.same(got, expected, `${c.name}: reads as configparser reads it`)
    }
  })
  t.equal(agreed + Object.keys(KNOWN_DIFFERENCES).length, corpus.length, `${agreed} of ${corpus.length} agree`)
})

t.test('the recorded results are those of the live oracle', { skip: live === undefined ? 'python3 not found' : false }, async (t) => {
  if (live === undefined) return
  corpus.forEach((c, i) => {
    t.same(recorded.cases[c.name], portable(live.results[i] as Outcome), `${c.name} (re-record with BOTS_INI_RECORD=1 if the corpus changed)`)
  })
})

t.test('a file Bots cannot read never gives a usable environment', async (t) => {
  const results = live?.results
  corpus.forEach((c, i) => {
    const expected = results?.[i] ?? recorded.cases[c.name]
    if (expected === undefined) return
    writeFileSync(join(configDir, 'bots.ini'), c.bytes)
    const env = loadBotsEnvironment(configDir)
    const usable = expected.accepted && expected.paths !== undefined && !JSON.stringify(expected.paths).includes('\\u0000')
    t.equal(env.configError === undefined, usable, `${c.name}: config ${usable ? 'ok' : 'refused'}${env.configError !== undefined ? ` (${env.configError})` : ''}`)
  })
})
