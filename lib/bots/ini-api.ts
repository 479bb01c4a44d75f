// `fastify-bots-health/bots-ini`: bots.ini read as Bots reads it (Python's configparser), and the
// layout it gives. The health service uses it; it is public for tools of your own.
export { BOTS_REQUIRED_TABLES } from './options.js'
export { loadBotsEnvironment, parseBotsIni, BotsIniError } from './environment.js'
export type { BotsEnvironment, IniSections } from './environment.js'
