import { type Check, CheckFailure, type Measures, measuresOf, warningOf } from '../check.js'
import { errorText, safeGet } from '../error-text.js'
import { cut, redact } from '../redact.js'
import { monotonicMs } from '../monotonic.js'

// The check runner: one check at a time under a deadline, at most one attempt in flight per
// check, and the last result reused for a short TTL. Its results are raw (passed or not, the
// redacted reason, how long, when); it knows nothing of probes, reports or who may read a reason.

/**
 * The clocks: `now` is monotonic and measures ages and durations (a wall clock that steps back
 * must not keep a cached result fresh); `wallNow` only dates results (`checkedAt`).
 */
export interface Clock {
  now (): number
  wallNow? (): number
}

/** The timers the deadline uses; tests pass fake ones. */
export interface Timers {
  setTimeout (fn: () => void, ms: number): unknown
  clearTimeout (handle: unknown): void
  /**
   * Runs `fn` once the I/O already waiting has been read (the real timers: setImmediate). The
   * deadline is judged then: on a busy event loop a timer can fire after the answer has arrived
   * but before it was read, and that answer counts. Without it, `fn` runs at once.
   */
  afterIo? (fn: () => void): void
}

export interface RunnerOptions {
  readonly timeoutMs: number
  readonly cacheTtlMs: number
  readonly failureCacheTtlMs: number
  readonly secrets: readonly string[]
  readonly clock?: Clock
  readonly timers?: Timers
  /**
   * Told of every attempt once its result is known (the check settled, or its deadline passed),
   * with the probe that started it: a result answered from the cache, or an attempt refused
   * while the previous one is pending, is not an attempt.
   */
  readonly onAttempt?: (check: Check, result: CheckResult, origin: string | undefined) => void
}

export interface CheckResult {
  /** Passed: `pass` or `warn`. */
  readonly ok: boolean
  readonly status: 'pass' | 'warn' | 'fail'
  /** Why it failed: redacted and cut. */
  readonly error?: string
  /** Why it warns: redacted and cut. */
  readonly warning?: string
  readonly durationMs: number
  /** What the check read on its way (see Check). */
  readonly measures?: Measures
  /** When it settled, on the monotonic clock (ages). */
  readonly at: number
  /** When it settled, on the wall clock (ms since the epoch), to date it in reports. */
  readonly checkedAt: number
}

export interface Runner {
  /** A cached result, or the attempt in flight, or a new attempt (`origin`: the probe asking). */
  run (check: Check, origin?: string): CheckResult | Promise<CheckResult>
  /** Every check's result; no promise is made while every result is cached. */
  runAll (checks: readonly Check[], origin?: string): readonly CheckResult[] | Promise<readonly CheckResult[]>
  /** The last result of a check, if it ever settled. */
  last (check: Check): CheckResult | undefined
}

/** The longest reason kept, unless a CheckFailure asks for another length. */
const MAX_REASON = 500

interface Attempt {
  /** Settles by the deadline at the latest. */
  readonly result: Promise<CheckResult>
  readonly startedAt: number
  /** True once the result is known (the check settled, or its deadline passed). */
  decided: boolean
}

interface CheckState {
  attempt?: Attempt
  last?: CheckResult
}

/**
 * An attempt that has not settled long after its deadline is forgotten so that a check whose
 * code never settles cannot wedge the probe for good. A well-behaved check settles soon after
 * its signal aborts, and until then no second attempt starts.
 */
export function stuckAfterMs (timeoutMs: number): number {
  return Math.max(30_000, timeoutMs * 20)
}

const realClock: Clock = { now: monotonicMs, wallNow: Date.now }
const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  afterIo: (fn) => { setImmediate(fn) }
}

