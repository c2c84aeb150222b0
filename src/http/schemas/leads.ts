import { Type } from '@sinclair/typebox'
import { EpochMs, Nullable, OperatorId, SafeName } from './common.js'

export const maxLeadPageSize = 200

/** Loose on purpose: the shape of an address is checked here, whether it exists is not. */
export const emailPattern = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$'
const Email = Type.String({ maxLength: 254, pattern: emailPattern, hint: 'be an e-mail address like name@example.com' })
const Text = (maxLength: number) => Type.String({ maxLength })
const Reason = Type.String({ minLength: 1, maxLength: 500 })

export const LeadChannel = Type.Union([
  Type.Literal('call'), Type.Literal('form'), Type.Literal('api'), Type.Literal('telegram'), Type.Literal('follow_up')
])

export const LeadParams = Type.Object({ leadId: Type.String({ minLength: 1, maxLength: 100 }) })

export const LeadFlags = Type.Object({
  overdue: Type.Boolean({ description: 'open, and the response deadline has passed' }),
  overdueInStatus: Type.Boolean({ description: 'in its status longer than the status matrix allows' }),
  phoneProblem: Type.Boolean({ description: 'the phone could not be read as a number (see phoneProblem on the lead)' })
})

export const LeadView = Type.Object({
  leadId: Type.String(),
  customerId: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  phoneProblem: Nullable(Type.String()),
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  channel: Type.String(),
  source: Nullable(Type.String()),
  categoryId: Nullable(Type.String()),
  message: Nullable(Type.String()),
  utm: Nullable(Type.Record(Type.String(), Type.String())),
  externalId: Nullable(Type.String()),
  callId: Nullable(Type.String()),
  status: Type.String(),
  statusSince: EpochMs,
  ownerId: Nullable(Type.String()),
  ownerReasons: Type.Array(Type.String()),
  deadlineAt: Nullable(EpochMs),
  respondedAt: Nullable(EpochMs),
  followUpAt: Nullable(EpochMs),
  refusalReason: Nullable(Type.String()),
  slaDueAt: Nullable(EpochMs),
  dealAt: Nullable(EpochMs),
  dealAmount: Nullable(Type.Integer({ description: 'in minor units (kopecks, cents) of the configured reports.currency' })),
  awaitingDisposition: Type.Boolean(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  closedAt: Nullable(EpochMs),
  flags: LeadFlags
})

export const LeadEventView = Type.Object({
  eventId: Type.String(),
  at: EpochMs,
  actor: Type.String({ description: 'system, operator:<id>, token:<id>, form, telegram, phone:<operatorId>' }),
  kind: Type.String({ description: 'created, updated, status, disposition, owner, note, response, …' }),
  fromStatus: Nullable(Type.String()),
  toStatus: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  data: Type.Unknown()
})

export const EscalationView = Type.Object({
  escalationId: Type.String(),
  step: Type.String({ description: 'reminder, owner_call, manager_call, follow_up' }),
  state: Type.String({ description: 'pending, claimed, done, failed, cancelled' }),
  dueAt: EpochMs,
  attempt: Type.Integer(),
  targetOperatorId: Nullable(Type.String()),
  result: Nullable(Type.String()),
  createdAt: EpochMs,
  updatedAt: EpochMs
})

export const LeadDetail = Type.Object({
  lead: LeadView,
  events: Type.Array(LeadEventView),
  escalations: Type.Array(EscalationView)
})

export const LeadPage = Type.Object({
  leads: Type.Array(LeadView),
  nextBefore: Nullable(Type.String({ description: 'pass as before for the next (older) page' }))
})

export const LeadListQuery = Type.Object({
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  ownerId: Type.Optional(OperatorId),
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  categoryId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  channel: Type.Optional(LeadChannel),
  open: Type.Optional(Type.Boolean({ description: 'true: open leads only; false: closed ones only' })),
  overdue: Type.Optional(Type.Literal(true, { hint: 'be true (leave it out for every lead)', description: 'open leads past their response deadline' })),
  closedFrom: Type.Optional(Type.Integer({ minimum: 0, description: 'closed leads only: closed at or after this instant (epoch ms)' })),
  closedTo: Type.Optional(Type.Integer({ minimum: 0, description: 'closed leads only: closed before this instant (epoch ms)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLeadPageSize, default: 50 })),
  before: Type.Optional(Type.String({ minLength: 1, maxLength: 500 }))
}, { additionalProperties: false })

export const Utm = Type.Object({
  utm_source: Type.Optional(Text(200)),
  utm_medium: Type.Optional(Text(200)),
  utm_campaign: Type.Optional(Text(200)),
  utm_term: Type.Optional(Text(200)),
  utm_content: Type.Optional(Text(200))
}, { additionalProperties: false })

export const NewLeadBody = Type.Object({
  name: Type.Optional(Nullable(SafeName({ maxLength: 200 }))),
  phone: Type.Optional(Nullable(Text(50))),
  email: Type.Optional(Nullable(Email)),
  message: Type.Optional(Nullable(Text(5000))),
  source: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  categoryId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  utm: Type.Optional(Nullable(Utm)),
  externalId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 })))
}, { additionalProperties: false })

export const IntakeHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 }))
})

export const IntakeAnswer = Type.Object({
  lead: LeadView,
  created: Type.Boolean({ description: 'false: the customer\'s open lead was updated, or this is a replay' })
})

/**
 * What an operator gets for a request whose lead is not theirs (another operator's customer, or a
 * new lead given to someone else): what the public web form gets, that it was taken, and no more.
 */
export const IntakeReceipt = Type.Object({
  accepted: Type.Literal(true),
  message: Type.String()
})

export const isoDateTimePattern = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$'
const FollowUpAt = Type.Union([
  Type.Integer({ minimum: 0 }),
  Type.String({ pattern: isoDateTimePattern })
], { hint: 'be an ISO 8601 date-time with a zone, like 2024-05-01T10:00:00+03:00, or epoch milliseconds' })

/** Integer minor units (kopecks, cents), so sums are exact; at most 10^13 (a hundred billion roubles). */
export const DealAmount = Type.Integer({
  minimum: 0, maximum: 10_000_000_000_000,
  hint: 'be a whole number of minor units (kopecks, cents), e.g. 149900 for 1499.00',
  description: 'the deal\'s amount in minor units of the configured currency (RINGLEAD_REPORTS_CURRENCY); only with status/outcome deal'
})

export const StatusBody = Type.Object({
  status: Type.String({ minLength: 1, maxLength: 64 }),
  reason: Type.Optional(Nullable(Reason)),
  dealAmount: Type.Optional(Nullable(DealAmount)),
  followUpAt: Type.Optional(Nullable(FollowUpAt))
}, { additionalProperties: false })

export const DispositionBody = Type.Object({
  outcome: Type.Union([Type.Literal('deal'), Type.Literal('refused'), Type.Literal('callback')]),
  reason: Type.Optional(Nullable(Reason)),
  dealAmount: Type.Optional(Nullable(DealAmount)),
  followUpAt: Type.Optional(Nullable(FollowUpAt))
}, { additionalProperties: false })

export const OwnerBody = Type.Object({
  operatorId: OperatorId,
  reason: Type.Optional(Nullable(Reason))
}, { additionalProperties: false })

export const NoteBody = Type.Object({
  text: Type.String({ minLength: 1, maxLength: 5000 })
}, { additionalProperties: false })
