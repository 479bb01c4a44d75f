import type { Check } from '../check.js'
import { CheckFailure } from '../check.js'

/** `config`: the configuration was loaded at start (its outcome is fixed, as Bots reads bots.ini once). */
export function configCheck (error: string | undefined): Check {
  return {
    name: 'config',
    label: 'Config',
    async run () {
      if (error !== undefined) throw new CheckFailure(error)
    }
  }
}
