import { randomBytes } from 'node:crypto'
import { open, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'

const REASONS: Record<string, string> = {
  EROFS: 'is on a read-only file system',
  EACCES: 'is not writable (permission denied)',
  EPERM: 'is not writable (operation not permitted)',
  ENOSPC: 'is on a full file system',
  EDQUOT: 'is over its disk quota',
  ENOENT: 'does not exist',
  ENOTDIR: 'is not a directory'
}

/**
 * `<name>`: a file can be created in `dir`, written and removed. A read-only volume passes an
 * "exists" check; Bots cannot work on one.
 */
export function writableCheck (name: string, dir: string): Check {
  return {
    name,
    componentType: 'system',
    async run () {
      const file = join(dir, `.fastify-bots-health-${process.pid}-${randomBytes(4).toString('hex')}`)
      let created = false
      try {
        const handle = await open(file, 'wx', 0o600)
        created = true
        try {
          await handle.writeFile('ok')
        } finally {
          await handle.close()
        }
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error'
        throw new CheckFailure(`${name} ${dir} ${REASONS[code] ?? `cannot be written (${code})`}`)
      } finally {
        if (created) await unlink(file).catch(() => {})
      }
    }
  }
}
