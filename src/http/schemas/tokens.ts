import { Type } from '@sinclair/typebox'
import { EpochMs, Name, Nullable, OperatorId, Role } from './common.js'

export const TokenParams = Type.Object({ tokenId: Type.String({ minLength: 1, maxLength: 100 }) })

export const TokenView = Type.Object({
  tokenId: Type.String(),
  name: Type.String(),
  role: Role,
  operatorId: Nullable(Type.String()),
  createdAt: EpochMs,
  lastUsedAt: Nullable(EpochMs),
  revokedAt: Nullable(EpochMs)
})

export const TokenList = Type.Object({ tokens: Type.Array(TokenView) })

export const NewTokenBody = Type.Object({
  name: Name,
  role: Role,
  operatorId: Type.Optional(Nullable(OperatorId))
}, { additionalProperties: false })

/** The only answer that carries the secret. */
export const CreatedToken = Type.Object({
  token: Type.String({ description: 'the secret: shown once, store it now' }),
  ...TokenView.properties
})
