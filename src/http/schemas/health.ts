import { Type } from '@sinclair/typebox'

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')])
}, { additionalProperties: true })
