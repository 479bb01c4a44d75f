/**
 * A check: a name, an async function that takes an AbortSignal, and what it needs.
 * It knows nothing of HTTP, caching or deadlines: the service adds those.
 *
 * `run` resolves when the check passes and rejects when it fails; the rejection's
 * message is the public error line (the service redacts it and cuts it to length). It may
 * resolve with `{ warn: reason }` instead: the check passes (the probe stays healthy) and the
 * reason is shown as a warning, for what someone should look at but a restart would not fix.
 * Either way it may carry `measures` (numbers a check read on its way, such as a lock's age or the
 * free bytes of a disk), which metrics export as gauges; a failure carries them on CheckFailure.
 * When `signal` aborts, `run` must give back what it acquired and then settle:
 * the service counts a check as in flight until its promise settles.
 */
export interface Check {
  /** The key in the report's `checks` object. */
  readonly name: string
  /** Used in generic messages, e.g. `Database check failed: timed out after 500 ms`. */
  readonly label?: string
  /**
   * What it checks, in the health+json draft's terms: `datastore`, `system`, `component` (the
   * default) or a name of your own.
   */
  readonly componentType?: string
  run (signal: AbortSignal): Promise<void | CheckOutcome>
}

/** Numbers a check read, by metric name (e.g. `bots_engine_lock_age_seconds`). */
export type Measures = Readonly<Record<string, number>>

/** What a check may resolve with: a warning (it passes, and says what to look at), measures, or both. */
export interface CheckOutcome {
  readonly warn?: string
  readonly measures?: Measures
}

/** What a check resolves with to pass with a warning. */
export interface CheckWarning extends CheckOutcome {
  readonly warn: string
}

/** The finite measures of a check's resolved value or failure, if it carries any. */
export function measuresOf (value: unknown): Measures | undefined {
  try {
    const m = (value as { measures?: unknown } | null | undefined)?.measures
    if (typeof m !== 'object' || m === null) return undefined
    const kept = Object.entries(m).filter(([k, v]) => /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(k) && typeof v === 'number' && Number.isFinite(v))
    return kept.length > 0 ? Object.freeze(Object.fromEntries(kept)) : undefined
  } catch {
    return undefined
  }
}

/** The warning a check's resolved value carries, if it is one. */
export function warningOf (value: unknown): string | undefined {
  try {
    const warn = (value as { warn?: unknown } | null | undefined)?.warn
    return typeof warn === 'string' && warn !== '' ? warn : undefined
  } catch {
    return undefined
  }
}

/** A failure whose message is meant for the report as it is. */
export class CheckFailure extends Error {
  override name = 'CheckFailure'
  /** Cut the line to this many characters, after redaction (default 500). */
  readonly maxLength: number | undefined
  /** What the check read before it failed (the free bytes of a full disk). */
  readonly measures: Measures | undefined
  constructor (message: string, options: { maxLength?: number, measures?: Measures } = {}) {
    super(message)
    this.maxLength = options.maxLength
    this.measures = options.measures
  }
}

/** The error a check settles with once its signal aborts: the signal's reason, or a plain one. */
export function abortError (signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted')
}
