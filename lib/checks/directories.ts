import { constants } from 'node:fs'
import { access, stat } from '../fs-calls.js'
import { join } from 'node:path'
import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'
import { gatedFs } from '../fs-gate.js'

async function assertDirectory (label: string, path: string, signal: AbortSignal): Promise<void> {
  await gatedFs(path, signal, () => directory(label, path))
}

async function directory (label: string, path: string): Promise<void> {
  let st
  try {
    st = await stat(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CheckFailure(`${label} directory not found: ${path}`)
    if (code === 'EACCES' || code === 'EPERM') throw new CheckFailure(`${label} directory not readable: ${path}`)
    throw new CheckFailure(`${label} directory cannot be checked (${code ?? 'error'}): ${path}`)
  }
  if (!st.isDirectory()) throw new CheckFailure(`${label} is not a directory: ${path}`)
  try {
    await access(path, constants.R_OK | constants.X_OK)
  } catch {
    throw new CheckFailure(`${label} directory not readable: ${path}`)
  }
}

/**
 * `<name>`: the directory exists, is a directory and can be read, and so can each of its named
 * `subdirectories` (botssys and botssys/data). Default name `directory`.
 */
export function directoryCheck (path: string, o: { name?: string, subdirectories?: readonly string[] } = {}): Check {
  const name = o.name ?? 'directory'
  const subdirectories = o.subdirectories ?? []
  return {
    name,
    componentType: 'system',
    async run (signal) {
      await assertDirectory(name, path, signal)
      for (const sub of subdirectories) await assertDirectory(`${name}/${sub}`, join(path, sub), signal)
    }
  }
}
