import { type ChildProcess, spawn } from 'node:child_process'
import type { Test } from 'tap'
import { CLI } from './cli.js'
import { killGroup } from './hung-fs.js'
import { closedPort } from './net.js'

/** Polls `f` until it returns true or `ms` pass; true when it did. */
export async function eventually (f: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms
  for (;;) {
    if (await f()) return true
    if (performance.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export interface Served { child: ChildProcess, base: string, exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>, out: () => string }

/** `bots-healthcheck serve` spawned (or `spawnIt`'s process), once it listens. */
export async function serve (t: Test, args: string[], spawnIt?: (argv: string[]) => ChildProcess): Promise<Served> {
  const port = await closedPort()
  const argv = [process.execPath, CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', ...args]
  const child = spawnIt?.(argv) ?? spawn(argv[0] as string, argv.slice(1), { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  t.teardown(() => killGroup(child))
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  t.ok(await eventually(() => out.includes('probe server listening'), 15_000), `serve listens: ${out}`)
  return { child, base: `http://127.0.0.1:${port}/health`, exited, out: () => out }
}

/** `promise`'s value, or `'still running'` once `ms` pass; the timer is cleared either way (it would keep the file alive). */
export async function within<T> (promise: Promise<T>, ms: number): Promise<T | 'still running'> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<'still running'>((resolve) => { timer = setTimeout(() => resolve('still running'), ms) })])
  } finally {
    clearTimeout(timer)
  }
}
