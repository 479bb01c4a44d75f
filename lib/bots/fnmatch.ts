// Python's fnmatch (as Bots' dirmonitor matches `filemask`), on POSIX: case-sensitive, `*`, `?`,
// `[seq]` and `[!seq]` with ranges (an empty range dropped), an unclosed `[` taken literally,
// everything else as itself. Ported from CPython's fnmatch.translate.

/** Escapes a character outside a class (a 'u' RegExp allows only syntax characters escaped). */
const outside = (c: string): string => /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c
/** Escapes a character inside a class. */
const inside = (c: string): string => /[\]\\[^-]/.test(c) ? `\\${c}` : c

/** A `[...]` set of the mask, as Python splits it into ranges and drops the empty ones. */
function setChunks (chars: readonly string[], start: number, end: number): string[][] {
  const raw = chars.slice(start, end)
  if (!raw.includes('-')) return [raw]
  const chunks: string[][] = []
  let from = start
  let k = chars[start] === '!' ? start + 2 : start + 1
  for (;;) {
    k = chars.indexOf('-', k)
    if (k < 0 || k >= end) break
    chunks.push(chars.slice(from, k))
    from = k + 1
    k += 3
  }
  const last = chars.slice(from, end)
  if (last.length > 0) chunks.push(last)
  else chunks[chunks.length - 1]?.push('-')
  for (let m = chunks.length - 1; m > 0; m--) {
    const prev = chunks[m - 1] as string[]
    const cur = chunks[m] as string[]
    if ((prev[prev.length - 1] ?? '').codePointAt(0)! > (cur[0] ?? '').codePointAt(0)!) {
      chunks[m - 1] = [...prev.slice(0, -1), ...cur.slice(1)]
      chunks.splice(m, 1)
    }
  }
  return chunks
}

/** The RegExp Python's `fnmatch.translate(mask)` makes, anchored at both ends. */
export function fnmatchRegExp (mask: string): RegExp {
  const chars = [...mask]
  let out = ''
  for (let i = 0; i < chars.length;) {
    const c = chars[i++] as string
    if (c === '*') {
      while (chars[i] === '*') i++
      out += '.*'
    } else if (c === '?') {
      out += '.'
    } else if (c === '[') {
      let j = i
      if (chars[j] === '!') j++
      if (chars[j] === ']') j++
      while (j < chars.length && chars[j] !== ']') j++
      if (j >= chars.length) {
        out += '\\['
        continue
      }
      const chunks = setChunks(chars, i, j)
      i = j + 1
      const text = chunks.map((ch) => ch.join('')).join('-')
      if (text === '') out += '(?!)'
      else if (text === '!') out += '.'
      else {
        const negate = text.startsWith('!')
        if (negate) chunks[0] = (chunks[0] as string[]).slice(1)
        out += `[${negate ? '^' : ''}${chunks.map((ch) => ch.map(inside).join('')).join('-')}]`
      }
    } else {
      out += outside(c)
    }
  }
  return new RegExp(`^${out}$`, 'su')
}
