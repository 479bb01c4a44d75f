import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { botsEnv } from './helpers/app.js'
import { BotsIniError, loadBotsEnvironment, parseBotsIni } from '../lib/bots/ini-api.js'
import { BOTS_INI_MAX_BYTES } from '../lib/bots/environment.js'
import { decodeBotsIni } from '../lib/bots/ini.js'

t.test('key = value and key: value both read', async (t) => {
  const s = parseBotsIni('[directories]\nbotssys = /a\nusersys: /b\n')
  t.same(s.directories, { botssys: '/a', usersys: '/b' })
})

t.test('keys are case-insensitive (lower-cased), section names are not', async (t) => {
  const s = parseBotsIni('[directories]\nBOTSSYS = /a\nUserSys: /b\n[Directories]\nbotssys = /c\n')
  t.same(s.directories, { botssys: '/a', usersys: '/b' })
  t.same(s.Directories, { botssys: '/c' })
})

t.test('a # or ; inside a value is kept: there are no inline comments', async (t) => {
  const s = parseBotsIni('[webserver]\nenvironment_text_color = #000000\nstyle = color:#f00;font-size:1em; # not a comment\n')
  t.equal(s.webserver?.environment_text_color, '#000000')
  t.equal(s.webserver?.style, 'color:#f00;font-size:1em; # not a comment')
})

t.test('full-line # and ; comments are skipped, indented ones too', async (t) => {
  const s = parseBotsIni('# top\n; also\n[directories]\n  # indented comment\nbotssys = x\n;usersys = y\n')
  t.same(s.directories, { botssys: 'x' })
})

t.test('indented lines continue the value, blank lines inside are kept, trailing ones are not', async (t) => {
  const s = parseBotsIni('[settings]\nlist = one\n  two\n\n    three\n\nnext = 1\n')
  t.equal(s.settings?.list, 'one\ntwo\n\nthree')
  t.equal(s.settings?.next, '1')
})

t.test('only the first delimiter splits; the value may hold = and :', async (t) => {
  const s = parseBotsIni('[custommenus]\nIncoming = /incoming/?all=1\nurl: http://x:80/a=b\n')
  t.equal(s.custommenus?.incoming, '/incoming/?all=1')
  t.equal(s.custommenus?.url, 'http://x:80/a=b')
})

t.test('values with quotes, brackets and dots survive the ini encoding', async (t) => {
  const s = parseBotsIni('[dirmonitor.one]\npath = "c:/edi/out"\nmask = [abc]*.xml\nempty =\n')
  t.same(s['dirmonitor.one'], { path: '"c:/edi/out"', mask: '[abc]*.xml', empty: '' })
})

t.test('DEFAULT lends its keys to every section', async (t) => {
  const s = parseBotsIni('[DEFAULT]\nroot = /srv\n[directories]\nbotssys = b\n')
  t.same(s.directories, { root: '/srv', botssys: 'b' })
  t.notOk('DEFAULT' in s)
})

