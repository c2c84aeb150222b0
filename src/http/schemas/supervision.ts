import { Type } from '@sinclair/typebox'
import { EpochMs, Nullable } from './common.js'

const Mode = Type.Union([Type.Literal('listen'), Type.Literal('whisper'), Type.Literal('barge')], {
  description: 'listen: hear the call; whisper: speak to the operator only; barge: speak to both. Keys on the phone switch: 4 listen, 5 whisper, 6 barge'
})

export const ListenBody = Type.Object({
  mode: Type.Optional(Mode),
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'whose phone rings; a console session rings its own user, an API token must name one' }))
}, { additionalProperties: false })

export const ListenAccepted = Type.Object({
  sessionId: Type.String(),
  callId: Type.String(),
  userId: Type.String(),
  mode: Mode,
  state: Type.Union([Type.Literal('ringing'), Type.Literal('on')]),
  endpoint: Type.String({ description: 'the phone that rings' })
})

/** One step of a listen-in session on the call's story. */
export const SupervisionEvent = Type.Object({
  sessionId: Type.String(),
  userId: Type.String(),
  userName: Type.String(),
  kind: Type.Union([Type.Literal('ringing'), Type.Literal('started'), Type.Literal('mode'), Type.Literal('ended')]),
  mode: Nullable(Mode),
  detail: Nullable(Type.String()),
  at: EpochMs
})
