import { readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import ini from 'ini'

// Everything this package knows of a Bots installation lives here: where bots.ini is, how Bots
// reads it, where botssys, usersys and the SQLite database are, and which tables it needs.

/** The tables Bots' engine cannot run without (`mutex` is its database lock). */
export const BOTS_REQUIRED_TABLES: readonly string[] = Object.freeze(['channel', 'routes', 'ta', 'mutex'])

export type IniSections = Record<string, Record<string, string>>

export class BotsIniError extends Error {
  override name = 'BotsIniError'
}

const SECTION = /^\[(.+)\]/
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/

/**
 * Reads bots.ini the way Bots does: Python's configparser.RawConfigParser with its defaults
 * (`key = value` or `key: value`, keys lower-cased, full-line `#`/`;` comments, indented lines
 * continuing the value, no inline comments, duplicates rejected). The `ini` package alone
 * differs on each of those, so the lines are first brought into a form it reads faithfully.
 */
export function parseBotsIni (text: string, file = 'bots.ini'): IniSections {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  const order: string[] = []
  const sections = new Map<string, Map<string, string[]>>()
  const where = (n: number) => `${file} line ${n}`
  let current: Map<string, string[]> | undefined
  let currentName = ''
  let option: string[] | undefined
  let indent = Number.POSITIVE_INFINITY
  const seen = new Set<string>()

  lines.forEach((line, i) => {
    const n = i + 1
    const stripped = line.trim()
    if (stripped.startsWith('#') || stripped.startsWith(';')) return
    if (stripped === '') {
      option?.push('')
      return
    }
    const lineIndent = line.length - line.trimStart().length
    if (option !== undefined && lineIndent > indent) {
      option.push(stripped)
      return
    }
    indent = lineIndent
    const header = SECTION.exec(stripped)
    if (header !== null) {
      currentName = header[1] ?? ''
      if (seen.has(`[${currentName}`)) throw new BotsIniError(`${where(n)}: section [${currentName}] appears twice`)
      seen.add(`[${currentName}`)
      current = sections.get(currentName) ?? new Map()
      if (!sections.has(currentName)) order.push(currentName)
      sections.set(currentName, current)
      option = undefined
      return
    }
    if (current === undefined) {
      throw new BotsIniError(`${where(n)}: a "[section]" header must come before any setting, got: ${cut(stripped)}`)
    }
    const m = OPTION.exec(stripped)
    const key = m?.[1]?.trimEnd().toLowerCase() ?? ''
    if (m === null || key === '') {
      throw new BotsIniError(`${where(n)}: expected "key = value", "key: value" or "[section]", got: ${cut(stripped)}`)
    }
    if (seen.has(`${currentName}\0${key}`)) throw new BotsIniError(`${where(n)}: "${key}" is set twice in [${currentName}]`)
    seen.add(`${currentName}\0${key}`)
    option = [(m[3] ?? '').trim()]
    current.set(key, option)
  })

  // Hand the normalised sections to `ini`: keys and values encoded with its own `safe`, section
  // names with their dots escaped (ini would nest `[a.b]`).
  let normalised = ''
  for (const name of order) {
    normalised += `[${name.replace(/\\/g, '\\\\').replace(/\./g, '\\.')}]\n`
    for (const [key, parts] of sections.get(name) ?? []) {
      normalised += `${ini.safe(key)} = ${ini.safe(parts.join('\n').trimEnd())}\n`
    }
  }
  const parsed = ini.parse(normalised) as Record<string, unknown>
  const out: IniSections = {}
  for (const name of order) {
    const section = parsed[name]
    out[name] = typeof section === 'object' && section !== null ? section as Record<string, string> : {}
  }
  // configparser's DEFAULT section lends its keys to every other section.
  const defaults = out.DEFAULT
  if (defaults !== undefined) {
    delete out.DEFAULT
    for (const name of Object.keys(out)) out[name] = { ...defaults, ...out[name] }
  }
  return out
}

function cut (s: string): string {
  return s.length > 80 ? s.slice(0, 79) + '…' : s
}

export interface BotsEnvironment {
  /** The config directory, absolute. */
  readonly configDir: string
  /** The bots environment: the parent of the config directory. */
  readonly botsenv: string
  readonly iniPath: string
  readonly botssys: string
  readonly usersys: string
  /** Where Bots keeps its SQLite database by default: `<botssys>/sqlitedb/botsdb`. */
  readonly sqlitePath: string
  /** Why bots.ini could not be used; absent when it was read and has a `[directories]` section. */
  readonly configError?: string
  readonly sections?: IniSections
}

/**
 * Turns a config dir into plain paths. Relative `botssys`/`usersys` resolve against the bots
 * environment (the parent of the config dir, Bots 4.x rules), never the working directory; an
 * absolute value is used as is; a missing or empty key falls back to Bots' default. A missing or
 * malformed bots.ini is reported in `configError`, and the defaults are used.
 */
export function loadBotsEnvironment (configDir: string, overrides: { botssys?: string, usersys?: string } = {}): BotsEnvironment {
  const dir = resolve(configDir)
  const botsenv = dirname(dir)
  const iniPath = join(dir, 'bots.ini')
  let configError: string | undefined
  let sections: IniSections | undefined
  try {
    sections = parseBotsIni(readConfigFile(dir, iniPath), iniPath)
    if (sections.directories === undefined) configError = `bots.ini has no [directories] section: ${iniPath}`
  } catch (err) {
    configError = err instanceof Error ? err.message : String(err)
  }
  const dirs = sections?.directories ?? {}
  const pick = (key: 'botssys' | 'usersys'): string => {
    const value = overrides[key] ?? (dirs[key] !== undefined && dirs[key] !== '' ? dirs[key] : key)
    return isAbsolute(value) ? value : resolve(botsenv, value)
  }
  const botssys = pick('botssys')
  return {
    configDir: dir,
    botsenv,
    iniPath,
    botssys,
    usersys: pick('usersys'),
    sqlitePath: join(botssys, 'sqlitedb', 'botsdb'),
    ...(configError !== undefined ? { configError } : {}),
    ...(sections !== undefined ? { sections } : {})
  }
}

function readConfigFile (dir: string, iniPath: string): string {
  let st
  try {
    st = statSync(dir)
  } catch {
    throw new BotsIniError(`config directory not found: ${dir}`)
  }
  if (!st.isDirectory()) throw new BotsIniError(`config directory is not a directory: ${dir}`)
  try {
    return readFileSync(iniPath, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new BotsIniError(`bots.ini not found: ${iniPath}`)
    if (code === 'EISDIR') throw new BotsIniError(`bots.ini is not a file: ${iniPath}`)
    throw new BotsIniError(`bots.ini cannot be read (${code ?? 'error'}): ${iniPath}`)
  }
}
