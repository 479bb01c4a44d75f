import { constants, type Dir } from 'node:fs'
import { access, lstat, opendir, stat, statfs } from '../fs-calls.js'
import { basename, dirname, join, resolve } from 'node:path'
import { type Check, CheckFailure, type CheckOutcome } from '../check.js'
import { gatedFs, notAnswered } from '../fs-gate.js'
import type { BotsEnvironment } from './environment.js'
import { fnmatchRegExp } from './fnmatch.js'
import { pythonBoolean } from './ini.js'
import { minutes } from './tables.js'
import { monotonicMs } from '../monotonic.js'

// Bots' dirmonitor watches the `path` of each `[dirmonitorN]` section of bots.ini (`filemask`,
// default `*`; `recursive`, default False) with inotify and queues the section's `route` when a
// file arrives. It refuses to start unless `[jobqueue] enabled` is true. inotify sees only what
// this kernel writes: files another pod or host puts on an NFS or CIFS volume are never seen, and
// wait there for ever.

/** A `[dirmonitorN]` section of bots.ini. */
export interface WatchedDirectory {
  readonly section: string
  /** The directory watched: `path`, or its parent when `path` names files (a name or a wildcard). */
  readonly path: string
  /** `path` names one file or a wildcard of files, not a directory: nothing is scanned. */
  readonly files: boolean
  readonly mask: RegExp
  readonly filemask: string
  readonly recursive: boolean
}

