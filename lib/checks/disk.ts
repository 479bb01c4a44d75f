import { statfs } from '../fs-calls.js'
import type { Check, CheckOutcome } from '../check.js'
import { CheckFailure } from '../check.js'
import { gatedFs, notAnswered } from '../fs-gate.js'

const MIB = 1024 * 1024
const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: MIB, gib: 1024 * MIB, tib: 1024 * 1024 * MIB }

/** A free-space threshold: a share of the file system, or a size. */
export type FreeSpace = { percent: number } | { bytes: number }

/** Bots' default: 5 % or 500 MiB, whichever is less (a small volume is not held to 500 MiB). */
export const DISK_DEFAULT_MIN_FREE: readonly FreeSpace[] = Object.freeze([{ percent: 5 }, { bytes: 500 * MIB }])

/** `5%`, `500MiB`, `2 GB`, `1048576` → a threshold; undefined when the text is none of these. */
export function parseFreeSpace (text: string): FreeSpace | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%|[kmgt]i?b|b)?\s*$/i.exec(text)
  if (m === null) return undefined
  const n = Number(m[1])
  const unit = (m[2] ?? 'b').toLowerCase()
  if (unit === '%') return n <= 100 ? { percent: n } : undefined
  return { bytes: Math.round(n * (UNITS[unit] ?? 1)) }
}

function human (bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / 1024 / MIB).toFixed(1)} GiB`
  return `${(bytes / MIB).toFixed(1)} MiB`
}

/** The share of inodes kept free when no threshold is a share. */
const DEFAULT_INODE_PERCENT = 5

/**
 * `disk`: the file system holding `path` has at least the free space asked for (the space a
 * non-root process may use), and free inodes: one file per EDI message can use up the inodes of
 * a volume that still has bytes to spare. With several thresholds the least of them counts; a
 * share (`5%`) holds for inodes too, a size does not (inodes are kept at 5 % then). A file system
 * that reports no inode count (some network ones) is judged on bytes alone.
 */
export function diskCheck (path: string, o: { name?: string, minFree?: FreeSpace | readonly FreeSpace[] } = {}): Check {
  const thresholds = o.minFree === undefined ? DISK_DEFAULT_MIN_FREE : Array.isArray(o.minFree) ? o.minFree : [o.minFree as FreeSpace]
  return {
    name: o.name ?? 'disk',
    componentType: 'system',
    label: 'Disk',
    async run (signal): Promise<CheckOutcome> {
      let st
      try {
        st = await gatedFs(path, signal, () => statfs(path))
      } catch (err) {
        if (notAnswered(err, signal)) throw err
        throw new CheckFailure(`disk: cannot read the free space of ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
      }
      const total = st.blocks * st.bsize
      const free = st.bavail * st.bsize
      const measures = { bots_disk_free_bytes: free, ...(st.files > 0 ? { bots_disk_free_inodes: st.ffree } : {}) }
      const need = Math.min(...thresholds.map((t) => 'percent' in t ? total * t.percent / 100 : t.bytes))
      if (free < need) {
        throw new CheckFailure(`disk: ${human(free)} free of ${human(total)} on ${path}, below the ${human(need)} required`, { measures })
      }
      if (st.files > 0) {
        const shares = thresholds.flatMap((t) => 'percent' in t ? [t.percent] : [])
        const percent = shares.length > 0 ? Math.min(...shares) : DEFAULT_INODE_PERCENT
        const needInodes = Math.ceil(st.files * percent / 100)
        if (st.ffree < needInodes) {
          throw new CheckFailure(`disk: ${st.ffree} inodes free of ${st.files} on ${path}, below the ${needInodes} required (${percent} %): files are created one per message, and each takes one`, { measures })
        }
      }
      return { measures }
    }
  }
}
