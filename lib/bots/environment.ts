import { statSync } from 'node:fs'
import { stat } from '../fs-calls.js'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { BotsIniError, decodeBotsIni, type IniSections, parseBotsIni } from './ini.js'
import { gatedFs, notAnswered } from '../fs-gate.js'
import { BoundedReadError, type ReadProblem, readBoundedFile } from '../read-bounded.js'
import { monotonicMs } from '../monotonic.js'

export { BotsIniError, parseBotsIni }
export type { IniSections }

// Everything this package knows of a Bots installation lives here: where bots.ini is, how Bots
// reads it, and where botssys, usersys and the SQLite database are.

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

/** Where botssys and usersys are, and the bots.ini they came from. */
export interface BotsLayout {
  botssys: string
  usersys: string
  /** Present when a config dir is in play. */
  environment?: BotsEnvironment
}

/** Where botssys and usersys are now, and how to follow bots.ini when they may change. */
export interface BotsConfig {
  readonly layout: BotsLayout
  /** Present when a config dir is in play: bots.ini is followed while the probes run. */
  readonly watch?: BotsConfigWatch
}

/** The layout an environment gives. */
export function layoutFrom (environment: BotsEnvironment): BotsLayout {
  return { botssys: environment.botssys, usersys: environment.usersys, environment }
}

/** The largest bots.ini read: the stock file is 14 KB. */
export const BOTS_INI_MAX_BYTES = 1024 * 1024

/**
 * Bots' `botslib.join`: `os.path.normpath(os.path.join(botsenv, value))`. Node's resolve does the
 * same but for POSIX's two leading slashes, which normpath keeps (`//srv/x` stays `//srv/x`).
 */
function botsJoin (botsenv: string, value: string): string {
  const joined = isAbsolute(value) ? value : join(botsenv, value)
  const normal = resolve(joined)
  return /^\/\/(?!\/)/.test(joined) && normal !== '/' ? '/' + normal : normal
}

/**
 * Turns a config dir into plain paths, as Bots 4.x finds them. Relative `botssys`/`usersys`
 * resolve against the bots environment (the parent of the config dir), never the working
 * directory; an absolute value is used as is; a missing or empty key falls back to Bots' default.
 * A relative `configDir` resolves against the working directory (Bots 4.x itself wants an
 * absolute one). A missing, unreadable or malformed bots.ini is reported in `configError`, and the
 * defaults are used. Nothing but a BotsEnvironment comes out: no input makes this throw.
 */
export function loadBotsEnvironment (configDir: string, overrides: { botssys?: string | undefined, usersys?: string | undefined } = {}): BotsEnvironment {
  const dir = resolve(configDir)
  const botsenv = dirname(dir)
  const iniPath = join(dir, 'bots.ini')
  let configError: string | undefined
  let sections: IniSections | undefined
  try {
    sections = parseBotsIni(readConfigFile(dir, iniPath), iniPath)
    if (sections.directories === undefined) configError = `bots.ini has no [directories] section (Bots stops with NoSectionError): ${iniPath}`
  } catch (err) {
    configError = err instanceof BotsIniError ? err.message : `bots.ini cannot be read: ${iniPath}`
  }
  const dirs = sections?.directories
  const pick = (key: 'botssys' | 'usersys'): string => {
    const given = dirs?.[key]
    const value = overrides[key] ?? (given !== undefined && given !== '' ? given : key)
    if (value.includes('\0') && configError === undefined) configError = `[directories] ${key} holds a NUL character, which no path can: ${iniPath}`
    return botsJoin(botsenv, value)
  }
  const botssys = pick('botssys')
  const usersys = pick('usersys')
  return {
    configDir: dir,
    botsenv,
    iniPath,
    botssys,
    usersys,
    sqlitePath: join(botssys, 'sqlitedb', 'botsdb'),
    ...(configError !== undefined ? { configError } : {}),
    ...(sections !== undefined ? { sections } : {})
  }
}

