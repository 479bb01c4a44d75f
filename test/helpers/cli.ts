import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import type { Test } from 'tap'
import { assertBuilt } from './built.js'
import { BOTS_TABLES } from './mysql.js'

// Every file that runs the built CLI imports this module: a stale dist/ fails it at once.
assertBuilt()

export const CLI = fileURLToPath(new URL('../../dist/bots-healthcheck.cjs', import.meta.url))

export interface CliResult { code: number, stdout: string, stderr: string, ms: number }

export interface CliOptions { cwd?: string, env?: Record<string, string>, nodeArgs?: string[], uid?: number, gid?: number }

/**
 * Runs the CLI in this process: `main(argv, env, io)` from the sources, with a clean environment
 * (only PATH and what the test gives) and the working directory the test asks for. A test that
 * needs node flags, another user or the real exit spawns it instead (spawnCli).
 */
export async function runCli (args: string[], opts: Pick<CliOptions, 'cwd' | 'env'> = {}): Promise<CliResult> {
  const { main } = await import('../../lib/cli/main.js')
  const started = Date.now()
  let stdout = ''
  let stderr = ''
  const before = process.cwd()
  if (opts.cwd !== undefined) process.chdir(opts.cwd)
  try {
    const code = await main(args, { PATH: process.env.PATH ?? '', ...opts.env }, { out: (s) => { stdout += s }, err: (s) => { stderr += s } })
    return { code, stdout, stderr, ms: Date.now() - started }
  } finally {
    process.chdir(before)
  }
}

/**
 * Spawns the built CLI (dist/, which npm test builds first; a stale one fails) with a clean
 * environment. Run as another user, it goes through `env -u NODE_OPTIONS`: tap adds its coverage
 * hooks to every child's NODE_OPTIONS, and they would fail to write their records into this
 * checkout, on stderr, as that user.
 */
export function spawnCli (args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const started = Date.now()
  const node = [...(opts.nodeArgs ?? []), CLI, ...args]
  const [file, argv] = opts.uid !== undefined ? ['env', ['-u', 'NODE_OPTIONS', process.execPath, ...node]] : [process.execPath, node]
  return new Promise((resolve) => {
    execFile(file, argv, {
      cwd: opts.cwd ?? process.cwd(),
      env: { PATH: process.env.PATH ?? '', ...opts.env },
      timeout: 20_000,
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {})
    }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - started })
    })
  })
}

/**
 * How to spawn the CLI as a user without root's reach (nobody, when the tests run as root), or
 * undefined once the test is marked skipped: on a machine where that user cannot read this
 * checkout (a home directory of mode 0700, say), the CLI cannot run as them at all.
 */
export async function unprivileged (t: Test): Promise<CliOptions | undefined> {
  const as = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
  const canRun = await spawnCli(['--version'], as)
  if (canRun.code === 0) return as
  t.skip(`the unprivileged user cannot run the CLI from this checkout (${canRun.stderr.split('\n')[0] ?? ''})`, () => {})
  return undefined
}

/** Bots' SQLite database at `<botssys>/sqlitedb/botsdb` with the given tables. */
export function makeSqliteDb (botssys: string, tables: readonly string[] = BOTS_TABLES): string {
  const dir = join(botssys, 'sqlitedb')
  const path = join(dir, 'botsdb')
  mkdirSync(dir, { recursive: true })
  const db = new (writableSqlite())(path)
  for (const t of tables) db.exec(`CREATE TABLE "${t}" (id INTEGER PRIMARY KEY)`)
  db.close()
  return path
}

type WritableDb = new (path: string) => { exec (sql: string): unknown, close (): void }

/** Node's own SQLite where it has one (22.13+, 24), else better-sqlite3 (Node 20). */
export function writableSqlite (): WritableDb {
  const builtin = (process.getBuiltinModule?.('node:sqlite') as { DatabaseSync?: WritableDb } | undefined)?.DatabaseSync
  if (builtin !== undefined) return builtin
  return createRequire(import.meta.url)('better-sqlite3') as WritableDb
}

/** The SQLite driver the library picks on this Node. */
export const SQLITE_DRIVER = (process.getBuiltinModule?.('node:sqlite') as object | undefined) !== undefined ? 'node:sqlite' : 'better-sqlite3'