/** The sections Bots' dirmonitor watches (named `dirmonitor` and more), or why one is unusable. */
export function watchedDirectories (environment: BotsEnvironment): WatchedDirectory[] | string {
  const sections = environment.sections ?? {}
  const found: WatchedDirectory[] = []
  for (const [section, keys] of Object.entries(sections)) {
    if (!section.startsWith('dirmonitor') || section === 'dirmonitor') continue
    const path = keys.path
    if (path === undefined || path === '') return `[${section}] has no path: Bots' dirmonitor stops on it (NoOptionError)`
    const rawRecursive = keys.recursive ?? 'False'
    const recursive = pythonBoolean(rawRecursive)
    if (recursive === undefined) return `[${section}] recursive is not a boolean (Bots' dirmonitor stops on it): ${JSON.stringify(rawRecursive.slice(0, 20))}`
    const filemask = keys.filemask ?? '*'
    // Bots takes a relative path from its working directory, which a probe cannot know: this one
    // resolves it against the Bots environment (the config dir's parent).
    const full = resolve(environment.botsenv, path)
    // bots.ini: "if a filename/wild-card is specified in path, only that file(s) will be watched".
    const wildcard = /[*?[]/.test(basename(full))
    found.push({ section, path: wildcard ? dirname(full) : full, files: wildcard, filemask, mask: fnmatchRegExp(filemask), recursive })
  }
  return found
}

/** statfs(2)'s f_type of the file systems on which inotify misses other writers. */
const REMOTE_FILE_SYSTEMS = new Map<number, string>([
  [0x6969, 'NFS'],
  [0xFF534D42, 'CIFS'],
  [0xFE534D42, 'SMB2'],
  [0x517B, 'SMB'],
  [0x00C36400, 'CephFS'],
  [0x01021997, '9p'],
  [0x5346414F, 'AFS'],
  [0x0BD00BD0, 'Lustre'],
  [0x47504653, 'GPFS'],
  [0x65735546, 'FUSE (sshfs, s3fs, GlusterFS and the like)']
])

/** The name of a network file system by its statfs type, or undefined for a local one. */
export function remoteFileSystem (type: number): string | undefined {
  return REMOTE_FILE_SYSTEMS.get(type >>> 0)
}

/** How far one run of the check looks for waiting files, at most. */
export interface ScanBounds {
  /** Directory entries read, over all sections. */
  readonly entries: number
  /** Time spent reading them, ms. */
  readonly ms: number
}

interface Waiting { count: number, oldestMs: number, scanned: number, cut: boolean }

/** The watched path exists and can be read (else a failure); whether it is a directory; whether it is remote. */
async function checkPath (w: WatchedDirectory, signal: AbortSignal): Promise<{ directory: boolean, remote: string | undefined }> {
  let st
  try {
    st = await gatedFs(w.path, signal, () => stat(w.path))
  } catch (err) {
    if (notAnswered(err, signal)) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new CheckFailure(`dirmonitor: [${w.section}] path ${code === 'ENOENT' || code === 'ENOTDIR' ? 'not found' : `cannot be read (${code ?? 'error'})`}: ${w.path}: files put there are never picked up`)
  }
  if (!st.isDirectory() && !st.isFile()) throw new CheckFailure(`dirmonitor: [${w.section}] path is neither a directory nor a file: ${w.path}`)
  const directory = st.isDirectory()
  try {
    await gatedFs(w.path, signal, () => access(w.path, constants.R_OK | constants.X_OK))
  } catch (err) {
    if (notAnswered(err, signal)) throw err
    throw new CheckFailure(`dirmonitor: [${w.section}] path cannot be read by this user: ${w.path}`)
  }
  let type: number
  try {
    type = (await gatedFs(w.path, signal, () => statfs(w.path))).type
  } catch (err) {
    if (notAnswered(err, signal)) throw err
    return { directory, remote: undefined }
  }
  const remote = remoteFileSystem(type)
  return { directory, remote: remote === undefined ? undefined : `[${w.section}] ${w.path} is on ${remote}: inotify does not see files that other pods or hosts write there` }
}

/** Counts the files matching the mask older than `staleMs`, within the bounds left. */
async function scan (w: WatchedDirectory, o: { staleMs: number, now: number, until: number, entriesLeft: number }, signal: AbortSignal, found: Waiting): Promise<void> {
  const dirs = [w.path]
  while (dirs.length > 0) {
    const dir = dirs.pop() as string
    let handle: Dir
    try {
      handle = await gatedFs(dir, signal, () => opendir(dir, { bufferSize: 256 }))
    } catch (err) {
      if (notAnswered(err, signal)) throw err
      continue
    }
    try {
      for (;;) {
        if (found.scanned >= o.entriesLeft || monotonicMs() >= o.until) {
          found.cut = true
          return
        }
        const entry = await gatedFs(dir, signal, () => handle.read())
        if (entry === null) break
        found.scanned++
        const path = join(dir, entry.name)
        if (entry.isDirectory()) {
          if (w.recursive) dirs.push(path)
          continue
        }
        // glob (the non-recursive case) leaves out names starting with a dot; fnmatch does not.
        if (!w.recursive && entry.name.startsWith('.')) continue
        if (!w.mask.test(entry.name)) continue
        let st
        try {
          st = await gatedFs(path, signal, () => lstat(path))
        } catch (err) {
          if (notAnswered(err, signal)) throw err
          continue
        }
        if (!st.isFile()) continue
        const age = o.now - st.mtimeMs
        if (age > o.staleMs) {
          found.count++
          found.oldestMs = Math.max(found.oldestMs, age)
        }
      }
    } finally {
      await handle.close().catch(() => {})
    }
  }
}

/**
 * `dirmonitor`: fails when bots.ini cannot be read, when `[jobqueue] enabled` is not true (Bots'
 * dirmonitor refuses to start), or when a `[dirmonitorN]` path is missing or unreadable, naming
 * the section; warns when a path is on a network file system (inotify misses other writers), or
 * when files matching its `filemask` have waited longer than `staleMs`, with their count and the
 * oldest's age. The look for waiting files stops at `bounds`, and says so.
 */
export function dirmonitorCheck (environment: BotsEnvironment | undefined, o: { staleMs: number, bounds: ScanBounds, name?: string }): Check {
  return {
    name: o.name ?? 'dirmonitor',
    componentType: 'system',
    label: 'Dirmonitor',
    async run (signal): Promise<CheckOutcome> {
      if (environment?.sections === undefined) throw new CheckFailure(`dirmonitor: ${environment?.configError ?? 'no config dir: give configDir (--config-dir) so that bots.ini says what is watched'}`)
      const enabled = environment.sections.jobqueue?.enabled
      if (enabled === undefined || pythonBoolean(enabled) !== true) {
        throw new CheckFailure(`dirmonitor: [jobqueue] enabled is ${enabled === undefined ? 'not set' : JSON.stringify(enabled.slice(0, 20))} in bots.ini: Bots' dirmonitor refuses to start without the job queue (set enabled = True)`)
      }
      const watched = watchedDirectories(environment)
      if (typeof watched === 'string') throw new CheckFailure(`dirmonitor: ${watched}`)
      const warnings: string[] = []
      const scanned: WatchedDirectory[] = []
      for (const w of watched) {
        const { directory, remote } = await checkPath(w, signal)
        if (remote !== undefined) warnings.push(remote)
        if (directory && !w.files) scanned.push(w)
      }
      const now = Date.now()
      const until = monotonicMs() + o.bounds.ms
      const found: Waiting = { count: 0, oldestMs: 0, scanned: 0, cut: false }
      for (const w of scanned) {
        if (found.cut) break
        await scan(w, { staleMs: o.staleMs, now, until, entriesLeft: o.bounds.entries }, signal, found)
      }
      if (found.count > 0) {
        warnings.push(`${found.count}${found.cut ? ' or more' : ''} file${found.count === 1 ? '' : 's'} waiting longer than ${minutes(o.staleMs / 1000)} in the watched directories, the oldest for ${minutes(found.oldestMs / 1000)}: the dirmonitor did not see them, or their route did not take them`)
      }
      if (found.cut && warnings.length > 0) warnings.push(`(the look for waiting files stopped after ${found.scanned} entries)`)
      const measures = { bots_dirmonitor_waiting_files: found.count }
      return warnings.length > 0 ? { measures, warn: warnings.join('; ') } : { measures }
    }
  }
}
