import { Type } from '@sinclair/typebox'
import { maxCallPageSize } from '../../calls/call-records.js'
import { SupervisionEvent } from './supervision.js'
import { CategoryId, EpochMs, Nullable, OperatorId } from './common.js'

export const CallStatus = Type.Union([
  Type.Literal('menu'), Type.Literal('ringing'), Type.Literal('waiting'), Type.Literal('talking'), Type.Literal('answered'),
  Type.Literal('missed'), Type.Literal('abandoned'), Type.Literal('callback'), Type.Literal('interrupted'), Type.Literal('failed')
])
const QueueOutcome = Type.Union(['connected', 'abandoned', 'callback_key', 'callback_timeout', 'nobody_left', 'interrupted'].map((o) => Type.Literal(o)))
const Direction = Type.Union([Type.Literal('inbound'), Type.Literal('outbound')])
const HangupBy = Nullable(Type.Union([Type.Literal('caller'), Type.Literal('operator'), Type.Literal('system')]))
const OperatorRef = Type.Object({ operatorId: Type.String(), name: Type.String() })

export const CallParams = Type.Object({ callId: Type.String({ minLength: 1, maxLength: 100 }) })

export const CallListQuery = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'started at or after (epoch ms)' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'started before (epoch ms)' })),
  status: Type.Optional(CallStatus),
  direction: Type.Optional(Type.Union([Type.Literal('inbound'), Type.Literal('outbound')])),
  operatorId: Type.Optional(OperatorId),
  did: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  categoryId: Type.Optional(CategoryId),
  minScore: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'script-QA score at least (scored calls only)' })),
  maxScore: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'script-QA score at most (scored calls only)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxCallPageSize, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 }))
}, { additionalProperties: false })

export const CallSummary = Type.Object({
  callId: Type.String(),
  direction: Direction,
  status: CallStatus,
  callerRaw: Type.String(),
  callerPhone: Nullable(Type.String()),
  callerName: Nullable(Type.String()),
  customerId: Nullable(Type.String()),
  did: Type.String(),
  trackingDid: Nullable(Type.String()),
  source: Nullable(Type.String()),
  campaign: Nullable(Type.String()),
  categoryId: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  answeredBy: Nullable(OperatorRef),
  startedAt: EpochMs,
  answeredAt: Nullable(EpochMs),
  endedAt: Nullable(EpochMs),
  ringMs: Nullable(Type.Integer()),
  talkMs: Nullable(Type.Integer()),
  hangupBy: HangupBy,
  endReason: Nullable(Type.String()),
  qaScore: Nullable(Type.Number({ description: 'script-QA score 0-100 once transcribed and checked' }))
})

export const CallPage = Type.Object({
  calls: Type.Array(CallSummary),
  nextCursor: Nullable(Type.String({ description: 'pass as cursor for the next (older) page' }))
})

const PlanStep = Type.Object({
  kind: Type.String(),
  targets: Type.Array(Type.Object({ operatorId: Type.String(), endpoint: Type.String() })),
  ringTimeoutSeconds: Type.Number(),
  reasons: Type.Array(Type.String())
})

export const RoutingPlan = Type.Object({
  steps: Type.Array(PlanStep),
  skipped: Type.Array(Type.Object({ reason: Type.String(), operatorIds: Type.Array(Type.String()) })),
  reasons: Type.Array(Type.String())
})

export const CallStory = Type.Object({
  call: Type.Object({
    callId: Type.String(),
    direction: Direction,
    status: CallStatus,
    callerRaw: Type.String(),
    callerPhone: Nullable(Type.String()),
    callerName: Nullable(Type.String()),
    did: Type.String(),
    startedAt: EpochMs,
    answeredAt: Nullable(EpochMs),
    endedAt: Nullable(EpochMs),
    ringMs: Nullable(Type.Integer()),
    talkMs: Nullable(Type.Integer()),
    hangupBy: HangupBy,
    endReason: Nullable(Type.String()),
    warnings: Type.Array(Type.String()),
    menuPath: Type.Array(Type.String(), { description: 'voice-menu choices in order: menu:key, menu:timeout, menu:invalid, menu:after_hours' }),
    queue: Nullable(Type.Object({ queuedAt: EpochMs, waitMs: Nullable(Type.Integer()), outcome: Nullable(QueueOutcome) })),
    resumedFrom: Nullable(Type.String({ description: 'the call this one continues after a restart' })),
    leadId: Nullable(Type.String({ description: 'the lead the call was made for (outbound) or that it made (inbound)' })),
    dialledPhone: Nullable(Type.String({ description: 'outbound: the customer number dialled' })),
    placedBy: Nullable(Type.Union([Type.Literal('api'), Type.Literal('phone')], { description: 'outbound: through ringlead (api) or dialled on the phone (phone)' }))
  }),
  customer: Nullable(Type.Object({ customerId: Type.String(), phone: Type.String(), name: Nullable(Type.String()) })),
  trackingNumber: Nullable(Type.Object({
    did: Type.String(),
    source: Nullable(Type.String()),
    categoryId: Nullable(Type.String()),
    categoryName: Nullable(Type.String())
  })),
  attribution: Nullable(Type.Object({
    visitId: Type.String(),
    source: Nullable(Type.String()),
    campaign: Nullable(Type.String()),
    categoryId: Nullable(Type.String()),
    utm: Type.Record(Type.String(), Type.String())
  })),
  plan: Nullable(RoutingPlan),
  attempts: Type.Array(Type.Object({
    attemptId: Type.String(),
    stepIndex: Type.Integer(),
    stepKind: Type.String(),
    operatorId: Type.String(),
    operatorName: Type.String(),
    endpoint: Type.String(),
    result: Type.String(),
    cause: Nullable(Type.Integer()),
    causeText: Nullable(Type.String()),
    ringMs: Nullable(Type.Integer()),
    startedAt: EpochMs,
    answeredAt: Nullable(EpochMs),
    endedAt: Nullable(EpochMs)
  })),
  answeredBy: Nullable(OperatorRef),
  recordings: Type.Array(Type.Object({
    recordingId: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    format: Type.String(),
    status: Type.String(),
    path: Nullable(Type.String()),
    durationMs: Nullable(Type.Integer()),
    bytes: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    startedAt: EpochMs,
    endedAt: Nullable(EpochMs),
    golden: Type.Optional(Type.Boolean()),
    deletedAt: Type.Optional(Nullable(EpochMs)),
    /** Where the console fetches the audio (range requests), when the file is kept. */
    url: Type.Optional(Nullable(Type.String()))
  })),
  /**
   * The whole conversation as one file (range requests): the mixed recording, or, made on first
   * request, a stereo WAV of the two parties (caller left, operator right). Null while neither is kept.
   */
  conversationUrl: Type.Optional(Nullable(Type.String())),
  /** Supervisors listening in (POST /api/calls/:callId/listen): each session's ringing, start, mode switches and end. */
  supervision: Type.Array(SupervisionEvent),
  speech: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'transcription state, transcript segments and QA card (see GET /api/calls/:callId/transcript)' }))
})

export const OutboundBody = Type.Object({
  phone: Type.String({ minLength: 1, maxLength: 40, description: 'the customer\'s number; normalised to E.164' }),
  operatorId: Type.Optional(OperatorId),
  leadId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  categoryId: Type.Optional(CategoryId)
}, { additionalProperties: false })

export const OutboundAccepted = Type.Object({
  callId: Type.String(),
  operatorId: Type.String(),
  status: Type.Literal('ringing_operator')
})
