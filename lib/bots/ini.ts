// bots.ini read the way Bots reads it: Python 3's configparser.RawConfigParser() with its defaults,
// fed by `read(path)`, i.e. a file opened in text mode (UTF-8 in Bots' images) with universal
// newlines. test/bots-ini-differential.test.ts holds this module to Python's own parser.

export type IniSections = Record<string, Record<string, string>>

export class BotsIniError extends Error {
  override name = 'BotsIniError'
}

/** What Python's str.isspace() and re's `\s` call whitespace (not the same set as JavaScript's). */
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const LEADING = new RegExp(`^[${WS}]+`)
const TRAILING = new RegExp(`[${WS}]+$`)
// RawConfigParser.SECTCRE and OPTCRE, matched (anchored at the start) against the stripped line.
// Python's `.` takes every character but \n, which a line never holds here.
const SECTION = /^\[([^\n]+)\]/
const OPTION = new RegExp(`^([^\\n]*?)[${WS}]*([=:])[${WS}]*([^\\n]*)$`)

const pyStrip = (s: string): string => s.replace(LEADING, '').replace(TRAILING, '')
const pyRstrip = (s: string): string => s.replace(TRAILING, '')
const indentOf = (line: string): number => line.length - line.replace(LEADING, '').length

/** A null-prototype record: a key such as `__proto__` is a key like any other. */
function record (entries: Iterable<[string, string]>): Record<string, string> {
  const o = Object.create(null) as Record<string, string>
  for (const [k, v] of entries) o[k] = v
  return o
}

export interface ParsedIni {
  /** The sections in file order, each with its own keys (not those of DEFAULT). */
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, string>>
  /** The keys of `[DEFAULT]`, which configparser lends to every section. */
  readonly defaults: ReadonlyMap<string, string>
}

/**
 * configparser's `_read` loop, rule for rule: full-line `#`/`;` comments (no inline comments),
 * `key = value` or `key: value` split at the first delimiter, keys lower-cased, lines indented
 * deeper than their option continuing its value (blank lines inside kept, trailing ones dropped),
 * section names taken between the first `[` and the last `]`, a second section or key of the
 * same name refused, `[DEFAULT]` open to be repeated. Python's whitespace rules throughout.
 */
export function readIni (text: string, file = 'bots.ini'): ParsedIni {
  const where = (n: number): string => `${file} line ${n}`
  if (typeof text !== 'string') throw new BotsIniError(`${file}: expected the text of bots.ini as a string, got ${typeof text}`)
  if (text.startsWith('\uFEFF')) {
    throw new BotsIniError(`${where(1)}: the file starts with a UTF-8 byte-order mark, which Bots refuses (configparser's MissingSectionHeaderError): save it as UTF-8 without BOM`)
  }
  const sections = new Map<string, Map<string, string[]>>()
  const defaults = new Map<string, string[]>()
  const addedSections = new Set<string>()
  const addedOptions = new Set<string>()
  let current: Map<string, string[]> | undefined
  let sectionName = ''
  let option: string | undefined
  let indentLevel = 0
  let firstError: BotsIniError | undefined
  const fail = (n: number, line: string, why: string): void => {
    firstError ??= new BotsIniError(`${where(n)}: ${why}, got: ${quoteLine(line)}`)
  }

  const lines = text.split(/\r\n|\r|\n/)
  if (lines.at(-1) === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1
    const line = lines[i] ?? ''
    const stripped = pyStrip(line)
    const comment = stripped.startsWith('#') || stripped.startsWith(';')
    const value = comment ? '' : stripped
    if (value === '') {
      // A blank line belongs to the value being read; a comment line does not, nor ends it.
      if (!comment && current !== undefined && option !== undefined && option !== '') current.get(option)?.push('')
      continue
    }
    const indent = indentOf(line)
    if (current !== undefined && option !== undefined && option !== '' && indent > indentLevel) {
      current.get(option)?.push(value)
      continue
    }
    indentLevel = indent
    const header = SECTION.exec(value)
    if (header !== null) {
      sectionName = header[1] ?? ''
      if (sections.has(sectionName)) {
        if (addedSections.has(sectionName)) throw new BotsIniError(`${where(n)}: section [${sectionName}] appears twice (configparser's DuplicateSectionError)`)
        current = sections.get(sectionName)
      } else if (sectionName === 'DEFAULT') {
        current = defaults
      } else {
        current = new Map()
        sections.set(sectionName, current)
      }
      if (sectionName !== 'DEFAULT') addedSections.add(sectionName)
      option = undefined
      continue
    }
    if (current === undefined) {
      throw new BotsIniError(`${where(n)}: a "[section]" header must come before any setting (configparser's MissingSectionHeaderError), got: ${quoteLine(line)}`)
    }
    const m = OPTION.exec(value)
    if (m === null) {
      fail(n, line, 'expected "key = value", "key: value" or "[section]" (configparser\'s ParsingError)')
      continue
    }
    const raw = m[1] ?? ''
    if (raw === '') fail(n, line, 'a setting needs a name before its "=" or ":" (configparser\'s ParsingError)')
    option = pyRstrip(raw).toLowerCase()
    const id = `${sectionName}\0${option}`
    if (addedOptions.has(id)) throw new BotsIniError(`${where(n)}: "${option}" is set twice in [${sectionName}] (configparser's DuplicateOptionError)`)
    addedOptions.add(id)
    current.set(option, [pyStrip(m[3] ?? '')])
  }
  if (firstError !== undefined) throw firstError

  const join = (options: Map<string, string[]>): Map<string, string> =>
    new Map([...options].map(([k, parts]) => [k, pyRstrip(parts.join('\n'))]))
  return {
    sections: new Map([...sections].map(([name, options]) => [name, join(options)])),
    defaults: join(defaults)
  }
}

