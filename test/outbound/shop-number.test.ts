import t from 'tap'
import { Bus } from '../../src/bus.js'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { createCategory, createTrackingNumber } from '../../src/catalog/catalog-service.js'
import { openDb } from '../../src/db/open.js'

t.test('the shop number for an outbound call: the tracking number of its category and/or source', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => db.$client.close())
  let clock = 1000
  let seq = 0
  const ctx = { db, bus: new Bus(), now: () => clock++, newId: (p: string) => `${p}_${++seq}` }
  createCategory(ctx, { categoryId: 'ovens', name: 'Ovens' })
  createCategory(ctx, { categoryId: 'fridges', name: 'Fridges' })
  createTrackingNumber(ctx, { did: '74950000001', source: 'google', categoryId: 'ovens' })
  createTrackingNumber(ctx, { did: '74950000002', source: 'yandex', categoryId: 'ovens' })
  createTrackingNumber(ctx, { did: '74950000003', source: 'yandex', categoryId: null })
  createTrackingNumber(ctx, { did: '74950000004', source: null, categoryId: 'fridges' })
  const repo = new CallsRepo(db)
  t.equal(repo.trackingNumberFor('ovens', 'yandex'), '74950000002', 'both match')
  t.equal(repo.trackingNumberFor('ovens', null), '74950000001', 'category only: the oldest number of it')
  t.equal(repo.trackingNumberFor(null, 'yandex'), '74950000002', 'source only: the oldest number of it')
  t.equal(repo.trackingNumberFor('fridges', null), '74950000004')
  t.equal(repo.trackingNumberFor('fridges', 'yandex'), '74950000004', 'no number has both: the category wins over the source')
  t.equal(repo.trackingNumberFor('kettles', 'yandex'), '74950000002', 'unknown category: by source, the oldest number of it')
  t.equal(repo.trackingNumberFor('kettles', 'bing'), null, 'nothing fits')
  t.equal(repo.trackingNumberFor(null, null), null)
})
