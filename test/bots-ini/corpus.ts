// The bots.ini corpus of the differential test: inputs that Python's configparser and a hand
// port of it are likely to read differently. Ideas drawn from CPython's Lib/test/test_configparser.py
// (delimiters, comments, continuation lines, duplicates, odd section names) and from the ways a
// bots.ini is edited in the field (Windows editors, Latin-1 files, pasted Windows paths).
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ini from 'ini'

export interface IniCase {
  readonly name: string
  readonly bytes: Buffer
}

const cases: IniCase[] = []
const seen = new Set<string>()
function c (name: string, content: string | Buffer): void {
  if (seen.has(name)) throw new Error(`corpus: case ${name} twice`)
  seen.add(name)
  cases.push({ name, bytes: typeof content === 'string' ? Buffer.from(content, 'utf8') : content })
}
const dirs = (body: string): string => `[settings]\nmaxdays = 30\n[directories]\n${body}`

// --- the stock shapes --------------------------------------------------------------------------
c('minimal', '[directories]\nbotssys = botssys\nusersys = usersys\n')
c('colon delimiter', '[directories]\nbotssys: /srv/botssys\nusersys:/srv/usersys\n')
c('no spaces around =', '[directories]\nbotssys=/a\nusersys=/b\n')
c('no final newline', '[directories]\nbotssys = /a')
c('empty file', '')
c('only comments', '# a\n; b\n')
c('only blank lines', '\n\n  \n')
c('section only', '[directories]\n')
c('no directories section', '[settings]\nmaxdays = 30\n')
c('absolute and relative', dirs('botssys = /srv/bots/botssys\nusersys = usersys\n'))
c('empty values fall back', dirs('botssys =\nusersys:\n'))
c('dot segments', dirs('botssys = ../shared/botssys\nusersys = ./u/../usersys\n'))
c('two leading slashes', dirs('botssys = //srv/botssys\nusersys = ///srv/usersys\n'))
c('trailing slash', dirs('botssys = /srv/botssys/\nusersys = usersys//\n'))

// --- line ends (Python's universal newlines: \n, \r, \r\n and nothing else) --------------------
c('CRLF', '[directories]\r\nbotssys = /a\r\nusersys = /b\r\n')
c('CR only', '[directories]\rbotssys = /a\rusersys = /b\r')
c('mixed line ends', '[directories]\r\nbotssys = /a\rusersys = /b\n')
c('CRLF continuation', '[settings]\r\nlist = one\r\n  two\r\n\r\n  three\r\n[directories]\r\nbotssys = x\r\n')
c('LF CR (two line ends)', '[directories]\n\rbotssys = /a\n\r')
for (const [label, ch] of [['U+2028', '\u2028'], ['U+2029', '\u2029'], ['U+0085', '\u0085'], ['\\x1c', '\x1c'], ['\\x1d', '\x1d'], ['\\x1e', '\x1e'], ['\\v', '\v'], ['\\f', '\f']]) {
  c(`${label} inside a value`, `[directories]\nbotssys = /a${ch}b\nusersys = /u\n`)
  c(`${label} between lines`, `[directories]\nbotssys = /a${ch}usersys = /b\n`)
  c(`${label} at the end of a value`, `[directories]\nbotssys = /a${ch}\nusersys = /u\n`)
  c(`${label} as indentation`, `[settings]\nlist = one\n${ch}two\n[directories]\nbotssys = x\n`)
  c(`${label} in a key`, `[directories]\nbots${ch}sys = /a\n`)
}
c('tab indentation continues', '[settings]\nlist = one\n\ttwo\n[directories]\nbotssys = x\n')
c('tab around delimiter', '[directories]\nbotssys\t=\t/a\t\n')
c('nbsp around delimiter', '[directories]\nbotssys\u00a0=\u00a0/a\u00a0\n')
c('ideographic space trailing', '[directories]\nbotssys = /a\u3000\n')
c('zero-width space trailing', '[directories]\nbotssys = /a\u200b\n')
c('nbsp indentation', '[settings]\nlist = one\n\u00a0two\n[directories]\nbotssys = x\n')

