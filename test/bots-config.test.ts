import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { BotsIniError, loadBotsEnvironment, parseBotsIni } from '../lib/index.js'
import { makeBotsEnv } from './helpers/bots-env.js'

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

t.test('errors name the file and the line, as configparser rejects them', async (t) => {
  const cases: [string, RegExp][] = [
    ['botssys = x\n', /^f\.ini line 1: a "\[section\]" header must come before any setting, got: botssys = x$/],
    ['[a]\nno delimiter here\n', /^f\.ini line 2: expected "key = value", "key: value" or "\[section\]", got: no delimiter here$/],
    ['[a]\n= value\n', /^f\.ini line 2: expected/],
    ['[a]\nx = 1\nX = 2\n', /^f\.ini line 3: "x" is set twice in \[a\]$/],
    ['[a]\n[b]\n[a]\n', /^f\.ini line 3: section \[a\] appears twice$/]
  ]
  for (const [text, message] of cases) {
    t.throws(() => parseBotsIni(text, 'f.ini'), message, JSON.stringify(text))
    t.throws(() => parseBotsIni(text, 'f.ini'), BotsIniError)
  }
})

t.test('a file with CRLF line ends and a BOM reads', async (t) => {
  const s = parseBotsIni('\uFEFF[directories]\r\nbotssys = a\r\nusersys = b\r\n')
  t.same(s.directories, { botssys: 'a', usersys: 'b' })
})

t.test('a stock-like bots.ini reads whole', async (t) => {
  const text = `#configuration file for Bots.
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

[directories]
#botssys: internal storage of files. Default: botssys
botssys = botssys

usersys = usersys

[charsets]
unoc = latin_1
keca = euc_kr
`
  const s = parseBotsIni(text)
  t.same(Object.keys(s), ['settings', 'webserver', 'custommenus', 'directories', 'charsets'])
  t.equal(s.webserver?.environment, 'production')
  t.equal(s.webserver?.environment_text, '')
  t.same(s.directories, { botssys: 'botssys', usersys: 'usersys' })
  t.same(s.custommenus, {})
})

t.test('relative directories resolve against the bots environment, not the working directory', async (t) => {
  const e = makeBotsEnv()
  t.teardown(e.remove)
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
  const e = makeBotsEnv({ ini: '[directories]\nbotssys = /srv/bots/botssys\nusersys =\n' })
  t.teardown(e.remove)
  const env = loadBotsEnvironment(e.configDir)
  t.equal(env.botssys, '/srv/bots/botssys')
  t.equal(env.usersys, e.usersys)
  const overridden = loadBotsEnvironment(e.configDir, { usersys: 'elsewhere' })
  t.equal(overridden.usersys, join(e.root, 'elsewhere'))
})

t.test('config errors: missing dir, dir that is a file, missing bots.ini, bots.ini a directory', async (t) => {
  const e = makeBotsEnv({ ini: null })
  t.teardown(e.remove)
  t.equal(loadBotsEnvironment(join(e.root, 'nope')).configError, `config directory not found: ${join(e.root, 'nope')}`)
  writeFileSync(join(e.root, 'afile'), 'x')
  t.equal(loadBotsEnvironment(join(e.root, 'afile')).configError, `config directory is not a directory: ${join(e.root, 'afile')}`)
  t.equal(loadBotsEnvironment(e.configDir).configError, `bots.ini not found: ${join(e.configDir, 'bots.ini')}`)
  t.equal(loadBotsEnvironment(e.configDir).botssys, e.botssys, 'defaults are used without bots.ini')
  mkdirSync(join(e.configDir, 'bots.ini'))
  t.equal(loadBotsEnvironment(e.configDir).configError, `bots.ini is not a file: ${join(e.configDir, 'bots.ini')}`)
})

t.test('garbage in bots.ini is reported with its line', async (t) => {
  const e = makeBotsEnv({ ini: '\u0000\u0001binary garbage\n' })
  t.teardown(e.remove)
  t.match(loadBotsEnvironment(e.configDir).configError, /bots\.ini line 1: a "\[section\]" header must come before any setting/)
})
