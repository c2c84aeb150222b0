// drizzle schema. Times are integer epoch milliseconds and flags are integers so that the same
// tables map onto PostgreSQL (bigint/boolean) without SQLite-only tricks.
import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const categories = sqliteTable('categories', {
  categoryId: text('category_id').primaryKey(),
  name: text('name').notNull(),
  /** JSON: per-category routing policy overrides (partial RoutingPolicy). */
  routingPolicy: text('routing_policy'),
  createdAt: integer('created_at').notNull()
})

export const operators = sqliteTable('operators', {
  operatorId: text('operator_id').primaryKey(),
  name: text('name').notNull(),
  /** Asterisk dial string of the operator's phone, e.g. PJSIP/101. */
  endpoint: text('endpoint').notNull(),
  mobile: text('mobile'),
  role: text('role', { enum: ['operator', 'supervisor', 'admin'] }).notNull().default('operator'),
  isManager: integer('is_manager', { mode: 'boolean' }).notNull().default(false),
  paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
  pausedReason: text('paused_reason'),
  pausedAt: integer('paused_at'),
  createdAt: integer('created_at').notNull(),
  /** Removed operators stay for the history of their calls. */
  removedAt: integer('removed_at')
}, (t) => [uniqueIndex('operators_endpoint_live').on(t.endpoint).where(sql`removed_at IS NULL`)])

export const operatorSkills = sqliteTable('operator_skills', {
  operatorId: text('operator_id').notNull().references(() => operators.operatorId),
  categoryId: text('category_id').notNull().references(() => categories.categoryId),
  level: integer('level').notNull()
}, (t) => [primaryKey({ columns: [t.operatorId, t.categoryId] }), index('operator_skills_category').on(t.categoryId)])

export const trackingNumbers = sqliteTable('tracking_numbers', {
  /** The dialled number as Asterisk reports it (digits, optional leading +). */
  did: text('did').primaryKey(),
  source: text('source'),
  categoryId: text('category_id').references(() => categories.categoryId),
  label: text('label'),
  routingPolicy: text('routing_policy'),
  createdAt: integer('created_at').notNull()
})

export const customers = sqliteTable('customers', {
  customerId: text('customer_id').primaryKey(),
  phone: text('phone').notNull(),
  name: text('name'),
  lastOperatorId: text('last_operator_id').references(() => operators.operatorId),
  lastCallAt: integer('last_call_at'),
  createdAt: integer('created_at').notNull()
}, (t) => [uniqueIndex('customers_phone').on(t.phone)])

export const calls = sqliteTable('calls', {
  callId: text('call_id').primaryKey(),
  direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
  status: text('status', { enum: ['ringing', 'talking', 'answered', 'missed', 'abandoned', 'interrupted', 'failed'] }).notNull(),
  channelId: text('channel_id').notNull(),
  callerRaw: text('caller_raw').notNull(),
  callerPhone: text('caller_phone'),
  callerName: text('caller_name'),
  customerId: text('customer_id').references(() => customers.customerId),
  did: text('did').notNull(),
  trackingDid: text('tracking_did'),
  source: text('source'),
  categoryId: text('category_id'),
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
  warnings: text('warnings')
}, (t) => [
  index('calls_started').on(t.startedAt),
  index('calls_status').on(t.status),
  index('calls_customer').on(t.customerId),
  index('calls_answered_by').on(t.answeredBy, t.startedAt)
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
}, (t) => [index('call_attempts_call').on(t.callId), index('call_attempts_operator').on(t.operatorId, t.startedAt)])

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
  endedAt: integer('ended_at')
}, (t) => [index('recordings_call').on(t.callId), uniqueIndex('recordings_name').on(t.name)])

export const apiTokens = sqliteTable('api_tokens', {
  tokenId: text('token_id').primaryKey(),
  name: text('name').notNull(),
  role: text('role', { enum: ['operator', 'supervisor', 'admin'] }).notNull(),
  /** Operator the token acts as, for operator tokens. */
  operatorId: text('operator_id').references(() => operators.operatorId),
  /** sha256 of the token: tokens are long random strings, so a fast hash is enough. */
  tokenHash: text('token_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at')
}, (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash)])
