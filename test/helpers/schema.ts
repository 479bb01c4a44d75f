import { Ajv } from 'ajv'
import { schemas } from '../../lib/index.js'

const ajv = new Ajv({ strict: false })
for (const s of schemas) ajv.addSchema(s)

/** Validates a body against an exported schema by `$id`; returns the errors as text, '' when valid. */
export function schemaErrors (id: string, body: unknown): string {
  const validate = ajv.getSchema(id)
  if (validate === undefined) return `no schema ${id}`
  return validate(body) ? '' : ajv.errorsText(validate.errors)
}
