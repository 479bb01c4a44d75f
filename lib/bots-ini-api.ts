// `fastify-bots-health/bots-ini`: bots.ini read as Bots reads it (Python's configparser), and the
// layout it gives. The health service uses it; it is public for tools of your own.
export { BOTS_REQUIRED_TABLES, loadBotsEnvironment, parseBotsIni, BotsIniError } from './bots-config.js'
export type { BotsEnvironment, IniSections } from './bots-config.js'
