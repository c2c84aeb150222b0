import { Type } from '@sinclair/typebox'
import { EpochMs, Nullable } from './common.js'

export const WaitingList = Type.Object({
  waiting: Type.Array(Type.Object({
    callId: Type.String(),
    callerPhone: Nullable(Type.String()),
    categoryId: Nullable(Type.String()),
    returning: Type.Boolean(),
    position: Type.Integer({ minimum: 1 }),
    arrivedAt: EpochMs,
    waitedMs: Type.Integer({ minimum: 0 }),
    ringingOperatorId: Nullable(Type.String())
  }))
})

export const QueueStatsQuery = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms; default: 24 hours before to' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms; default: now' }))
}, { additionalProperties: false })

export const QueueStats = Type.Object({
  from: EpochMs,
  to: EpochMs,
  hours: Type.Array(Type.Object({
    hourStart: EpochMs,
    waited: Type.Integer({ description: 'callers who had to wait' }),
    connected: Type.Integer(),
    abandoned: Type.Integer({ description: 'hung up while waiting' }),
    callbacks: Type.Integer({ description: 'took the callback offer (key or time-out)' }),
    averageWaitMs: Nullable(Type.Integer()),
    longestWaitMs: Nullable(Type.Integer())
  }))
})
