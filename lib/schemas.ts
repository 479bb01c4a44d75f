import Type, { type Static, type TSchema } from 'typebox'

// The bodies are the seed implementation's: clients already parse these keys and words.
// Fields may be added (documented here), never renamed or removed.

export const CheckDetailSchema = Type.Object({
  status: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')], {
    description: 'The outcome of this check: `warn` passes (the probe stays 200) and says why in `warning`'
  }),
  durationMs: Type.Number({ description: 'How long the check took, in milliseconds' }),
  checkedAt: Type.String({
    description: 'When the result was taken (ISO 8601). Results are cached for a short TTL, so this tells how old it is'
  }),
  error: Type.Optional(Type.String({ description: 'Why the check failed (`reason withheld` when reasons are not exposed)' })),
  warning: Type.Optional(Type.String({ description: 'Why the check warns (`reason withheld` when reasons are not exposed)' }))
}, { $id: 'BotsHealthCheckDetail', additionalProperties: false })

const ChecksSchema = Type.Record(Type.String(), Type.Boolean(), {
  description: 'One key per check, true when it passed (a warning passes)'
})
const ErrorsSchema = Type.Array(Type.String(), {
  description: 'One line per failing check; present only when a check failed'
})
const WarningsSchema = Type.Array(Type.String(), {
  description: 'One line per check that warns: it passed, and someone should look; present only when a check warns'
})
const DetailsSchema = Type.Record(Type.String(), Type.Ref('BotsHealthCheckDetail'), {
  description: 'Per-check duration and result time, keyed like `checks`'
})

export const LiveReportSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('not_alive')]),
  check: Type.Literal('liveness'),
  message: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.Boolean(), {
    description: 'Present when liveness watches a process of its own (process, jobqueue): one key per check'
  })),
  errors: Type.Optional(ErrorsSchema),
  warnings: Type.Optional(WarningsSchema),
  details: Type.Optional(DetailsSchema)
}, { $id: 'BotsHealthLiveReport', additionalProperties: false, description: 'Liveness: the process answers. It never touches a dependency; with the process or jobqueue check it also says whether the watched Bots process serves' })

export const ReadyReportSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  check: Type.Literal('readiness'),
  checks: ChecksSchema,
  errors: Type.Optional(ErrorsSchema),
  warnings: Type.Optional(WarningsSchema),
  mode: Type.Optional(Type.String({ minLength: 1, description: 'Set by the layer that built the service: a Bots service says `database_only` when readiness is limited to the database (HEALTH_CHECK_DB_ONLY)' })),
  draining: Type.Optional(Type.Literal(true, { description: 'Present while the service drains before shutting down: 503 whatever the checks say' })),
  details: Type.Optional(DetailsSchema)
}, {
  $id: 'BotsHealthReadyReport',
  additionalProperties: false,
  description: 'Readiness: database, botssys and usersys; 200 when all pass, else 503',
  examples: [{
    status: 'not_ready',
    check: 'readiness',
    checks: { database: true, botssys: false, usersys: true, config: true },
    errors: ['botssys directory not found: /home/bots/.bots/env/default/botssys'],
    details: { database: { status: 'pass', durationMs: 2, checkedAt: '2026-12-01T10:00:00.000Z' }, botssys: { status: 'fail', durationMs: 0, checkedAt: '2026-12-01T10:00:00.000Z', error: 'botssys directory not found: /home/bots/.bots/env/default/botssys' } }
  }]
})

export const StartupReportSchema = Type.Object({
  status: Type.Union([Type.Literal('started'), Type.Literal('starting')]),
  check: Type.Literal('startup'),
  checks: ChecksSchema,
  errors: Type.Optional(ErrorsSchema),
  warnings: Type.Optional(WarningsSchema),
  details: Type.Optional(DetailsSchema)
}, {
  $id: 'BotsHealthStartupReport',
  additionalProperties: false,
  description: 'Startup: database, required tables, botssys and botssys/data, usersys, bots.ini; 200 when all pass, else 503',
  examples: [{ status: 'starting', check: 'startup', checks: { database: true, tables: false, botssys: true, usersys: true, config: true }, errors: ['Missing tables: ta, mutex'] }]
})

export const PingResponseSchema = Type.Literal('ok', { $id: 'BotsHealthPing', description: 'text/plain `ok`; no check runs' })

export const HealthJsonSchema = Type.Object({
  status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('warn')]),
  description: Type.Optional(Type.String()),
  output: Type.Optional(Type.String({ description: 'Why the probe failed, or warns' })),
  notes: Type.Optional(Type.Array(Type.String())),
  checks: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Object({
    componentType: Type.String(),
    observedValue: Type.Optional(Type.Number()),
    observedUnit: Type.Optional(Type.String()),
    status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('warn')]),
    time: Type.Optional(Type.String()),
    output: Type.Optional(Type.String())
  }, { additionalProperties: false })), { description: 'Keyed `component:measurement`, e.g. `database:responseTime`' }))
}, {
  $id: 'BotsHealthHealthJson',
  additionalProperties: false,
  description: '`Accept: application/health+json`: the IETF draft "Health Check Response Format for HTTP APIs" (draft-inadarei-api-health-check-06)'
})

export const VerboseTextSchema = Type.String({
  $id: 'BotsHealthVerboseText',
  description: '`?verbose`: kube-apiserver text, `[+]database ok` / `[!]engine_lock warn: reason` / `[-]tables failed: reason` lines, then `ready check passed|failed` (text/plain)'
})

export const ProbeErrorSchema = Type.Object({
  statusCode: Type.Number(),
  error: Type.String(),
  message: Type.String()
}, { $id: 'BotsHealthProbeError', description: 'A request the probe cannot answer, e.g. `?exclude=` naming no check of this probe' })

/** Every schema with an `$id`, in dependency order, for `fastify.addSchema` or an OpenAPI generator. */
export const schemas: readonly (TSchema & { $id: string })[] = Object.freeze([
  CheckDetailSchema, LiveReportSchema, ReadyReportSchema, StartupReportSchema, PingResponseSchema,
  HealthJsonSchema, VerboseTextSchema, ProbeErrorSchema
] as unknown as (TSchema & { $id: string })[])

export type CheckDetail = Static<typeof CheckDetailSchema>
export type HealthJson = Static<typeof HealthJsonSchema>
export type LiveReport = {
  status: 'ok' | 'not_alive'
  check: 'liveness'
  message: string
  checks?: Record<string, boolean>
  errors?: string[]
  /** One line per check that warns; present only when one does. */
  warnings?: string[]
  details?: Record<string, CheckDetail>
}
export type ReadyReport = {
  status: 'ready' | 'not_ready'
  check: 'readiness'
  checks: Record<string, boolean>
  errors?: string[]
  /** One line per check that warns; present only when one does. */
  warnings?: string[]
  /** Set by the layer that built the service (Bots: `database_only`). */
  mode?: string
  /** Present while the service drains. */
  draining?: true
  details?: Record<string, CheckDetail>
}
export type StartupReport = {
  status: 'started' | 'starting'
  check: 'startup'
  checks: Record<string, boolean>
  errors?: string[]
  /** One line per check that warns; present only when one does. */
  warnings?: string[]
  details?: Record<string, CheckDetail>
}
