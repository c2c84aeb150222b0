// Speech: transcription jobs, transcripts and QA.
import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { calls } from './calls.js'
import { categories } from './catalog.js'

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
