import { Type } from '@sinclair/typebox'
import { EpochMs, Nullable } from './common.js'

const CustomerId = Type.String({ minLength: 1, maxLength: 100 })
const NoteText = Type.String({ minLength: 1, maxLength: 5000 })

export const CustomerParams = Type.Object({ customerId: CustomerId })
export const NoteParams = Type.Object({ customerId: CustomerId, noteId: Type.String({ minLength: 1, maxLength: 100 }) })

export const CustomerLookupQuery = Type.Object({
  phone: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'any form; normalised to E.164' })),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 }))
}, { additionalProperties: false })

export const NoteBody = Type.Object({ text: NoteText }, { additionalProperties: false })
export const MergeBody = Type.Object({ customerId: Type.String({ minLength: 1, maxLength: 100, description: 'the customer folded into this one' }) }, { additionalProperties: false })

export const Note = Type.Object({
  noteId: Type.String(),
  text: Type.String(),
  createdBy: Type.String(),
  createdAt: EpochMs,
  updatedBy: Nullable(Type.String()),
  updatedAt: Nullable(EpochMs)
})

export const CustomerCard = Type.Object({
  customerId: Type.String(),
  name: Nullable(Type.String()),
  createdAt: EpochMs,
  phones: Type.Array(Type.Object({ phone: Type.String(), fromCustomerId: Type.String(), mergedAt: Nullable(EpochMs) })),
  emails: Type.Array(Type.String()),
  calls: Type.Array(Type.Object({
    callId: Type.String(),
    direction: Type.String(),
    status: Type.String(),
    phone: Nullable(Type.String({ description: 'the customer number of the call: caller id inbound, dialled number outbound' })),
    did: Type.String(),
    placedBy: Nullable(Type.String()),
    leadId: Nullable(Type.String()),
    operator: Nullable(Type.Object({ operatorId: Type.String(), name: Type.String() })),
    startedAt: EpochMs,
    answeredAt: Nullable(EpochMs),
    endedAt: Nullable(EpochMs),
    talkMs: Nullable(Type.Integer()),
    endReason: Nullable(Type.String()),
    recordings: Type.Array(Type.Object({
      recordingId: Type.String(), kind: Type.String(), status: Type.String(), path: Nullable(Type.String()), durationMs: Nullable(Type.Integer())
    }))
  })),
  callsTotal: Type.Integer(),
  leads: Type.Array(Type.Object({
    leadId: Type.String(),
    status: Type.String(),
    channel: Type.String(),
    source: Nullable(Type.String()),
    categoryId: Nullable(Type.String()),
    ownerId: Nullable(Type.String()),
    refusalReason: Nullable(Type.String()),
    createdAt: EpochMs,
    respondedAt: Nullable(EpochMs),
    closedAt: Nullable(EpochMs)
  })),
  deals: Type.Integer(),
  usualOperator: Nullable(Type.Object({ operatorId: Type.String(), name: Type.String(), answeredCalls: Type.Integer() })),
  notes: Type.Array(Note),
  merges: Type.Array(Type.Object({ mergedId: Type.String(), mergedPhone: Type.String(), actor: Type.String(), at: EpochMs }))
})

export const CustomerList = Type.Object({ customers: Type.Array(CustomerCard) })
