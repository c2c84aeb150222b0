// The site visit a pool number was handed to, found whichever form (with or without +) the number was
// stored in; of two live visits the one that expires last wins; an expired one is not found.
import t from 'tap'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { openDb } from '../../src/db/open.js'
import { trackingVisits } from '../../src/db/schema.js'

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
