// drizzle schema. Times are integer epoch milliseconds and flags are integers so that the same
// tables map onto PostgreSQL (bigint/boolean) without SQLite-only tricks.
import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const categories = sqliteTable('categories', {
  categoryId: text('category_id').primaryKey(),
  name: text('name').notNull(),
  /** JSON: per-category routing policy overrides (partial RoutingPolicy). */
  routingPolicy: text('routing_policy'),
  /** Language its calls are recognised in: ru | en | auto; null = the configured default. */
  speechLanguage: text('speech_language'),
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
  /** Voice menu callers on this number hear first; none → the default menu, if any. */
  menuId: text('menu_id'),
  /** ru | en | auto; null = the category's, then the configured default. */
  speechLanguage: text('speech_language'),
  createdAt: integer('created_at').notNull()
})

export const menus = sqliteTable('menus', {
  menuId: text('menu_id').primaryKey(),
  name: text('name').notNull(),
  /** JSON: greeting, prompt, options, timeout, repeats, default and after-hours actions. */
  definition: text('definition').notNull(),
  /** The menu for numbers that name none. At most one. */
  isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at').notNull()
})

export const customers = sqliteTable('customers', {
  customerId: text('customer_id').primaryKey(),
  phone: text('phone').notNull(),
  name: text('name'),
  lastOperatorId: text('last_operator_id').references(() => operators.operatorId),
  lastCallAt: integer('last_call_at'),
  createdAt: integer('created_at').notNull(),
  /**
   * Set when this customer was merged into another (one person, two numbers): calls from this
   * phone then belong to that customer. Always points at a customer that is not merged itself.
   */
  mergedInto: text('merged_into'),
  mergedAt: integer('merged_at')
}, (t) => [uniqueIndex('customers_phone').on(t.phone), index('customers_merged_into').on(t.mergedInto)])

/** Notes on a customer, written by operators; edits keep who and when. */
export const customerNotes = sqliteTable('customer_notes', {
  noteId: text('note_id').primaryKey(),
  customerId: text('customer_id').notNull().references(() => customers.customerId),
  text: text('text').notNull(),
  /** operator:<id> | token:<id> */
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: integer('updated_at')
}, (t) => [index('customer_notes_customer').on(t.customerId, t.createdAt)])

/** Every merge, append-only: which customer was folded into which, by whom. */
export const customerMerges = sqliteTable('customer_merges', {
  mergeId: text('merge_id').primaryKey(),
  customerId: text('customer_id').notNull().references(() => customers.customerId),
  mergedId: text('merged_id').notNull().references(() => customers.customerId),
  mergedPhone: text('merged_phone').notNull(),
  actor: text('actor').notNull(),
  at: integer('at').notNull()
}, (t) => [index('customer_merges_customer').on(t.customerId, t.at)])

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
  index('calls_lead').on(t.leadId),
  index('calls_started').on(t.startedAt),
  index('calls_status').on(t.status),
  index('calls_customer').on(t.customerId),
  index('calls_answered_by').on(t.answeredBy, t.startedAt),
  index('calls_channel').on(t.channelId),
  index('calls_queued').on(t.queuedAt),
  // Reports: talk time per operator (read one operator at a time, in index order) and calls per
  // source/category in a period, from the index alone.
  index('calls_report_talk').on(t.answeredBy, t.startedAt, t.talkMs),
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

// ---- leads ----

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
  index('leads_email_open').on(t.email, t.closedAt),
  index('leads_external_id_open').on(t.externalId, t.closedAt),
  index('leads_owner').on(t.ownerId, t.status),
  index('leads_status').on(t.status, t.statusSince),
  index('leads_created').on(t.createdAt),
  index('leads_customer').on(t.customerId, t.status),
  index('leads_call').on(t.callId),
  // Reports: one owner's leads or deals in a period, and leads per source/category, from the index alone.
  index('leads_report_owned').on(t.ownerId, t.createdAt, t.respondedAt, t.slaDueAt, t.dealAt, t.dealAmount),
  index('leads_report_deal').on(t.ownerId, t.dealAt, t.dealAmount),
  index('leads_report_refused').on(t.ownerId, t.refusedAt, t.refusalReason),
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