/** bots.ini as Bots sees it through `get(section, key)`: each section with DEFAULT's keys lent. */
export function parseBotsIni (text: string, file = 'bots.ini'): IniSections {
  const { sections, defaults } = readIni(text, file)
  const out = Object.create(null) as IniSections
  for (const [name, options] of sections) out[name] = record([...defaults, ...options])
  return out
}

/**
 * The bytes of bots.ini as Python 3 decodes them in a UTF-8 locale (Bots' images set one): strict
 * UTF-8, a byte-order mark kept as a character (so refused by the parser, as Python refuses it).
 */
export function decodeBotsIni (bytes: Uint8Array, file = 'bots.ini'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    const at = firstInvalidUtf8(bytes)
    let line = 1
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++
    const hex = (bytes[at] ?? 0).toString(16).padStart(2, '0')
    throw new BotsIniError(`${file} line ${line}: byte 0x${hex} at offset ${at} is not UTF-8; Bots (Python 3) stops on it with UnicodeDecodeError: save the file as UTF-8`)
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8 (b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i] ?? 0
    let need = 0
    let min = 0
    if (c < 0x80) { i++; continue } else if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80 } else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800 } else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000 } else return i
    let cp = c & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const d = b[i + k]
      if (d === undefined || (d & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (d & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return b.length
}

/**
 * The rejected line, for the error message. A line of bots.ini may hold a secret (a
 * `db_password = …`), so only its shape is quoted: its key, if it has one, and its length.
 */
function quoteLine (line: string): string {
  const s = pyStrip(line)
  const m = /^([A-Za-z0-9_.\- ]{1,40}?)\s*[=:]/.exec(s)
  if (m !== null) return `a line setting "${m[1]}" (value withheld)`
  return `a line of ${s.length} character${s.length === 1 ? '' : 's'} (withheld: it may hold a secret)`
}

/** The value of a Unicode decimal digit (`\p{Nd}`): each block of them runs 0-9, and blocks that touch start at a 0. */
function digitValue (ch: string): number {
  let cp = ch.codePointAt(0) as number
  if (cp < 128) return cp - 48
  let start = cp
  while (start > 0 && /^\p{Nd}$/u.test(String.fromCodePoint(start - 1))) start--
  cp -= start
  return cp % 10
}

// int() strips ASCII whitespace and the non-ASCII whitespace it maps to a space: not \x1c-\x1f.
const INT_WS = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const PY_INT = new RegExp(`^[${INT_WS}]*([+-]?)(\\p{Nd}+(?:_\\p{Nd}+)*)[${INT_WS}]*$`, 'u')

/**
 * A whole number as Python's `int(text)` (configparser's getint) reads it: whitespace around, a
 * sign, `_` between digits, and any Unicode decimal digits (`２８０８２` is 28082). Undefined where
 * Python raises ValueError.
 */
export function pythonInt (text: string): number | undefined {
  const m = PY_INT.exec(text)
  if (m === null) return undefined
  let n = 0
  for (const ch of (m[2] as string).replace(/_/g, '')) n = n * 10 + digitValue(ch)
  return m[1] === '-' ? -n : n
}

const PY_BOOLEANS = new Map([['1', true], ['yes', true], ['true', true], ['on', true], ['0', false], ['no', false], ['false', false], ['off', false]])

/**
 * A value as configparser's getboolean reads it (`1/yes/true/on`, `0/no/false/off`, any case);
 * undefined where Python raises ValueError.
 */
export function pythonBoolean (text: string): boolean | undefined {
  return PY_BOOLEANS.get(text.toLowerCase())
}
