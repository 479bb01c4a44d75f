import type { Timers } from '../../lib/index.js'

// A clock and timers that move only when the test says: given to the runner or the service
// (their `clock` and `timers` options), no global is patched and no test sleeps.

/** A monotonic clock from 1000 ms, a wall clock on 2026-12-02, and timers that fire on advance(). */
export function fakeTime () {
  let now = 1000
  const due: { at: number, fn: () => void, id: number }[] = []
  let next = 0
  const timers: Timers = {
    setTimeout (fn, ms) { const id = ++next; due.push({ at: now + ms, fn, id }); return id },
    clearTimeout (id) { const i = due.findIndex((d) => d.id === id); if (i >= 0) due.splice(i, 1) }
  }
  const clock = { now: () => now, wallNow: () => Date.UTC(2026, 11, 2) + now }
  return {
    clock,
    timers,
    /** Spread into the service's options. */
    inject: { clock, timers },
    get pending () { return due.length },
    advance (ms: number) {
      now += ms
      for (const d of due.filter((d) => d.at <= now)) {
        due.splice(due.indexOf(d), 1)
        d.fn()
      }
    }
  }
}

/** Lets every promise callback queued so far run (those chained off them too, a few levels deep). */
export async function flush (): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}
