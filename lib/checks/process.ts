import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'

// The process check reads /proc synchronously, on purpose: /proc is served from the kernel's
// memory and answers in microseconds, and a synchronous read never waits in libuv's thread pool
// behind file-system calls that a hung volume has stuck there. Liveness must not depend on a disk.

export interface ProcessInfo {
  pid: number
  /** `R`, `S`, `D`, `T` (stopped), `t` (traced), `Z` (zombie), `X` (dead), … as in /proc/<pid>/stat. */
  state: string
  /** The arguments joined by spaces; for a zombie, which has none left, its name from stat. */
  commandLine: string
  /** What it runs: the script or module of an interpreter, else the executable (see programOf). */
  program: string
}

/** Interpreters whose program is their script (or `-m module`), not themselves. */
const INTERPRETER = /^(?:python|pypy)(?:\d+(?:\.\d+)*)?$|^(?:node|nodejs|bun|deno|perl|ruby|sh|bash|dash|ash|zsh|ksh)$/
/** Interpreter flags that take a value as the next argument. */
const FLAG_WITH_VALUE = new Set(['-W', '-X', '-Q', '-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--title'])

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

/**
 * What a command line runs: for an interpreter (python, node, sh…), its script or `-m` module
 * (`python3 /usr/local/bin/bots-dirmonitor -c/config` runs `/usr/local/bin/bots-dirmonitor`,
 * `python -m bots.jobqueueserver` runs `bots.jobqueueserver`); for anything else its argv[0].
 * An interpreter given code with `-c`/`-e` runs itself. Wrappers (`sh -c '…'`, `timeout`, `env`,
 * tini) are their own programs: a command line that merely mentions a name does not run it.
 */
export function programOf (argv: readonly string[]): string {
  const first = argv[0] ?? ''
  if (!INTERPRETER.test(basename(first))) return first
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '-m') return argv[i + 1] ?? first
    if (a.startsWith('-m') && !a.startsWith('--') && a.length > 2) return a.slice(2)
    if (a === '-c' || a === '-e' || a === '--eval' || a === '-p' || a === '--print') return first
    if (a === '--') return argv[i + 1] ?? first
    if (FLAG_WITH_VALUE.has(a)) { i++; continue }
    if (a.startsWith('-')) continue
    return a
  }
  return first
}

/** Names compare without `.py`, and with `-`, `_` and `.` alike: `bots-jobqueueserver` is `bots.jobqueueserver` (`-m`) and `bots_jobqueueserver.py`. */
function normal (name: string): string {
  return name.replace(/\.pyc?$/, '').replace(/[-_.]/g, '-')
}

/** The kernel keeps the first 15 bytes of the executable's (or script's) file name as `comm`. */
const COMM_MAX = 15

interface Matcher {
  /** Could a process of this name (`comm`, or its executable's) match? Its command line is read only then. */
  candidate (comm: string): boolean
  matches (argv: readonly string[], commandLine: string): boolean
  /** A zombie has no command line: does its `comm` match? */
  matchesZombie (comm: string): boolean
}

function matcherOf (pattern: string | RegExp): Matcher {
  if (typeof pattern !== 'string') {
    return { candidate: () => true, matches: (_argv, line) => pattern.test(line), matchesZombie: (comm) => pattern.test(comm) }
  }
  const path = pattern.includes('/') ? pattern : undefined
  const name = normal(basename(pattern))
  const combs = new Set([basename(pattern), `${basename(pattern)}.py`].map((n) => n.slice(0, COMM_MAX)))
  const nameComm = (comm: string): boolean => combs.has(comm) || normal(comm) === name.slice(0, COMM_MAX)
  return {
    candidate: (comm) => nameComm(comm) || INTERPRETER.test(comm),
    matches (argv) {
      const program = programOf(argv)
      return path !== undefined ? program === path : normal(basename(program)) === name
    },
    matchesZombie: nameComm
  }
}

/** The ids of this process and its ancestors: whatever runs the probe is never the watched process. */
function lineage (procDir: string): Set<number> {
  const ids = new Set<number>([process.pid])
  let pid = process.ppid
  for (let i = 0; i < 64 && pid > 1 && !ids.has(pid); i++) {
    ids.add(pid)
    try {
      const stat = readFileSync(`${procDir}/${pid}/stat`, 'latin1')
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    } catch {
      break
    }
  }
  return ids
}

