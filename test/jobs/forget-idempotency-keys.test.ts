import t from 'tap'
import { idempotencyKeys } from '../../src/db/schema.js'
import { IntakeService } from '../../src/leads/intake-service.js'
import { leadsTestApp } from '../http/leads-helpers.js'

t.test('forgets idempotency keys older than the retention and keeps the recent ones', async (t) => {
  const { db, leads, close } = await leadsTestApp()
  t.teardown(close)
  db.insert(idempotencyKeys).values([
    { scope: 'tok_a', key: 'old', requestHash: 'h', leadId: 'lead_1', createdAt: 1_000 },
    { scope: 'tok_a', key: 'new', requestHash: 'h', leadId: 'lead_2', createdAt: 9_000 }
  ]).run()
  const intake = new IntakeService({ db, leads, now: () => 0, idempotencyKeyDays: 1 })
  t.equal(intake.forgetExpiredKeys(5_000 + 86_400_000), 1)
  t.same(db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).all(), [{ key: 'new' }])
})
