// tap's `after`: a test file must end when its tests do. One whose process lives on (a timer, a
// pending connect, a socket left open) holds one of tap's two slots until it ends, and the whole
// suite waits: a stalled proxy answer once kept one alive for a minute. tap's records give each
// test file's process lifetime (.tap/processinfo) and the time its tests took (.tap/test-results);
// what lies between is loading and exit, a few seconds at most.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const LIMIT_MS = 20_000

const late = []
let dir = []
try { dir = readdirSync(join(root, '.tap/processinfo')) } catch {}
for (const name of dir) {
  let info
  try { info = JSON.parse(readFileSync(join(root, '.tap/processinfo', name), 'utf8')) } catch { continue }
  const file = info.externalID
  if (info.parent !== null || typeof file !== 'string' || !/\.test\.[cm]?[jt]s$/.test(file)) continue
  let results = ''
  try { results = readFileSync(join(root, '.tap/test-results', `${file}.tap`), 'utf8') } catch { continue }
  const times = [...results.matchAll(/^# time=([\d.]+)ms$/gm)]
  const testsMs = Number(times.at(-1)?.[1])
  if (!Number.isFinite(testsMs)) continue
  const beyond = info.runtime - testsMs
  if (beyond > LIMIT_MS) late.push(`${file}: its tests took ${(testsMs / 1000).toFixed(1)} s, its process ${(info.runtime / 1000).toFixed(1)} s`)
}
if (late.length > 0) {
  process.stderr.write(`# a test file outlived its tests by more than ${LIMIT_MS / 1000} s: close what it opens (timers, sockets, pools, servers)\n${late.map((l) => `#   ${l}\n`).join('')}`)
  process.exitCode = 1
}
