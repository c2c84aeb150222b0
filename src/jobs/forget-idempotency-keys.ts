// Hourly: idempotency keys older than the retention are forgotten, so the table stays small.
// A client retrying after that long gets a new lead, which the dedup window still catches.
import { lt } from 'drizzle-orm'
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { Db } from '../db/open.js'
import { idempotencyKeys } from '../db/schema.js'

export function forgetIdempotencyKeys (db: Db, olderThanMs: number): number {
  return db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, olderThanMs)).run().changes
}

export function scheduleForgetIdempotencyKeys (db: Db, retentionDays: number, now: () => number, log: Logger): ScheduledTask {
  return cron.schedule('17 * * * *', () => {
    try {
      const removed = forgetIdempotencyKeys(db, now() - retentionDays * 86_400_000)
      if (removed > 0) log.info({ removed }, 'old idempotency keys forgotten')
    } catch (err) {
      log.error({ err }, 'forgetting idempotency keys failed')
    }
  }, { noOverlap: true, name: 'forget-idempotency-keys' })
}
