// PBX admin: dialplan versions and call tracking pools.
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { trackingNumbers } from './catalog.js'

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
