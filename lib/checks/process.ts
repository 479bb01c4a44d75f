import { readdir, readFile } from 'node:fs/promises'
import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'

export interface ProcessInfo {
  pid: number
  /** `R`, `S`, `D`, `Z` (zombie), `X` (dead), … as in /proc/<pid>/stat. */
  state: string
  commandLine: string
}

/** The processes whose command line (arguments joined by spaces) contains `pattern`. */
export async function findProcesses (pattern: string | RegExp, procDir = '/proc'): Promise<ProcessInfo[]> {
  const entries = await readdir(procDir)
  const found: ProcessInfo[] = []
  await Promise.all(entries.filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid).map(async (pid) => {
    let cmdline: string
    let stat: string
    try {
      [cmdline, stat] = await Promise.all([readFile(`${procDir}/${pid}/cmdline`, 'utf8'), readFile(`${procDir}/${pid}/stat`, 'utf8')])
    } catch {
      return // gone since the listing, or not ours to read
    }
    // A zombie has no command line left: its name (in parentheses in stat) is all there is.
    const commandLine = cmdline.replace(/\0+$/, '').split('\0').join(' ') || stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const matches = typeof pattern === 'string' ? commandLine.includes(pattern) : pattern.test(commandLine)
    if (!matches) return
    // The command name in stat is in parentheses and may hold spaces and `)`: the state follows the last `)`.
    const state = stat.slice(stat.lastIndexOf(')') + 1).trim().split(' ')[0] ?? '?'
    found.push({ pid: Number(pid), state, commandLine })
  }))
  return found.sort((a, b) => a.pid - b.pid)
}

/**
 * `process`: a process whose command line contains `pattern` runs and is not a zombie. It reads
 * /proc: for another container's process the pod needs `shareProcessNamespace: true`.
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
        found = await findProcesses(pattern, o.procDir)
      } catch (err) {
        throw new CheckFailure(`process ${shown}: cannot read ${o.procDir ?? '/proc'} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
      }
      const alive = found.filter((p) => p.state !== 'Z' && p.state !== 'X')
      if (alive.length > 0) return
      if (found.length > 0) throw new CheckFailure(`process ${shown} is a zombie (pid ${found.map((p) => p.pid).join(', ')})`)
      throw new CheckFailure(`no process ${shown} is running (a process in another container is seen only with shareProcessNamespace: true)`)
    }
  }
}
