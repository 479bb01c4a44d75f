import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const DEFAULT_INI = `# a bots.ini like the one Bots ships, cut down
[settings]
maxdays = 30
[webserver]
port = 8080
environment_text_color = #000000
[jobqueue]
enabled = False
port = 28082
[directories]
#botssys: internal storage of files, database, archive, etc (spool). Default: botssys
botssys = botssys
usersys = usersys
`

export interface BotsEnv {
  root: string
  configDir: string
  botssys: string
  usersys: string
  remove (): void
}

/** A Bots environment in a temp dir: config/bots.ini, botssys/data, usersys. */
export function makeBotsEnv (opts: { ini?: string | null, data?: boolean, usersys?: boolean, botssys?: boolean } = {}): BotsEnv {
  const root = mkdtempSync(join(tmpdir(), 'bots-env-'))
  const configDir = join(root, 'config')
  mkdirSync(configDir)
  if (opts.ini !== null) writeFileSync(join(configDir, 'bots.ini'), opts.ini ?? DEFAULT_INI)
  const botssys = join(root, 'botssys')
  const usersys = join(root, 'usersys')
  if (opts.botssys !== false) mkdirSync(botssys)
  if (opts.botssys !== false && opts.data !== false) mkdirSync(join(botssys, 'data'))
  if (opts.usersys !== false) mkdirSync(usersys)
  return { root, configDir, botssys, usersys, remove: () => rmSync(root, { recursive: true, force: true }) }
}
