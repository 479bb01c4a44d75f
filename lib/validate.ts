import { HealthOptionsError } from './errors.js'

// The rules every front end applies to an option: the plugin, the services and the CLI call
// these instead of writing a rule again. Each throws HealthOptionsError naming the option.

/** The longest delay a Node timer holds (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647

/** undefined, or a (non-negative, or positive) number of ms that a timer can hold. */
export function assertMilliseconds (name: string, value: unknown, positive = false): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new HealthOptionsError(name, `must be a ${positive ? 'positive' : 'non-negative'} number of milliseconds, got ${shown(value)}`)
  }
  if (value > MAX_TIMER_MS) throw new HealthOptionsError(name, `must be at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a timer holds), got ${value}`)
}

export function optionalString (name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new HealthOptionsError(name, `must be a non-empty string path, got ${shown(value)}`)
  }
}

export function optionalBoolean (name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new HealthOptionsError(name, `must be true or false, got ${shown(value)}`)
}

export function optionalStrings (name: string, value: unknown): void {
  if (value !== undefined && (!Array.isArray(value) || !value.every((x) => typeof x === 'string'))) {
    throw new HealthOptionsError(name, `must be an array of strings, got ${shown(value)}`)
  }
}

/** A TCP port: 1-65535, or 0-65535 where 0 asks the system for one. */
export function isPort (value: unknown, allowZero = false): value is number {
  return Number.isInteger(value) && (value as number) >= (allowZero ? 0 : 1) && (value as number) <= 65535
}

/** A route prefix: empty or starting with `/`; trailing slashes dropped. */
export function routePrefix (name: string, prefix: unknown): string {
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.startsWith('/'))) {
    throw new HealthOptionsError(name, `must be a path starting with "/", got ${shown(prefix)}`)
  }
  return prefix.replace(/\/+$/, '')
}

/** A check's name is a key of the report's objects: `__proto__` would set their prototype instead. */
export function reservedName (at: string, name: string): void {
  if (name === '__proto__') throw new HealthOptionsError(at, 'must not be "__proto__" (it is a key of the report\'s checks and details): choose another name')
}

/** A value as an error message shows it. */
export function shown (value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return typeof value
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * A duration as people write one: `15m`, `90s`, `2h`, `1h30m`, `500ms`, or a number of ms.
 * Throws HealthOptionsError naming the option.
 */
export function duration (name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_TIMER_MS) return value
  if (typeof value === 'string' && /^\s*(\d+(\.\d+)?(ms|s|m|h|d)\s*)+$/i.test(value)) {
    let ms = 0
    for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/gi)) ms += Number(m[1]) * (DURATION_UNITS[(m[2] ?? '').toLowerCase()] ?? 0)
    if (ms > 0 && ms <= MAX_TIMER_MS) return Math.round(ms)
  }
  throw new HealthOptionsError(name, `must be a duration such as 15m, 90s, 2h or 1h30m (at most ~24 days), got ${shown(value)}`)
}
