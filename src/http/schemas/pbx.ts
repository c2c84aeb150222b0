// Schemas of the PBX admin routes: dialplan versions and call-tracking pools.
import { Type } from '@sinclair/typebox'
import { Did, EpochMs, Nullable } from './common.js'

export const DialplanPreview = Type.Object({
  diff: Type.String({ description: 'unified diff from the applied include file to the rendered one; empty when equal' }),
  changed: Type.Boolean(),
  fingerprint: Type.String(),
  appliedFingerprint: Nullable(Type.String()),
  skipped: Type.Array(Type.Object({
    did: Type.String(),
    problems: Type.Array(Type.String(), { description: 'e.g. source "ads;evil": contains ";" (it starts a comment in the dialplan); …' })
  }), { description: 'tracking numbers left out of the rendered dialplan because a stored value of theirs cannot go into it; fix them to bring them back' })
})

export const DialplanVersionSummary = Type.Object({
  versionId: Type.String(),
  seq: Type.Integer(),
  status: Type.String({ description: 'applied | failed (Asterisk did not load it; the previous version was put back)' }),
  appliedBy: Type.String(),
  appliedAt: EpochMs,
  checksum: Type.String(),
  rollbackOf: Nullable(Type.String()),
  reason: Nullable(Type.String())
})

export const DialplanVersion = Type.Intersect([DialplanVersionSummary, Type.Object({ content: Type.String(), diff: Type.String() })])

export const DialplanHistory = Type.Object({ versions: Type.Array(DialplanVersionSummary) })

export const VersionParams = Type.Object({ versionId: Type.String({ pattern: '^dpv_[0-9a-f]{16}$', hint: 'be a version id like dpv_0123456789abcdef' }) })

export const HistoryQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }, { additionalProperties: false })

const SourceName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$', hint: 'be a source name: letters, digits and _ . : -' })
const UtmValue = Type.String({ maxLength: 200 })

export const SourceParams = Type.Object({ source: SourceName })

export const PoolBody = Type.Object({
  defaultDid: Did,
  numbers: Type.Array(Did, { maxItems: 10_000 }),
  holdMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1440 })))
}, { additionalProperties: false })

export const PoolView = Type.Object({
  source: Type.String(),
  defaultDid: Type.String(),
  holdMinutes: Nullable(Type.Integer()),
  numbers: Type.Array(Type.String()),
  held: Type.Integer(),
  exhaustedCount: Type.Integer(),
  lastExhaustedAt: Nullable(EpochMs)
})

export const PoolList = Type.Object({ pools: Type.Array(PoolView) })

export const NumberQuery = Type.Object({
  source: SourceName,
  visitor: Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$', hint: 'be the visitor id the script makes: 8 to 100 letters, digits and _ . : -' }),
  utm_source: Type.Optional(UtmValue),
  utm_medium: Type.Optional(UtmValue),
  utm_campaign: Type.Optional(UtmValue),
  utm_term: Type.Optional(UtmValue),
  utm_content: Type.Optional(UtmValue)
}, { additionalProperties: false })

export const NumberView = Type.Object({
  number: Type.String(),
  pooled: Type.Boolean({ description: 'false: the pool was used up and this is the default number' }),
  expiresAt: Nullable(EpochMs)
})
