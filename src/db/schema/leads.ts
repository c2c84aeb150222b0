// Leads, their history, the SLA ladder, the webhook outbox and intake idempotency keys.
import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, primaryKey, index } from 'drizzle-orm/sqlite-core'
import { operators } from './catalog.js'
import { customers } from './customers.js'

export const leads = sqliteTable('leads', {
  leadId: text('lead_id').primaryKey(),
  customerId: text('customer_id').references(() => customers.customerId),
  /** E.164 when it could be normalised; otherwise as given, with phoneProblem set. */
  phone: text('phone'),
  phoneProblem: text('phone_problem'),
  email: text('email'),
  name: text('name'),
  /** call | form | api | telegram | follow_up */
  channel: text('channel').notNull(),
  source: text('source'),
  categoryId: text('category_id'),
  message: text('message'),
  /** JSON: utm_source, utm_medium, utm_campaign, utm_term, utm_content. */
  utm: text('utm'),
  externalId: text('external_id'),
  /** The call that created the lead, for call leads. */
  callId: text('call_id'),
  status: text('status').notNull(),
  statusSince: integer('status_since').notNull(),
  ownerId: text('owner_id').references(() => operators.operatorId),
  /** JSON: why this owner (the routing plan's reasons). */
  ownerReasons: text('owner_reasons'),
  /** Response deadline (epoch ms), working hours counted; null once answered. */
  deadlineAt: integer('deadline_at'),
  respondedAt: integer('responded_at'),
  followUpAt: integer('follow_up_at'),
  refusalReason: text('refusal_reason'),
  /** The first response deadline, kept when deadline_at is cleared, for "answered within SLA". */
  slaDueAt: integer('sla_due_at'),
  /** When the lead first became a deal; stays when the lead is closed later. */
  dealAt: integer('deal_at'),
  /** When the lead was last refused; with refusal_reason, for refusals by reason in a period. */
  refusedAt: integer('refused_at'),
  /** The deal's amount in minor units (kopecks, cents) of reports.currency; null when not given. */
  dealAmount: integer('deal_amount'),
  awaitingDisposition: integer('awaiting_disposition', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  closedAt: integer('closed_at')
}, (t) => [
  index('leads_phone_open').on(t.phone, t.closedAt),
  // Only the leads with a value (0008_lean_indexes): a call's lead has neither.
  index('leads_email_open').on(t.email, t.closedAt).where(sql`email IS NOT NULL`),
  index('leads_external_id_open').on(t.externalId, t.closedAt).where(sql`external_id IS NOT NULL`),
  index('leads_owner').on(t.ownerId, t.status),
  index('leads_status').on(t.status, t.statusSince),
  index('leads_customer').on(t.customerId, t.status),
  index('leads_call').on(t.callId),
  // Reports: one owner's leads or deals in a period, and leads per source/category, from the index
  // alone (leads_report_created also serves the lookups by creation time). Deals and refusals hold
  // only the leads that have one.
  index('leads_report_owned').on(t.ownerId, t.createdAt, t.respondedAt, t.slaDueAt, t.dealAt, t.dealAmount),
  index('leads_report_deal').on(t.ownerId, t.dealAt, t.dealAmount).where(sql`deal_at IS NOT NULL`),
  index('leads_report_refused').on(t.ownerId, t.refusedAt, t.refusalReason).where(sql`refused_at IS NOT NULL`),
  index('leads_report_created').on(t.createdAt, t.source, t.categoryId, t.dealAt, t.dealAmount)
])

/** Append-only history of every lead. */
export const leadEvents = sqliteTable('lead_events', {
  eventId: text('event_id').primaryKey(),
  leadId: text('lead_id').notNull().references(() => leads.leadId),
  at: integer('at').notNull(),
  /** system | operator:<id> | token:<id> | phone:<operatorId> */
  actor: text('actor').notNull(),
  kind: text('kind').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status'),
  reason: text('reason'),
  /** JSON with the details of the event. */
  data: text('data')
}, (t) => [index('lead_events_lead').on(t.leadId, t.at)])

/** The SLA ladder: one row per step due for a lead; claimed with a lease so none is lost or run twice. */
export const escalations = sqliteTable('escalations', {
  escalationId: text('escalation_id').primaryKey(),
  leadId: text('lead_id').notNull().references(() => leads.leadId),
  /** reminder | owner_call | manager_call | follow_up */
  step: text('step').notNull(),
  /** pending | claimed | done | failed | cancelled */
  state: text('state').notNull(),
  dueAt: integer('due_at').notNull(),
  attempt: integer('attempt').notNull().default(0),
  claimedBy: text('claimed_by'),
  leaseUntil: integer('lease_until'),
  /** Operator the step calls or reminds. */
  targetOperatorId: text('target_operator_id'),
  result: text('result'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull()
}, (t) => [
  // The sweep reads only rows due now: (state, due_at) keeps that an index range.
  index('escalations_due').on(t.state, t.dueAt),
  index('escalations_lead').on(t.leadId)
])

/** Outgoing webhooks: written with the change they announce, delivered at least once. */
export const outbox = sqliteTable('outbox', {
  outboxId: text('outbox_id').primaryKey(),
  /** Stable event id the receiver uses for idempotency. */
  eventId: text('event_id').notNull(),
  type: text('type').notNull(),
  url: text('url').notNull(),
  payload: text('payload').notNull(),
  /** pending | delivering | delivered | dead */
  state: text('state').notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull(),
  leaseUntil: integer('lease_until'),
  lastError: text('last_error'),
  createdAt: integer('created_at').notNull(),
  deliveredAt: integer('delivered_at')
}, (t) => [index('outbox_due').on(t.state, t.nextAttemptAt), index('outbox_event').on(t.eventId)])

/** Idempotency-Key of HTTP intake: a retry returns the lead made the first time. */
export const idempotencyKeys = sqliteTable('idempotency_keys', {
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  leadId: text('lead_id').notNull(),
  createdAt: integer('created_at').notNull()
}, (t) => [primaryKey({ columns: [t.scope, t.key] })])
