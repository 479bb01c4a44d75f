import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { tablesCheck } from '../lib/checks/tables.js'
import { directoryCheck } from '../lib/checks/directories.js'
import type { DatabaseAdapter } from '../lib/index.js'

const signal = new AbortController().signal
const tables = (names: string[], caseInsensitive: boolean): DatabaseAdapter => ({ kind: 'fixed', async ping () {}, async listTables () { return { names, caseInsensitive } } })

t.test('tables: exact names where the server compares case-sensitively (lower_case_table_names = 0)', async (t) => {
  await t.rejects(tablesCheck(tables(['CHANNEL', 'routes', 'ta', 'mutex'], false), { required: ['channel', 'routes', 'ta', 'mutex'] }).run(signal), { message: 'Missing tables: channel' })
  await t.resolves(tablesCheck(tables(['channel', 'routes', 'ta', 'mutex'], false), { required: ['channel', 'routes', 'ta', 'mutex'] }).run(signal))
})

t.test('tables: any case where the server folds names (lower_case_table_names = 1 or 2, SQLite)', async (t) => {
  await t.resolves(tablesCheck(tables(['Channel', 'ROUTES', 'ta', 'Mutex'], true), { required: ['channel', 'routes', 'ta', 'mutex'] }).run(signal))
})

t.test('tables: a failing listing is reported as the tables check\'s', async (t) => {
  const broken: DatabaseAdapter = { kind: 'x', async ping () {}, async listTables () { throw Object.assign(new Error('SELECT command denied'), { code: 'ER_TABLEACCESS_DENIED_ERROR' }) } }
  await t.rejects(tablesCheck(broken, { required: ['ta'] }).run(signal), { message: 'Tables check failed: ER_TABLEACCESS_DENIED_ERROR: SELECT command denied' })
})

t.test('directories: missing, a file, a file in the path, and the data subdirectory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dirs-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'file'), 'x')
  await t.rejects(directoryCheck(join(dir, 'nope'), { name: 'usersys' }).run(signal), { message: `usersys directory not found: ${join(dir, 'nope')}` })
  await t.rejects(directoryCheck(join(dir, 'file'), { name: 'usersys' }).run(signal), { message: `usersys is not a directory: ${join(dir, 'file')}` })
  await t.rejects(directoryCheck(join(dir, 'file', 'sub'), { name: 'usersys' }).run(signal), { message: `usersys directory not found: ${join(dir, 'file', 'sub')}` })
  await t.rejects(directoryCheck(dir, { name: 'botssys', subdirectories: ['data'] }).run(signal), { message: `botssys/data directory not found: ${join(dir, 'data')}` })
  await t.resolves(directoryCheck(dir, { name: 'usersys' }).run(signal))
})
