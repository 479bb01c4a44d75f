import { constants } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import { gatedFs, notAnswered } from '../fs-gate.js'

const REASONS: Record<string, string> = {
  EROFS: 'is on a read-only file system',
  EACCES: 'is not writable (permission denied)',
  EPERM: 'is not writable (operation not permitted)',
  ENOSPC: 'is on a full file system',
  EDQUOT: 'is over its disk quota',
  ENOENT: 'does not exist',
  ENOTDIR: 'is not a directory'
}

/** Linux's O_TMPFILE: an unnamed file in `dir`, gone when it is closed or its process killed. */
const O_TMPFILE = process.platform === 'linux' ? 0o20000000 | constants.O_DIRECTORY : undefined
/** What a file system without O_TMPFILE answers (NFS, some FUSE and overlay mounts). */
const NO_TMPFILE = new Set(['EOPNOTSUPP', 'ENOTSUP', 'EISDIR', 'EINVAL'])

/**
 * A file in `dir` that has no name by the time anything is written: O_TMPFILE where the file
 * system has it, else a new name unlinked right after it is created. A probe killed at any point
 * (the kubelet kills exec probes that pass timeoutSeconds) leaves nothing behind.
 */
async function unnamedFile (dir: string): Promise<FileHandle> {
  // node:fs/promises (a FileHandle closes itself if lost) only when this opt-in check runs.
  const { open, unlink } = await import('node:fs/promises')
  if (O_TMPFILE !== undefined) {
    try {
      return await open(dir, O_TMPFILE | constants.O_WRONLY, 0o600)
    } catch (err) {
      if (!NO_TMPFILE.has((err as NodeJS.ErrnoException).code ?? '')) throw err
    }
  }
  // node:crypto only here, on file systems without O_TMPFILE: loading it costs 6 ms.
  const { randomBytes } = await import('node:crypto')
  const file = join(dir, `.fastify-bots-health-${process.pid}-${randomBytes(4).toString('hex')}`)
  const handle = await open(file, 'wx', 0o600)
  try {
    await unlink(file)
  } catch (err) {
    await handle.close().catch(() => {})
    throw err
  }
  return handle
}

/**
 * `<name>`: a file can be created in `dir` and written. A read-only volume passes an "exists"
 * check; Bots cannot work on one.
 */
export function writableCheck (dir: string, o: { name?: string } = {}): Check {
  const name = o.name ?? 'writable'
  return {
    name,
    componentType: 'system',
    async run (signal) {
      try {
        await gatedFs(dir, signal, async () => {
          const handle = await unnamedFile(dir)
          try {
            await handle.writeFile('ok')
          } finally {
            await handle.close()
          }
        })
      } catch (err) {
        if (notAnswered(err, signal)) throw err
        const code = (err as NodeJS.ErrnoException).code ?? 'error'
        throw new CheckFailure(`${name} ${dir} ${REASONS[code] ?? `cannot be written (${code})`}`)
      }
    }
  }
}