export function createRunner (options: RunnerOptions): Runner {
  const { timeoutMs, cacheTtlMs, failureCacheTtlMs, secrets } = options
  const clock = options.clock ?? realClock
  const now = (): number => clock.now()
  const wallNow = (): number => clock.wallNow?.() ?? Date.now()
  const timers = options.timers ?? realTimers
  const states = new Map<Check, CheckState>()

  function stateOf (check: Check): CheckState {
    let state = states.get(check)
    if (state === undefined) states.set(check, state = {})
    return state
  }

  function result (check: Check, startedAt: number, error?: unknown, value?: unknown): CheckResult {
    const at = now()
    const durationMs = Math.round(at - startedAt)
    const checkedAt = wallNow()
    const measures = measuresOf(error ?? value)
    const m = measures !== undefined ? { measures } : {}
    const warning = error === undefined ? warningOf(value) : undefined
    if (error === undefined && warning !== undefined) return Object.freeze({ ok: true, status: 'warn', warning: cut(redact(warning, secrets), MAX_REASON), durationMs, ...m, at, checkedAt })
    if (error === undefined) return Object.freeze({ ok: true, status: 'pass', durationMs, ...m, at, checkedAt })
    // Whatever the check rejected with, reading it must not throw (errorText never does).
    const raw = errorText(error)
    const maxLength = isCheckFailure(error) ? safeGet(error, 'maxLength') : undefined
    const max = typeof maxLength === 'number' && maxLength > 0 ? maxLength : MAX_REASON
    const message = cut(redact(raw || `${labelOf(check)} check failed`, secrets), max)
    return Object.freeze({ ok: false, status: 'fail', error: message, durationMs, ...m, at, checkedAt })
  }

  function start (check: Check, state: CheckState, origin: string | undefined): Attempt {
    const startedAt = now()
    const controller = new AbortController()
    let settle!: (r: CheckResult) => void
    const bounded = new Promise<CheckResult>((resolve) => { settle = resolve })
    const attempt: Attempt = { result: bounded, startedAt, decided: false }
    const decide = (r: CheckResult): void => {
      if (attempt.decided) return
      attempt.decided = true
      state.last = r
      settle(r)
      if (options.onAttempt !== undefined) {
        try { options.onAttempt(check, r, origin) } catch {}
      }
    }
    const expire = (): void => {
      if (attempt.decided) return
      decide(result(check, startedAt, new Error(`${labelOf(check)} check failed: timed out after ${timeoutMs} ms`)))
      controller.abort(new Error('deadline exceeded'))
    }
    const timer = timers.setTimeout(() => {
      if (timers.afterIo === undefined) expire()
      else timers.afterIo(expire)
    }, timeoutMs)
    let running: Promise<unknown>
    try {
      running = Promise.resolve(check.run(controller.signal))
    } catch (err) {
      running = Promise.reject(err)
    }
    // The attempt is over when its code settles: forget it before anyone hears the result.
    const over = (): void => {
      timers.clearTimeout(timer)
      if (state.attempt === attempt) delete state.attempt
    }
    running.then(
      (value) => { over(); decide(result(check, startedAt, undefined, value)) },
      (err: unknown) => { over(); decide(result(check, startedAt, err ?? new Error('failed'))) }
    )
    return attempt
  }

  function fresh (r: CheckResult | undefined, at: number): r is CheckResult {
    if (r === undefined) return false
    const ttl = r.ok ? cacheTtlMs : failureCacheTtlMs
    return ttl > 0 && at - r.at < ttl
  }

  function run (check: Check, origin?: string): CheckResult | Promise<CheckResult> {
    const state = stateOf(check)
    const at = now()
    if (fresh(state.last, at)) return state.last
    const current = state.attempt
    if (current !== undefined) {
      // Until its deadline has been judged (which a busy loop may do late), the attempt in flight
      // is the answer.
      if (!current.decided) return current.result
      const age = at - current.startedAt
      if (age < stuckAfterMs(timeoutMs)) {
        // The last attempt passed its deadline and still holds its resources: at most one
        // attempt per check is in flight, so answer at once instead of stacking another.
        return result(check, at, new Error(`${labelOf(check)} check failed: timed out after ${timeoutMs} ms (previous attempt still pending)`))
      }
    }
    const attempt = start(check, state, origin)
    state.attempt = attempt
    return attempt.result
  }

  return {
    run,
    runAll (checks, origin) {
      const pending = checks.map((c) => run(c, origin))
      for (const p of pending) {
        if (p instanceof Promise) return Promise.all(pending)
      }
      return pending as CheckResult[]
    },
    last: (check) => states.get(check)?.last
  }
}

/** instanceof that cannot throw (a revoked Proxy's getPrototypeOf does). */
function isCheckFailure (error: unknown): boolean {
  try { return error instanceof CheckFailure } catch { return false }
}

export function labelOf (check: Check): string {
  return check.label ?? check.name
}
