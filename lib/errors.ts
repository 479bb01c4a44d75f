// The errors a caller may match, each with a stable code (@fastify/error style). A bad option
// is always a HealthOptionsError that names the option.

export const ERR_PREFIX = 'fastify-bots-health'

/** Every error code this package sets, as constants to compare `err.code` with. */
export const errorCodes = Object.freeze({
  /** A bad option, at register, at createHealthService/createBotsHealth, or a check factory's argument. */
  FST_BOTS_HEALTH_OPTIONS: 'FST_BOTS_HEALTH_OPTIONS',
  /** `only`/`exclude` named a check the probe does not have (the routes answer 400). */
  FST_BOTS_HEALTH_UNKNOWN_CHECK: 'FST_BOTS_HEALTH_UNKNOWN_CHECK',
  /** Every file-system slot is held by a call that has not returned: a hung volume. */
  FST_BOTS_HEALTH_FS_STUCK: 'FST_BOTS_HEALTH_FS_STUCK'
} as const)

export class HealthOptionsError extends TypeError {
  override name = 'HealthOptionsError'
  readonly code = errorCodes.FST_BOTS_HEALTH_OPTIONS
  /** The option at fault, as the caller wrote it (`timeoutMs`, `checks[2].name`). */
  readonly option: string
  /** What is wrong with it, and what to do. */
  readonly problem: string
  constructor (option: string, problem: string) {
    super(`${ERR_PREFIX}: ${option} ${problem}`)
    this.option = option
    this.problem = problem
  }
}

export class UnknownCheckError extends Error {
  override name = 'UnknownCheckError'
  readonly code = errorCodes.FST_BOTS_HEALTH_UNKNOWN_CHECK
  /** Fastify's error path answers it as a 400. */
  readonly statusCode = 400
}
