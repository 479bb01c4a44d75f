import type { CheckResult } from './runner.js'

/**
 * Memoises a builder on the identity of its results: while every result comes from the cache,
 * every caller gets the same frozen report object.
 */
export function memoOnResults<R> (build: (results: readonly CheckResult[]) => R): (results: readonly CheckResult[]) => R {
  let lastResults: readonly CheckResult[] = []
  let lastReport: R | undefined
  return (results) => {
    if (lastReport !== undefined && results.length === lastResults.length && results.every((r, i) => r === lastResults[i])) return lastReport
    lastResults = results
    lastReport = build(results)
    return lastReport
  }
}