// ---- PBX admin: dialplan versions and call tracking ----

/** Every dialplan apply, kept whole with its diff, so any one can be applied again. */
export const dialplanVersions = sqliteTable('dialplan_versions', {
  versionId: text('version_id').primaryKey(),
  /** Order of the attempts: 1, 2, 3… */
  seq: integer('seq').notNull(),
  /** applied | failed (Asterisk did not load it; the previous version was put back) */
  status: text('status').notNull(),
  /** token:<id> | cli:<user> */
  appliedBy: text('applied_by').notNull(),
  appliedAt: integer('applied_at').notNull(),
  content: text('content').notNull(),
  /** Unified diff against the version applied before it. */
  diff: text('diff').notNull(),
  checksum: text('checksum').notNull(),
  /** The version this one re-applied, for roll-backs. */
  rollbackOf: text('rollback_of'),
  /** Why it failed, for failed attempts. */
  reason: text('reason')
}, (t) => [uniqueIndex('dialplan_versions_seq').on(t.seq)])

/** A traffic source's pool of numbers for dynamic number insertion. */
export const trackingPools = sqliteTable('tracking_pools', {
  source: text('source').primaryKey(),
  /** Shown when every pool number is held by a visitor. */
  defaultDid: text('default_did').notNull(),
  /** Overrides tracking.holdMinutes for this pool. */
  holdMinutes: integer('hold_minutes'),
  exhaustedCount: integer('exhausted_count').notNull().default(0),
  lastExhaustedAt: integer('last_exhausted_at'),
  createdAt: integer('created_at').notNull()
})

export const trackingPoolNumbers = sqliteTable('tracking_pool_numbers', {
  did: text('did').primaryKey().references(() => trackingNumbers.did),
  source: text('source').notNull().references(() => trackingPools.source),
  createdAt: integer('created_at').notNull()
}, (t) => [index('tracking_pool_numbers_source').on(t.source)])

/** A pool number handed to a site visitor, held until expires_at (extended on every page view). */
export const trackingVisits = sqliteTable('tracking_visits', {
  visitId: text('visit_id').primaryKey(),
  source: text('source').notNull(),
  visitor: text('visitor').notNull(),
  did: text('did').notNull(),
  utmSource: text('utm_source'),
  utmMedium: text('utm_medium'),
  utmCampaign: text('utm_campaign'),
  utmTerm: text('utm_term'),
  utmContent: text('utm_content'),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull()
}, (t) => [
  index('tracking_visits_visitor').on(t.source, t.visitor, t.expiresAt),
  index('tracking_visits_did').on(t.did, t.expiresAt)
])
// ---- speech ----

