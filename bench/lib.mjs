// Small helpers shared by the benchmarks: medians, ratios, and a markdown table.
export function median (values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export function table (header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export function verdict (ok) {
  return ok ? 'met' : '**missed**'
}

export const fmt = (n, digits = 2) => Number.isFinite(n) ? n.toFixed(digits) : String(n)
