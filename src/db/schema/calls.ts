// Calls, their dial attempts, recordings and the calls marked golden.
import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { operators } from './catalog.js'
import { customers } from './customers.js'

export const calls = sqliteTable('calls', {
  callId: text('call_id').primaryKey(),
  direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
  status: text('status', { enum: ['menu', 'ringing', 'waiting', 'talking', 'answered', 'missed', 'abandoned', 'callback', 'interrupted', 'failed'] }).notNull(),
  channelId: text('channel_id').notNull(),
  callerRaw: text('caller_raw').notNull(),
  callerPhone: text('caller_phone'),
  callerName: text('caller_name'),
  customerId: text('customer_id').references(() => customers.customerId),
  did: text('did').notNull(),
  trackingDid: text('tracking_did'),
  source: text('source'),
  categoryId: text('category_id'),
  /** The site visit a pool number was handed to, when the call came within its hold time. */
  visitId: text('visit_id'),
  campaign: text('campaign'),
  /** JSON: the visit's utm_source, utm_medium, utm_campaign, utm_term, utm_content. */
  utm: text('utm'),
  /** JSON of the routing plan with every reason, as decided. */
  plan: text('plan'),
  answeredBy: text('answered_by').references(() => operators.operatorId),
  startedAt: integer('started_at').notNull(),
  answeredAt: integer('answered_at'),
  endedAt: integer('ended_at'),
  ringMs: integer('ring_ms'),
  talkMs: integer('talk_ms'),
  hangupBy: text('hangup_by', { enum: ['caller', 'operator', 'system'] }),
  endReason: text('end_reason'),
  warnings: text('warnings'),
  /** JSON: the voice-menu path the caller took (`menu:key`…). */
  menuPath: text('menu_path'),
  /** When the caller started waiting for a free operator, and how it ended. */
  queuedAt: integer('queued_at'),
  waitMs: integer('wait_ms'),
  queueOutcome: text('queue_outcome', { enum: ['connected', 'abandoned', 'callback_key', 'callback_timeout', 'nobody_left', 'interrupted'] }),
  /** The call this one continues: the same caller, picked up again after a restart. */
  resumedFrom: text('resumed_from'),
  /** Outbound calls: the lead the call was made for. */
  leadId: text('lead_id'),
  /** Outbound calls: the customer's number as dialled (E.164 when it could be normalised). */
  dialledPhone: text('dialled_phone'),
  /** Outbound calls: placed through ringlead (api) or dialled on the phone itself (phone). */
  placedBy: text('placed_by', { enum: ['api', 'phone'] }),
  /** When the outcome went out durably (call.ended webhook and lead written); null until then. */
  outcomePublishedAt: integer('outcome_published_at')
}, (t) => [
  // Indexes on columns most calls leave empty hold only the calls with a value (0008_lean_indexes):
  // a call's commits write one page fewer for each.
  index('calls_lead').on(t.leadId).where(sql`lead_id IS NOT NULL`),
  index('calls_status').on(t.status),
  index('calls_customer').on(t.customerId),
  index('calls_channel').on(t.channelId),
  index('calls_queued').on(t.queuedAt).where(sql`queued_at IS NOT NULL`),
  // Reports: talk time per operator (read one operator at a time, in index order) and calls per
  // source/category in a period, from the index alone. They also serve the lookups by operator and
  // by start time (no index of their first columns alone).
  index('calls_report_talk').on(t.answeredBy, t.startedAt, t.talkMs).where(sql`answered_by IS NOT NULL`),
  index('calls_report_source').on(t.startedAt, t.direction, t.source, t.categoryId),
  index('calls_unpublished').on(t.outcomePublishedAt).where(sql`outcome_published_at IS NULL`)
])

export const callAttempts = sqliteTable('call_attempts', {
  attemptId: text('attempt_id').primaryKey(),
  callId: text('call_id').notNull().references(() => calls.callId),
  stepIndex: integer('step_index').notNull(),
  stepKind: text('step_kind').notNull(),
  operatorId: text('operator_id').notNull().references(() => operators.operatorId),
  endpoint: text('endpoint').notNull(),
  channelId: text('channel_id'),
  startedAt: integer('started_at').notNull(),
  endedAt: integer('ended_at'),
  answeredAt: integer('answered_at'),
  ringMs: integer('ring_ms'),
  result: text('result', { enum: ['ringing', 'answered', 'no_answer', 'busy', 'unreachable', 'congestion', 'failed', 'cancelled', 'interrupted'] }).notNull(),
  cause: integer('cause'),
  causeText: text('cause_text')
}, (t) => [
  index('call_attempts_call').on(t.callId),
  index('call_attempts_operator').on(t.operatorId, t.startedAt),
  // Reports: one operator's attempts in a period, counted and summed from the index alone.
  index('call_attempts_report').on(t.operatorId, t.result, t.startedAt, t.ringMs)
])

export const recordings = sqliteTable('recordings', {
  recordingId: text('recording_id').primaryKey(),
  callId: text('call_id').notNull().references(() => calls.callId),
  kind: text('kind', { enum: ['mixed', 'caller', 'operator'] }).notNull(),
  /** Asterisk's recording name (under its recording spool). */
  name: text('name').notNull(),
  format: text('format').notNull(),
  /** Local copy, relative to the recordings directory, once fetched. */
  path: text('path'),
  status: text('status', { enum: ['recording', 'done', 'stored', 'failed', 'missing'] }).notNull(),
  durationMs: integer('duration_ms'),
  bytes: integer('bytes'),
  error: text('error'),
  startedAt: integer('started_at').notNull(),
  endedAt: integer('ended_at'),
  /** Kept for the golden fund: retention never deletes it. */
  golden: integer('golden', { mode: 'boolean' }).notNull().default(false),
  /** When retention removed the file (the row stays, saying so). */
  deletedAt: integer('deleted_at')
}, (t) => [index('recordings_call').on(t.callId), uniqueIndex('recordings_name').on(t.name), index('recordings_retention').on(t.status, t.endedAt)])

/** Calls marked exemplary, to listen to in training. */
export const goldenCalls = sqliteTable('golden_calls', {
  callId: text('call_id').primaryKey().references(() => calls.callId),
  note: text('note').notNull(),
  markedBy: text('marked_by').notNull(),
  markedAt: integer('marked_at').notNull()
})

/** Listen / whisper / barge sessions on a call: start, mode switches, end, and who. */
export const callSupervisionEvents = sqliteTable('call_supervision_events', {
  eventId: text('event_id').primaryKey(),
  sessionId: text('session_id').notNull(),
  callId: text('call_id').notNull(),
  userId: text('user_id').notNull(),
  userName: text('user_name').notNull(),
  kind: text('kind', { enum: ['ringing', 'started', 'mode', 'ended'] }).notNull(),
  mode: text('mode', { enum: ['listen', 'whisper', 'barge'] }),
  /** Why it ended (hung up, call over, no answer, failure). */
  detail: text('detail'),
  at: integer('at').notNull()
}, (t) => [index('call_supervision_events_call').on(t.callId, t.at)])
