// The error every front end throws for a bad option, named for the option (fastify-cors style).

export const ERR_PREFIX = 'fastify-bots-health'

export class HealthOptionsError extends TypeError {
  override name = 'HealthOptionsError'
  readonly code = 'FST_BOTS_HEALTH_OPTIONS'
  constructor (option: string, problem: string) {
    super(`${ERR_PREFIX}: ${option} ${problem}`)
  }
}

/** Throws HealthOptionsError unless `value` is undefined or a (non-negative, or positive) number of ms. */
/** The longest delay a Node timer holds (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647

export function assertMilliseconds (name: string, value: unknown, positive = false): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new HealthOptionsError(name, `must be a ${positive ? 'positive' : 'non-negative'} number of milliseconds, got ${JSON.stringify(value) ?? String(value)}`)
  }
  if (value > MAX_TIMER_MS) throw new HealthOptionsError(name, `must be at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a timer holds), got ${value}`)
}
