import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

// The one way this package reads a file it is given (bots.ini, a manifest): without ever
// blocking on it, and never more than it can hold.

export type ReadProblem =
  | { kind: 'open', code: string }
  | { kind: 'directory' }
  | { kind: 'not-regular' }
  | { kind: 'too-large', size: number }
  | { kind: 'read', code: string }
  | { kind: 'grew' }
  | { kind: 'changed' }

export class BoundedReadError extends Error {
  override name = 'BoundedReadError'
  readonly problem: ReadProblem
  constructor (problem: ReadProblem) {
    super(problem.kind)
    this.problem = problem
  }
}

const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException | null)?.code ?? 'error'

/**
 * The file's bytes: opened non-blocking (a FIFO does not wait for a writer), a regular file only
 * (not a FIFO, a device or /dev/zero), at most `maxBytes`, read to its end rather than to the size
 * fstat gave, since the file may change while it is read. Throws BoundedReadError.
 */
export function readBoundedFile (path: string, maxBytes: number): Buffer {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (err) {
    throw new BoundedReadError({ kind: 'open', code: codeOf(err) })
  }
  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) throw new BoundedReadError({ kind: 'directory' })
    if (!st.isFile()) throw new BoundedReadError({ kind: 'not-regular' })
    if (st.size > maxBytes) throw new BoundedReadError({ kind: 'too-large', size: st.size })
    const buf = Buffer.allocUnsafe(Math.min(st.size + 4096, maxBytes + 1))
    let length = 0
    for (;;) {
      let n: number
      try {
        n = readSync(fd, buf, length, buf.length - length, null)
      } catch (err) {
        throw new BoundedReadError({ kind: 'read', code: codeOf(err) })
      }
      if (n === 0) break
      length += n
      if (length > maxBytes) throw new BoundedReadError({ kind: 'grew' })
      if (length === buf.length) throw new BoundedReadError({ kind: 'changed' })
    }
    return buf.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}