t.test('errors name the file, the line and configparser\'s error, and never quote a value', async (t) => {
  const cases: [string, RegExp][] = [
    ['botssys = x\n', /^f\.ini line 1: a "\[section\]" header must come before any setting \(configparser's MissingSectionHeaderError\), got: a line setting "botssys" \(value withheld\)$/],
    ['[a]\nno delimiter here\n', /^f\.ini line 2: expected "key = value", "key: value" or "\[section\]" \(configparser's ParsingError\), got: a line of 17 characters \(withheld: it may hold a secret\)$/],
    ['[a]\n= value\n', /^f\.ini line 2: a setting needs a name/],
    ['[a]\nx = 1\nX = 2\n', /^f\.ini line 3: "x" is set twice in \[a\] \(configparser's DuplicateOptionError\)$/],
    ['[a]\n[b]\n[a]\n', /^f\.ini line 3: section \[a\] appears twice \(configparser's DuplicateSectionError\)$/],
    ['\uFEFF[a]\n', /^f\.ini line 1: the file starts with a UTF-8 byte-order mark/]
  ]
  for (const [text, message] of cases) {
    t.throws(() => parseBotsIni(text, 'f.ini'), message, JSON.stringify(text))
    t.throws(() => parseBotsIni(text, 'f.ini'), BotsIniError)
  }
  for (const text of ['[directories]\ndb_password = Hunter2\nHunter2\n', 'db_password = Hunter2\n']) {
    let message = ''
    try { parseBotsIni(text) } catch (err) { message = (err as Error).message }
    t.ok(message !== '' && !message.includes('Hunter2'), `no secret in: ${message}`)
  }
})

t.test('only BotsIniError leaves the reader, whatever it is given', async (t) => {
  for (const input of [undefined, null, 42, {}, Buffer.from('[a]\n')]) {
    t.throws(() => parseBotsIni(input as unknown as string), BotsIniError, String(input))
  }
})

t.test('a file with CRLF line ends reads; one with a byte-order mark does not, as in Bots', async (t) => {
  const s = parseBotsIni('[directories]\r\nbotssys = a\r\nusersys = b\r\n')
  t.same(s.directories, { botssys: 'a', usersys: 'b' })
  t.throws(() => parseBotsIni('\uFEFF[directories]\r\nbotssys = a\r\n'), BotsIniError)
})

t.test('values stay strings: true, false and null are not converted', async (t) => {
  const s = parseBotsIni('[directories]\nbotssys = true\nusersys = null\n[jobqueue]\nenabled = false\n')
  t.equal(s.directories?.botssys, 'true')
  t.equal(s.directories?.usersys, 'null')
  t.equal(s.jobqueue?.enabled, 'false')
})

t.test('bytes that are not UTF-8 are refused with their line and offset', async (t) => {
  const bytes = Buffer.concat([Buffer.from('[directories]\r\n# donn'), Buffer.from([0xe9]), Buffer.from('es\n')])
  t.throws(() => decodeBotsIni(bytes, 'f.ini'), { name: 'BotsIniError', message: 'f.ini line 2: byte 0xe9 at offset 21 is not UTF-8; Bots (Python 3) stops on it with UnicodeDecodeError: save the file as UTF-8' })
  t.equal(decodeBotsIni(Buffer.from('[a]\nx = é\n')), '[a]\nx = é\n')
})

t.test('bots.ini that is not a regular file, or too large, is refused without blocking', async (t) => {
  const e = botsEnv(t, { ini: null })
  const ini = join(e.configDir, 'bots.ini')
  execFileSync('mkfifo', [ini])
  t.match(loadBotsEnvironment(e.configDir).configError, /bots\.ini is not a regular file \(a FIFO, socket or device\)/)
  rmSync(ini)
  symlinkSync('/dev/zero', ini)
  t.match(loadBotsEnvironment(e.configDir).configError, /not a regular file/)
  rmSync(ini)
  writeFileSync(ini, '[directories]\n' + '#'.repeat(BOTS_INI_MAX_BYTES) + '\n')
  t.match(loadBotsEnvironment(e.configDir).configError, /bots\.ini is \d+ bytes, more than the 1048576 this reader takes/)
})

t.test('relative directories resolve against the bots environment, not the working directory', async (t) => {
  const e = botsEnv(t)
  const cwd = process.cwd()
  t.teardown(() => process.chdir(cwd))
  for (const dir of ['/', e.configDir]) {
    process.chdir(dir)
    const env = loadBotsEnvironment(e.configDir)
    t.equal(env.botssys, e.botssys, `from ${dir}`)
    t.equal(env.usersys, e.usersys)
    t.equal(env.sqlitePath, join(e.botssys, 'sqlitedb', 'botsdb'))
    t.equal(env.configError, undefined)
  }
})

t.test('an absolute directory wins, an empty one falls back to the default', async (t) => {
  const e = botsEnv(t, { ini: '[directories]\nbotssys = /srv/bots/botssys\nusersys =\n' })
  const env = loadBotsEnvironment(e.configDir)
  t.equal(env.botssys, '/srv/bots/botssys')
  t.equal(env.usersys, e.usersys)
  const overridden = loadBotsEnvironment(e.configDir, { usersys: 'elsewhere' })
  t.equal(overridden.usersys, join(e.root, 'elsewhere'))
})

t.test('config errors: missing dir, dir that is a file, missing bots.ini, bots.ini a directory', async (t) => {
  const e = botsEnv(t, { ini: null })
  t.equal(loadBotsEnvironment(join(e.root, 'nope')).configError, `config directory not found: ${join(e.root, 'nope')}`)
  writeFileSync(join(e.root, 'afile'), 'x')
  t.equal(loadBotsEnvironment(join(e.root, 'afile')).configError, `config directory is not a directory: ${join(e.root, 'afile')}`)
  t.equal(loadBotsEnvironment(e.configDir).configError, `bots.ini not found: ${join(e.configDir, 'bots.ini')}`)
  t.equal(loadBotsEnvironment(e.configDir).botssys, e.botssys, 'defaults are used without bots.ini')
  mkdirSync(join(e.configDir, 'bots.ini'))
  t.equal(loadBotsEnvironment(e.configDir).configError, `bots.ini is not a file: ${join(e.configDir, 'bots.ini')}`)
})

t.test('garbage in bots.ini is reported with its line', async (t) => {
  const e = botsEnv(t, { ini: '\u0000\u0001binary garbage\n' })
  t.match(loadBotsEnvironment(e.configDir).configError, /bots\.ini line 1: a "\[section\]" header must come before any setting/)
})