// --- the byte-order mark and the encoding -----------------------------------------------------
c('BOM at the start', '\uFEFF[directories]\nbotssys = /a\n')
c('BOM before a comment', '\uFEFF# comment\n[directories]\nbotssys = /a\n')
c('BOM alone on the first line', '\uFEFF\n[directories]\nbotssys = /a\n')
c('BOM mid-file before a key', '[directories]\n\uFEFFbotssys = /a\n')
c('BOM mid-file before a section', '[settings]\nx = 1\n\uFEFF[directories]\nbotssys = /a\n')
c('BOM inside a value', '[directories]\nbotssys = /a\uFEFF\n')
c('UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[directories]\nbotssys = /a\n', 'utf16le')]))
c('Latin-1 e-acute in a comment', Buffer.concat([Buffer.from('[directories]\n# donn'), Buffer.from([0xe9]), Buffer.from('es\nbotssys = /a\n')]))
c('Latin-1 e-acute in a path', Buffer.concat([Buffer.from('[directories]\nbotssys = /srv/donn'), Buffer.from([0xe9]), Buffer.from('es\n')]))
c('Latin-1 on line 3 after CRLF', Buffer.concat([Buffer.from('[settings]\r\nx = 1\r\n# '), Buffer.from([0xfc]), Buffer.from('\r\n[directories]\r\n')]))
c('truncated UTF-8 sequence at the end', Buffer.concat([Buffer.from('[directories]\nbotssys = /a'), Buffer.from([0xc3])]))
c('overlong encoding of slash', Buffer.concat([Buffer.from('[directories]\nbotssys = '), Buffer.from([0xc0, 0xaf]), Buffer.from('a\n')]))
c('encoded surrogate', Buffer.concat([Buffer.from('[directories]\nbotssys = /'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')]))
c('code point above U+10FFFF', Buffer.concat([Buffer.from('[directories]\nbotssys = /'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('\n')]))
c('lone continuation byte', Buffer.concat([Buffer.from('[directories]\nbotssys = /'), Buffer.from([0x80]), Buffer.from('\n')]))
c('valid UTF-8 path', dirs('botssys = /srv/données/botssys\nusersys = /srv/用户/usersys\n'))
c('emoji in a value', dirs('botssys = /srv/😀\n'))
c('NUL byte in a comment', '[directories]\n# \u0000\nbotssys = /a\n')
c('NUL byte in a path', '[directories]\nbotssys = /a\u0000b\n')
c('NUL bytes as garbage', '\u0000\u0001binary garbage\n')
c('control characters in a value', dirs('botssys = /a\u0001\u0007\n'))

// --- section names ----------------------------------------------------------------------------
c('spaces inside the brackets', '[ directories ]\nbotssys = /a\n')
c('spaces before the header', '   [directories]\nbotssys = /a\n')
c('text after the header', '[directories] # old\nbotssys = /a\n')
c('semicolon in the name', '[directories;old]\nbotssys = /a\n')
c('hash in the name', '[directories#x]\nbotssys = /a\n')
c('quoted name', '["directories"]\nbotssys = /a\n')
c('bracket inside the name', '[direc]tories]\nbotssys = /a\n')
c('two headers on a line', '[settings][directories]\nbotssys = /a\n')
c('nested brackets', '[[directories]]\nbotssys = /a\n')
c('empty brackets', '[]\nbotssys = /a\n')
c('space only name', '[ ]\nbotssys = /a\n')
c('unclosed bracket', '[directories\nbotssys = /a\n')
c('dotted name', '[dirmonitor.one]\npath = /in\n[directories]\nbotssys = /a\n')
c('upper-case DIRECTORIES', '[DIRECTORIES]\nbotssys = /a\n')
c('Directories after directories', '[directories]\nbotssys = /a\n[Directories]\nbotssys = /b\n')
c('a rewritten name after the real one', '[directories]\nbotssys = /real\n[ directories ]\nbotssys = /other\n')
c('name __proto__', '[__proto__]\nx = 1\n[directories]\nbotssys = /a\n')
c('name constructor', '[constructor]\nx = 1\n')
c('name with a backslash', '[dir\\ectories]\nbotssys = /a\n')
c('name with an equals sign', '[a = b]\nx = 1\n')
c('header with a value after it', '[directories] = x\nbotssys = /a\n')
c('indented header continues a value', '[settings]\nlist = one\n  [directories]\nbotssys = /a\n')
c('duplicate section', '[directories]\nbotssys = /a\n[directories]\nusersys = /b\n')
c('duplicate section, different case', '[directories]\nbotssys = /a\n[DIRECTORIES]\nbotssys = /b\n')
c('DEFAULT twice', '[DEFAULT]\nroot = /srv\n[directories]\nbotssys = b\n[DEFAULT]\nother = 1\n')
c('DEFAULT twice, same key', '[DEFAULT]\nroot = /srv\n[DEFAULT]\nroot = /other\n')
c('DEFAULT lends botssys', '[DEFAULT]\nbotssys = /from/default\n[directories]\nusersys = u\n')
c('DEFAULT key overridden', '[DEFAULT]\nbotssys = /d\n[directories]\nbotssys = /s\n')
c('DEFAULT only', '[DEFAULT]\nbotssys = /d\n')
c('default lower-case is a section', '[default]\nx = 1\n[directories]\nbotssys = /a\n')
c('DEFAULT after the sections', '[directories]\nusersys = u\n[DEFAULT]\nbotssys = /late\n')
c('DEFAULT empty botssys', '[DEFAULT]\nbotssys =\n[directories]\n')

// --- keys -------------------------------------------------------------------------------------
c('upper-case keys', '[directories]\nBOTSSYS = /a\nUserSys: /b\n')
c('key with spaces', '[settings]\nmy key = 1\n[directories]\nbotssys = /a\n')
c('key with trailing spaces', '[directories]\nbotssys    = /a\n')
c('key with brackets', '[settings]\nx[] = 1\n[directories]\nbotssys = /a\n')
c('key __proto__', '[directories]\n__proto__ = /p\nbotssys = /a\n')
c('key constructor and toString', '[directories]\nconstructor = 1\ntostring = 2\nbotssys = /a\n')
c('key hasOwnProperty', '[directories]\nhasOwnProperty = 1\n')
c('numeric keys', '[settings]\n10 = a\n2 = b\n[directories]\nbotssys = /a\n')
c('key that is a dot', '[settings]\n. = x\n[directories]\nbotssys = /a\n')
c('key with a colon after =', '[settings]\na = b: c\n[directories]\nbotssys = /a\n')
c('key with = after a colon', '[settings]\na: b = c\n[directories]\nbotssys = /a\n')
c('key with quotes', '[settings]\n"quoted" = 1\n\'single\' = 2\n[directories]\nbotssys = /a\n')
c('German sharp s key', '[settings]\nStraße = 1\n[directories]\nbotssys = /a\n')
c('dotted capital I key', '[settings]\nİx = 1\n[directories]\nbotssys = /a\n')
c('Greek final sigma key', '[settings]\nΟΔΟΣ = 1\n[directories]\nbotssys = /a\n')
c('Kelvin sign key', '[settings]\n\u212a = 1\n[directories]\nbotssys = /a\n')
c('duplicate key', '[directories]\nbotssys = /a\nbotssys = /b\n')
c('duplicate key, other case', '[directories]\nbotssys = /a\nBotsSys = /b\n')
c('duplicate key, other delimiter', '[directories]\nbotssys = /a\nbotssys: /b\n')
c('duplicate key, trailing space', '[directories]\nbotssys = /a\nbotssys  = /b\n')
c('same key in two sections', '[settings]\nbotssys = /s\n[directories]\nbotssys = /a\n')
c('key with no value', '[directories]\nbotssys\n')
c('key with no value, stock comment style', '[directories]\nbotssys = botssys\nusersys\n')
c('empty key', '[directories]\n= /a\n')
c('empty key with colon', '[directories]\n: /a\n')
c('only a delimiter', '[directories]\n=\n')
c('two errors', '[directories]\nnot a setting\nneither\n')
c('error then duplicate', '[directories]\nnot a setting\nbotssys = /a\nbotssys = /b\n')
c('key before any section', 'botssys = /a\n[directories]\n')
c('comment then key before any section', '# c\n\nbotssys = /a\n')
c('indented key before any section', '  botssys = /a\n')

// --- values -----------------------------------------------------------------------------------
c('value true', dirs('botssys = true\n'))
c('value false', dirs('botssys = false\nusersys = False\n'))
c('value null', dirs('botssys = null\n'))
c('value with a single quote', dirs("botssys = /srv/o'neil\n"))
c('value quoted', dirs('botssys = "/srv/bots"\nusersys = \'/srv/u\'\n'))
c('value with percent', dirs('botssys = /srv/100%\nusersys = %(home)s/u\n'))
c('value with semicolon', dirs('botssys = /b\\;x\n'))
c('value with inline hash', '[webserver]\nenvironment_text_color = #000000\nstyle = a; # not a comment\n[directories]\nbotssys = /a # old\n')
c('value with inline semicolon', dirs('botssys = /a ; old\n'))
c('UNC path', dirs('botssys = \\\\fileserver\\bots\nusersys = C:\\bots\\usersys\n'))
c('backslash at the end', dirs('botssys = /srv/bots\\\n'))
c('backslash n', dirs('botssys = /srv\\nbots\n'))
c('value with equals', '[custommenus]\nIncoming = /incoming/?all=1\n[directories]\nbotssys = /a\n')
c('value with colon', dirs('botssys = C:/bots\n'))
c('value with brackets', dirs('botssys = [abc]\n'))
c('value that looks like a section', dirs('botssys = [directories]\n'))
c('value with a URL', '[settings]\nurl: http://x:80/a=b\n[directories]\nbotssys = /a\n')
c('value of spaces only', dirs('botssys =    \n'))
c('value with inner spaces', dirs('botssys = /srv/my  bots\n'))
c('value with leading tab', dirs('botssys =\t/a\n'))
c('value ${} and $', dirs('botssys = $' + '{HOME}/bots\nusersys = $BOTS/u\n'))
c('value ~', dirs('botssys = ~/bots\n'))
c('very long value', dirs(`botssys = /${'x'.repeat(5000)}\n`))

// --- continuation lines -----------------------------------------------------------------------
c('continuation', '[settings]\nlist = one\n  two\n    three\n[directories]\nbotssys = /a\n')
c('continuation with blank lines', '[settings]\nlist = one\n  two\n\n    three\n\nnext = 1\n[directories]\nbotssys = /a\n')
c('continuation of botssys', '[directories]\nbotssys = /a\n  /b\n')
c('continuation of an empty botssys', '[directories]\nbotssys =\n  /b\n')
c('continuation after blank lines only', '[directories]\nbotssys =\n\n\nusersys = u\n')
c('comment inside a continuation', '[settings]\nlist = one\n  # not part\n  two\n[directories]\nbotssys = /a\n')
c('comment at column 0 inside a continuation', '[settings]\nlist = one\n# c\n  two\n[directories]\nbotssys = /a\n')
c('deeper then shallower', '[settings]\nlist = one\n      two\n   three\n[directories]\nbotssys = /a\n')
c('indented key after an indented key', '[directories]\n  botssys = /a\n  usersys = /b\n')
c('indented key then deeper key', '[directories]\n  botssys = /a\n    usersys = /b\n')
c('indented key then column 0', '[directories]\n  botssys = /a\nusersys = /b\n')
c('continuation right after a header', '[directories]\n  botssys = /a\n')
c('continuation line that has a delimiter', '[directories]\nbotssys = /a\n  usersys = /b\n')
c('continuation of a key with no value', '[directories]\nbotssys\n  = /a\n')
c('blank lines with spaces inside a value', '[settings]\nlist = one\n   \n  two\n[directories]\nbotssys = /a\n')
c('trailing blank lines of the last value', '[directories]\nbotssys = /a\n\n\n\n')
c('continuation with CR line ends', '[settings]\rlist = one\r  two\r[directories]\rbotssys = /a\r')

// --- comments ---------------------------------------------------------------------------------
c('hash and semicolon comments', '# top\n; also\n[directories]\n  # indented\nbotssys = x\n;usersys = y\n')
c('comment of botssys', '[directories]\n#botssys = /commented\nusersys = u\n')
c('rem is not a comment', '[directories]\nrem botssys = /a\n')
c('double-slash is not a comment', '[directories]\n// botssys = /a\n')
c('comment with leading tab', '[directories]\n\t# c\nbotssys = /a\n')
c('comment with leading nbsp', '[directories]\n\u00a0# c\nbotssys = /a\n')
c('comment with leading U+0085', '[directories]\n\u0085# c\nbotssys = /a\n')
c('comment with leading \\x1c', '[directories]\n\x1c# c\nbotssys = /a\n')
c('hash key', '[directories]\nbotssys = /a\n  #usersys = x\n')

// --- whitespace classes in every position -----------------------------------------------------
const spaces: [string, string][] = [['space', ' '], ['tab', '\t'], ['nbsp', '\u00a0'], ['U+1680', '\u1680'], ['U+2003', '\u2003'], ['U+202F', '\u202f'], ['U+205F', '\u205f'], ['U+3000', '\u3000'], ['U+180E', '\u180e'], ['U+200B', '\u200b'], ['\\x1f', '\x1f']]
for (const [label, s] of spaces) {
  c(`${label} before the key`, `[directories]\n${s}botssys = /a\n`)
  c(`${label} after the value`, `[directories]\nbotssys = /a${s}\n`)
  c(`${label} before the delimiter`, `[directories]\nbotssys${s}= /a\n`)
  c(`${label} around the header`, `${s}[directories]${s}\nbotssys = /a\n`)
}

// --- the real files ---------------------------------------------------------------------------
const reference = fileURLToPath(new URL('../../../shared/reference/', import.meta.url))
for (const version of ['bots-3.x', 'bots-4.x']) {
  const file = `${reference}${version}/bots.ini`
  if (existsSync(file)) c(`stock bots.ini of ${version}`, readFileSync(file))
}
c('the demo bots.ini of examples/', readFileSync(fileURLToPath(new URL('../../examples/bots-env/config/bots.ini', import.meta.url))))
// Files that a tool writes with the `ini` package (fixtures, the demo): what Bots then reads.
c('written by ini.stringify', ini.stringify({ settings: { maxdays: 30 }, jobqueue: { enabled: false, port: 28082 }, directories: { botssys: '/srv/bots sys', usersys: 'usersys' } }))
c('written by ini.stringify, odd values', ini.stringify({ directories: { botssys: '/a;b#c', usersys: '"q"' }, webserver: { environment_text: 'a = b' } }))
c('stock-like 4.x file', `#configuration file for Bots.
#with continuations in the style of RFC 822; "name=value" is also accepted.

[settings]
maxdays = 30
interchangecontrolperpartner=False
#botsreplacechar =
log_level = INFO

[webserver]
environment = production${' '}
port = 8080
environment_text =
#environment_text_color = #f00

[custommenus]
#Incoming = /incoming/?all

[jobqueue]
enabled = False
port = 28082

[dirmonitor]

[directories]
#botssys: internal storage of files. Default: botssys
botssys = botssys

usersys = usersys

[charsets]
unoc = latin_1
keca = euc_kr
`)

export const corpus: readonly IniCase[] = cases
