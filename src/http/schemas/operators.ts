import { Type } from '@sinclair/typebox'
import { EpochMs, Endpoint, Mobile, Name, Nullable, OperatorId, Role, Skills } from './common.js'

export const OperatorParams = Type.Object({ operatorId: OperatorId })

export const LiveState = Type.Object({
  state: Type.String({ description: 'available, ringing, talking, wrap_up, paused, unregistered' }),
  reason: Type.String(),
  sinceMs: EpochMs
})

export const OperatorView = Type.Object({
  operatorId: Type.String(),
  name: Type.String(),
  endpoint: Type.String(),
  mobile: Nullable(Type.String()),
  role: Role,
  isManager: Type.Boolean(),
  paused: Type.Boolean(),
  pausedReason: Nullable(Type.String()),
  pausedAt: Nullable(EpochMs),
  createdAt: EpochMs,
  removedAt: Nullable(EpochMs),
  skills: Skills,
  /** From the live board; null when the daemon has no view of the operator (or no board). */
  live: Nullable(LiveState)
})

export const OperatorList = Type.Object({ operators: Type.Array(OperatorView) })

export const OperatorListQuery = Type.Object({
  includeRemoved: Type.Optional(Type.Boolean({ description: 'also list removed operators' }))
}, { additionalProperties: false })

export const NewOperatorBody = Type.Object({
  name: Name,
  endpoint: Endpoint,
  mobile: Type.Optional(Nullable(Mobile)),
  role: Type.Optional(Role),
  isManager: Type.Optional(Type.Boolean()),
  skills: Type.Optional(Skills)
}, { additionalProperties: false })

export const OperatorPatchBody = Type.Object({
  name: Type.Optional(Name),
  endpoint: Type.Optional(Endpoint),
  mobile: Type.Optional(Nullable(Mobile)),
  role: Type.Optional(Role),
  isManager: Type.Optional(Type.Boolean())
}, { additionalProperties: false, minProperties: 1 })

export const SkillsBody = Type.Object({ skills: Skills }, { additionalProperties: false })

export const PauseBody = Nullable(Type.Object({
  reason: Type.Optional(Nullable(Type.String({ maxLength: 200 })))
}, { additionalProperties: false }))