/** One transcription per call: a durable queue row, claimed with a lease like the escalation ladder. */
export const transcriptionJobs = sqliteTable('transcription_jobs', {
  jobId: text('job_id').primaryKey(),
  callId: text('call_id').notNull().references(() => calls.callId),
  state: text('state', { enum: ['pending', 'running', 'done', 'failed'] }).notNull(),
  language: text('language').notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull(),
  claimedBy: text('claimed_by'),
  leaseUntil: integer('lease_until'),
  lastError: text('last_error'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  finishedAt: integer('finished_at')
}, (t) => [uniqueIndex('transcription_jobs_call').on(t.callId), index('transcription_jobs_due').on(t.state, t.nextAttemptAt)])

export const transcripts = sqliteTable('transcripts', {
  callId: text('call_id').primaryKey().references(() => calls.callId),
  /** The language asked for (or detected, under auto). */
  language: text('language').notNull(),
  engine: text('engine').notNull(),
  model: text('model').notNull(),
  /** Every segment's text in order, for search. */
  text: text('text').notNull(),
  createdAt: integer('created_at').notNull()
})

export const transcriptSegments = sqliteTable('transcript_segments', {
  callId: text('call_id').notNull().references(() => calls.callId),
  seq: integer('seq').notNull(),
  speaker: text('speaker', { enum: ['caller', 'operator'] }).notNull(),
  startMs: integer('start_ms').notNull(),
  endMs: integer('end_ms').notNull(),
  text: text('text').notNull()
}, (t) => [primaryKey({ columns: [t.callId, t.seq] })])

/** QA rule sets: the default one (no category), or one per category. Rules are JSON (domain QaRule[]). */
export const qaRuleSets = sqliteTable('qa_rule_sets', {
  ruleSetId: text('rule_set_id').primaryKey(),
  name: text('name').notNull(),
  categoryId: text('category_id').references(() => categories.categoryId),
  rules: text('rules').notNull(),
  updatedAt: integer('updated_at').notNull()
}, (t) => [uniqueIndex('qa_rule_sets_category').on(t.categoryId)])

export const qaResults = sqliteTable('qa_results', {
  callId: text('call_id').primaryKey().references(() => calls.callId),
  ruleSetId: text('rule_set_id').notNull(),
  score: integer('score').notNull(),
  /** JSON: QaFinding[] and QaMetrics. */
  findings: text('findings').notNull(),
  metrics: text('metrics').notNull(),
  alerts: integer('alerts').notNull(),
  createdAt: integer('created_at').notNull()
}, (t) => [index('qa_results_alerts').on(t.alerts, t.createdAt)])

/** A supervisor's verdict on one finding of a call's QA card (its index in qa_results.findings). */
export const qaFindingVerdicts = sqliteTable('qa_finding_verdicts', {
  callId: text('call_id').notNull().references(() => calls.callId),
  findingIndex: integer('finding_index').notNull(),
  /** The rule that fired, as it was when marked: a re-check that moved findings leaves the verdict unmatched. */
  ruleId: text('rule_id').notNull(),
  verdict: text('verdict', { enum: ['wrong'] }).notNull(),
  note: text('note'),
  /** The user's display name. */
  markedBy: text('marked_by').notNull(),
  markedAt: integer('marked_at').notNull()
}, (t) => [primaryKey({ columns: [t.callId, t.findingIndex] }), index('qa_finding_verdicts_rule').on(t.ruleId)])

/** People who log in to the console. API tokens stay for systems. */
export const users = sqliteTable('users', {
  userId: text('user_id').primaryKey(),
  username: text('username').notNull(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['operator', 'supervisor', 'admin'] }).notNull(),
  /** The operator this person is on the phones; operators' users must have one. */
  operatorId: text('operator_id').references(() => operators.operatorId),
  /** Console language: ru | en. */
  language: text('language').notNull().default('ru'),
  /** The phone that rings when this person listens in on a call and has no operator (e.g. PJSIP/150). */
  phoneEndpoint: text('phone_endpoint'),
  /** scrypt$N$r$p$salt$hash (base64url). */
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  disabledAt: integer('disabled_at')
}, (t) => [uniqueIndex('users_username').on(t.username)])

/** Console sessions; only the sha256 of the cookie value is kept. */
export const sessions = sqliteTable('sessions', {
  sessionHash: text('session_hash').primaryKey(),
  userId: text('user_id').notNull().references(() => users.userId),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  lastSeenAt: integer('last_seen_at').notNull()
}, (t) => [index('sessions_user').on(t.userId)])

/** Failed logins per username and address, for the lockout. */
export const loginFailures = sqliteTable('login_failures', {
  username: text('username').notNull(),
  ip: text('ip').notNull(),
  failures: integer('failures').notNull(),
  firstAt: integer('first_at').notNull(),
  lockedUntil: integer('locked_until')
}, (t) => [primaryKey({ columns: [t.username, t.ip] })])

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