/**
 * Could this process's executable run the program? A process may rename itself (Node 24 calls
 * its main thread "MainThread"), so where the name does not tell, the executable does. A kernel
 * thread has none; where another user's process closes it to us, its command line must tell.
 */
function executableMayMatch (procDir: string, pid: string, matcher: Matcher): boolean {
  let target: string
  try {
    target = readlinkSync(`${procDir}/${pid}/exe`)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT'
  }
  return matcher.candidate(basename(target).slice(0, COMM_MAX))
}

/**
 * The processes that run `pattern` (a string: see programOf) or whose command line matches it (a
 * RegExp), but for this process and its ancestors. Each process's stat is read; its command line
 * only where its name could match, so that a PID namespace of thousands scans in milliseconds.
 */
export function findProcesses (pattern: string | RegExp, procDir = '/proc'): ProcessInfo[] {
  const matcher = matcherOf(pattern)
  const skip = lineage(procDir)
  const found: ProcessInfo[] = []
  for (const entry of readdirSync(procDir)) {
    const first = entry.charCodeAt(0)
    if (first < 48 || first > 57) continue
    const pid = Number(entry)
    if (!Number.isInteger(pid) || skip.has(pid)) continue
    let stat: string
    try {
      stat = readFileSync(`${procDir}/${entry}/stat`, 'latin1')
    } catch {
      continue // gone since the listing, or not ours to read
    }
    // The name in stat is in parentheses and may hold spaces and `)`: the state follows the last `)`.
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    if (!matcher.candidate(comm) && !executableMayMatch(procDir, entry, matcher)) continue
    const state = stat.slice(close + 2).split(' ')[0] ?? '?'
    let cmdline = ''
    try {
      cmdline = readFileSync(`${procDir}/${entry}/cmdline`, 'utf8')
    } catch {
      continue
    }
    const argv = cmdline.replace(/\0+$/, '').split('\0')
    if (cmdline === '') {
      // A zombie (or a kernel thread) has no command line left: its name is all there is.
      if (matcher.matchesZombie(comm)) found.push({ pid, state, commandLine: comm, program: comm })
      continue
    }
    const commandLine = argv.join(' ')
    if (matcher.matches(argv, commandLine)) found.push({ pid, state, commandLine, program: programOf(argv) })
  }
  return found.sort((a, b) => a.pid - b.pid)
}

const DEAD = new Set(['Z', 'X', 'x'])
const STOPPED = new Set(['T', 't'])

/**
 * `process`: a process that runs `pattern` is there, and neither a zombie nor stopped. A string
 * names the program (`bots-dirmonitor` matches `python3 /usr/local/bin/bots-dirmonitor`,
 * `python -m bots.dirmonitor` and `bots-dirmonitor.py`); a RegExp is tried on the whole command
 * line. It reads /proc: for another container's process the pod needs `shareProcessNamespace: true`.
 */
export function processCheck (pattern: string | RegExp, o: { name?: string, procDir?: string } = {}): Check {
  const shown = typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern)
  return {
    name: o.name ?? 'process',
    componentType: 'system',
    label: 'Process',
    async run () {
      let found
      try {
        found = findProcesses(pattern, o.procDir)
      } catch (err) {
        throw new CheckFailure(`process ${shown}: cannot read ${o.procDir ?? '/proc'} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
      }
      const alive = found.filter((p) => !DEAD.has(p.state) && !STOPPED.has(p.state))
      if (alive.length > 0) return
      const pids = (list: ProcessInfo[]): string => list.map((p) => p.pid).join(', ')
      const stopped = found.filter((p) => STOPPED.has(p.state))
      if (stopped.length > 0) throw new CheckFailure(`process ${shown} is stopped (pid ${pids(stopped)}, state ${stopped[0]?.state ?? 'T'}): SIGSTOP or a debugger holds it`)
      if (found.length > 0) throw new CheckFailure(`process ${shown} is a zombie (pid ${pids(found)}): it exited and was not reaped`)
      throw new CheckFailure(`no process ${shown} is running (a process in another container is seen only with shareProcessNamespace: true)`)
    }
  }
}
