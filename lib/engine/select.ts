import type { Check } from '../check.js'
import { UnknownCheckError } from '../errors.js'

/** Which checks of a probe to run: all (the default), all but some, or one. */
export interface ProbeOptions {
  /** Leave these checks out (kube-apiserver's `?exclude=`). */
  exclude?: readonly string[]
  /** Run only this check (`/health/ready/database`). */
  only?: string
}

/** The checks a probe runs for `only`/`exclude`; the same array when neither narrows it. */
export function selectChecks (all: readonly Check[], o: ProbeOptions | undefined): readonly Check[] {
  if (o === undefined || (o.only === undefined && (o.exclude === undefined || o.exclude.length === 0))) return all
  const names = all.map((c) => c.name)
  const asked = o.only !== undefined ? [o.only] : o.exclude ?? []
  const unknown = [...new Set(asked.filter((n) => !names.includes(n)))]
  if (unknown.length > 0) {
    // Echo a few of the unknown names, not all of them: a query string can hold thousands.
    const shown = unknown.slice(0, 5).map((n) => n.length > 40 ? `${n.slice(0, 39)}…` : n).join(', ')
    throw new UnknownCheckError(`no such check: ${shown}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} (this probe has ${names.join(', ')})`)
  }
  const chosen = o.only !== undefined ? all.filter((c) => c.name === o.only) : all.filter((c) => !asked.includes(c.name))
  // No check left is no answer: a 200 with `checks: {}` would say healthy having checked nothing.
  if (chosen.length === 0) throw new UnknownCheckError(`exclude leaves no check to run (this probe has ${names.join(', ')})`)
  return chosen
}
