// The site visit a pool number was handed to, found whichever form (with or without +) the number was
// stored in; of two live visits the one that expires last wins; an expired one is not found.
import t from 'tap'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { openDb } from '../../src/db/open.js'
import { trackingNumbers, trackingVisits } from '../../src/db/schema.js'
import { writePool } from '../../src/db/tracking-pools-repo.js'

t.test('a visit is found by the dialled digits in either stored form, the latest live one first', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const repo = new CallsRepo(db)
  const visit = (visitId: string, did: string, expiresAt: number, campaign: string) => db.insert(trackingVisits).values({
    visitId, source: 'google-ads', visitor: `v-${visitId}`, did, utmCampaign: campaign, createdAt: 0, expiresAt
  }).run()
  visit('a', '+74950000001', 5000, 'spring')
  t.match(repo.visitFor('74950000001', 1000), { visitId: 'a', campaign: 'spring', utm: { utm_campaign: 'spring' } }, 'stored with +, dialled without')
  t.match(repo.visitFor('+7 (495) 000-00-01', 1000), { visitId: 'a' }, 'dialled with + and punctuation')
  visit('b', '74950000001', 9000, 'summer')
  t.match(repo.visitFor('74950000001', 1000), { visitId: 'b' }, 'the bare form expiring later wins')
  visit('c', '+74950000001', 12_000, 'autumn')
  t.match(repo.visitFor('74950000001', 1000), { visitId: 'c' }, 'the + form expiring later wins')
  t.match(repo.visitFor('74950000001', 10_000), { visitId: 'c' }, 'expired ones are passed over')
  t.equal(repo.visitFor('74950000001', 13_000), null, 'all expired: none')
  t.equal(repo.visitFor('', 1000), null)
})

t.test('a call looks for a visit only on a number a visit may hold: one of a pool, or one a visit names', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const repo = new CallsRepo(db)
  for (const did of ['74950000001', '+74950000002', '74950000003']) db.insert(trackingNumbers).values({ did, source: 'google-ads', createdAt: 0 }).run()
  const pooled = (did: string): boolean | undefined => repo.trackingNumber(did)?.pooled
  t.equal(pooled('74950000001'), false, 'a plain tracking number')
  writePool(db, 'google-ads', { defaultDid: '74950000003', holdMinutes: 30, dids: ['74950000001', '+74950000002'] }, 0)
  t.equal(pooled('74950000001'), false, 'remembered until the catalog says it changed')
  repo.forgetTrackingNumbers()
  t.equal(pooled('74950000001'), true, 'in the pool')
  t.equal(pooled('74950000002'), true, 'in the pool with +, dialled without')
  t.equal(pooled('74950000003'), false, 'the default number is no pool number')
  // Taken out of the pool while a visit still holds it: the visit is still found.
  db.insert(trackingVisits).values({ visitId: 'v1', source: 'google-ads', visitor: 'v-1', did: '74950000001', createdAt: 0, expiresAt: 5000 }).run()
  writePool(db, 'google-ads', { defaultDid: '74950000003', holdMinutes: 30, dids: ['+74950000002'] }, 0)
  repo.forgetTrackingNumbers()
  t.equal(pooled('74950000001'), true, 'a visit names it')
  t.match(repo.visitFor('74950000001', 1000), { visitId: 'v1' })
})