/** bots.ini's text: see readBoundedFile; every problem said with the path. */
function readConfigFile (dir: string, iniPath: string): string {
  let st
  try {
    st = statSync(dir)
  } catch {
    throw new BotsIniError(`config directory not found: ${dir}`)
  }
  if (!st.isDirectory()) throw new BotsIniError(`config directory is not a directory: ${dir}`)
  let bytes: Buffer
  try {
    bytes = readBoundedFile(iniPath, BOTS_INI_MAX_BYTES)
  } catch (err) {
    if (!(err instanceof BoundedReadError)) throw err
    throw new BotsIniError(`${iniProblem(err.problem)}: ${iniPath}`)
  }
  return decodeBotsIni(bytes, iniPath)
}

function iniProblem (p: ReadProblem): string {
  switch (p.kind) {
    case 'open': return p.code === 'ENOENT' ? 'bots.ini not found' : `bots.ini cannot be read (${p.code})`
    case 'read': return `bots.ini cannot be read (${p.code})`
    case 'directory': return 'bots.ini is not a file'
    case 'not-regular': return 'bots.ini is not a regular file (a FIFO, socket or device)'
    case 'too-large': return `bots.ini is ${p.size} bytes, more than the ${BOTS_INI_MAX_BYTES} this reader takes (Bots ships 14 KB)`
    case 'grew': return `bots.ini grew past ${BOTS_INI_MAX_BYTES} bytes while it was read`
    case 'changed': return 'bots.ini changed while it was read'
  }
}

/** bots.ini as it is now: the environment, looked at again when the file may have changed. */
export interface BotsConfigWatch {
  /** The environment of the last look, without looking again. */
  current (): BotsEnvironment
  /**
   * The environment now: bots.ini's identity (inode, size, times) is looked at, at most once per
   * `intervalMs` and through the file-system gate, and the file read again when it changed.
   */
  refresh (signal: AbortSignal): Promise<BotsEnvironment>
}

/** How often bots.ini is looked at for a change, at most. */
export const BOTS_INI_RECHECK_MS = 1000

function identity (st: { ino: number, size: number, mtimeMs: number, ctimeMs: number, dev: number }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`
}

function identityNow (iniPath: string): string {
  try {
    return identity(statSync(iniPath))
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'error'
  }
}

/**
 * Follows bots.ini in `configDir`: a sidecar that starts before the entrypoint copies it, a
 * bots.ini broken or fixed while the probes run, an init container's `--wait` while it appears.
 * Bots itself reads it when each process starts; the probes follow what the next start would read.
 */
export function watchBotsEnvironment (configDir: string, overrides: { botssys?: string | undefined, usersys?: string | undefined } = {}, o: { intervalMs?: number, now?: () => number } = {}): BotsConfigWatch {
  const intervalMs = o.intervalMs ?? BOTS_INI_RECHECK_MS
  const now = o.now ?? (monotonicMs)
  const iniPath = join(resolve(configDir), 'bots.ini')
  // The identity is taken before the read: a change in between is seen at the next look.
  let seen = identityNow(iniPath)
  let env = loadBotsEnvironment(configDir, overrides)
  let lookedAt = now()
  let looking: Promise<BotsEnvironment> | undefined
  const look = async (signal: AbortSignal): Promise<BotsEnvironment> => {
    let id: string
    try {
      id = identity(await gatedFs(iniPath, signal, () => stat(iniPath)))
    } catch (err) {
      if (notAnswered(err, signal)) return env
      id = (err as NodeJS.ErrnoException).code ?? 'error'
    }
    lookedAt = now()
    if (id !== seen) {
      seen = id
      env = loadBotsEnvironment(configDir, overrides)
    }
    return env
  }
  return {
    current: () => env,
    refresh (signal) {
      if (now() - lookedAt < intervalMs) return Promise.resolve(env)
      looking ??= look(signal).finally(() => { looking = undefined })
      return looking
    }
  }
}
