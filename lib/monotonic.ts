/**
 * Milliseconds on the monotonic clock: every duration, deadline and age in this package. From
 * `process.hrtime`, not `performance.now()`: the global `performance` loads perf_hooks on first
 * use, 3 to 4 ms of an exec probe's start.
 */
export function monotonicMs (): number {
  const [s, ns] = process.hrtime()
  return s * 1e3 + ns / 1e6
}
