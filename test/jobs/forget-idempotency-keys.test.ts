import t from 'tap'
import { openDb } from '../../src/db/open.js'
import { idempotencyKeys } from '../../src/db/schema.js'
import { forgetIdempotencyKeys } from '../../src/jobs/forget-idempotency-keys.js'

t.test('forgets idempotency keys older than the retention and keeps the recent ones', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  db.insert(idempotencyKeys).values([
    { scope: 'tok_a', key: 'old', requestHash: 'h', leadId: 'lead_1', createdAt: 1_000 },
    { scope: 'tok_a', key: 'new', requestHash: 'h', leadId: 'lead_2', createdAt: 9_000 }
  ]).run()
  t.equal(forgetIdempotencyKeys(db, 5_000), 1)
  t.same(db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).all(), [{ key: 'new' }])
})
