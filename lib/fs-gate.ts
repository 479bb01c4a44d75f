import { abortError } from './check.js'
import { errorCodes } from './errors.js'
import { monotonicMs } from './monotonic.js'

// The file-system calls of the checks (stat, access, statfs, open) run in libuv's thread pool,
// four threads shared with the whole process: DNS lookups, the app's own file reads, zlib. On a
// volume that never answers (a hung NFS server, a FUSE daemon that died) a call never returns and
// its thread is lost. So at most FS_SLOTS of our calls are in the pool at once; the others wait
// here, outside the pool, until a slot frees or their check's deadline aborts them; and when
// every slot has been held past STUCK_MS, a new call fails at once instead of waiting.
// A call that never returns also keeps Node from exiting (its exit joins the pool's threads):
// see hardExit.

export const FS_SLOTS = 2
/** A call held this long has not answered as a healthy volume would. */
export const STUCK_MS = 1000

interface Slot { readonly what: string, readonly since: number }
interface GateState { readonly held: Set<Slot>, readonly waiting: (() => void)[] }

// One gate per process, even where the CLI's bundles each carry a copy of this module.
const KEY = Symbol.for('fastify-bots-health.fs-gate')
const state: GateState = ((globalThis as Record<symbol, GateState | undefined>)[KEY] ??= { held: new Set(), waiting: [] })

/** How many of the checks' file-system calls have not returned. */
export function pendingFsCalls (): number {
  return state.held.size
}

/** Why a file-system call was not made: the ones before it never returned. */
export class FsStuckError extends Error {
  override name = 'FsStuckError'
  readonly code = errorCodes.FST_BOTS_HEALTH_FS_STUCK
}

/**
 * True for an error the gate or the deadline made (the call was not made, or not waited for):
 * a check passes it on as it is instead of describing it as the file system's own error.
 */
export function notAnswered (err: unknown, signal: AbortSignal): boolean {
  return err instanceof FsStuckError || signal.aborted
}

function stuckError (what: string): FsStuckError {
  const now = monotonicMs()
  const oldest = [...state.held].sort((a, b) => a.since - b.since)[0]
  const age = oldest === undefined ? 0 : Math.round((now - oldest.since) / 1000)
  return new FsStuckError(`${what}: not checked: ${state.held.size} earlier file-system calls have not returned (${oldest?.what ?? '?'} for ${age} s): the volume does not answer`)
}

function acquire (what: string, signal: AbortSignal): Slot | Promise<Slot> {
  const take = (): Slot => {
    const slot = { what, since: monotonicMs() }
    state.held.add(slot)
    return slot
  }
  if (state.held.size < FS_SLOTS) return take()
  const now = monotonicMs()
  if ([...state.held].every((s) => now - s.since >= STUCK_MS)) throw stuckError(what)
  if (signal.aborted) throw abortError(signal)
  return new Promise<Slot>((resolve, reject) => {
    const wake = (): void => {
      signal.removeEventListener('abort', onAbort)
      resolve(take())
    }
    const onAbort = (): void => {
      const i = state.waiting.indexOf(wake)
      if (i >= 0) state.waiting.splice(i, 1)
      reject(abortError(signal))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    state.waiting.push(wake)
  })
}

function release (slot: Slot): void {
  state.held.delete(slot)
  if (state.held.size < FS_SLOTS) state.waiting.shift()?.()
}

/**
 * Runs `call` (file-system calls on `what`, a path) in one of the gate's slots. The slot is
 * held until the call returns, however long that is: the thread it occupies is held as long.
 */
export async function gatedFs<T> (what: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  const slot = await acquire(what, signal)
  try {
    return await call()
  } finally {
    release(slot)
  }
}

/**
 * Ends the process with `code`. Node's exit waits for the thread pool's threads, and a thread in
 * a file-system call that never returns never ends: with such a call pending, the only way out is
 * a signal, so the process ends by SIGKILL (status 137, a failure to every caller) after its
 * output is written.
 */
export function hardExit (code: number): void {
  if (pendingFsCalls() === 0) {
    process.exit(code)
  } else {
    process.kill(process.pid, 'SIGKILL')
  }
}
