import t from 'tap'
import { Bus } from '../../src/bus.js'
import { createCategory, createOperator, createTrackingNumber, deleteCategory, deleteTrackingNumber, pauseOperator, removeOperator, replaceSkills, unpauseOperator, updateCategory, updateOperator, updateTrackingNumber, type CatalogContext } from '../../src/catalog/catalog-service.js'
import { getOperator, getTrackingNumber, listOperators, loadOperatorsWithSkills } from '../../src/db/catalog-repo.js'
import { openDb } from '../../src/db/open.js'
import { callAttempts, calls } from '../../src/db/schema.js'

function world () {
  const db = openDb(':memory:')
  const bus = new Bus()
  const clock = { ms: 1_000 }
  let seq = 0
  const ctx: CatalogContext = { db, bus, now: () => clock.ms, newId: (prefix) => `${prefix}_${++seq}` }
  const changes: string[] = []
  bus.on('catalog.changed', ({ what }) => changes.push(what))
  return { db, bus, clock, ctx, changes }
}

t.test('creates an operator with skills, an op_ id and the endpoint technology in capitals', async (t) => {
  const { ctx, changes } = world()
  createCategory(ctx, { categoryId: 'fridges', name: 'Fridges' })
  const op = createOperator(ctx, { name: ' Ana ', endpoint: 'pjsip/101', mobile: '+79991234567', skills: { fridges: 4 } })
  t.match(op, { operatorId: 'op_1', name: 'Ana', endpoint: 'PJSIP/101', mobile: '+79991234567', role: 'operator', isManager: false, paused: false, createdAt: 1_000, removedAt: null })
  t.same(op.skills, { fridges: 4 })
  t.same(changes, ['categories', 'operators'])
})

t.test('refuses an endpoint that is not technology/resource, naming the field', async (t) => {
  const { ctx } = world()
  t.throws(() => createOperator(ctx, { name: 'Ana', endpoint: '101' }), { code: 'INVALID_INPUT', message: /^endpoint: must look like PJSIP\/101/ })
})

t.test('refuses a second live operator on the same endpoint but allows it once the first is removed', async (t) => {
  const { ctx } = world()
  const ana = createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101' })
  t.throws(() => createOperator(ctx, { name: 'Ben', endpoint: 'PJSIP/101' }), { code: 'CONFLICT', message: 'endpoint PJSIP/101 already belongs to operator op_1' })
  removeOperator(ctx, ana.operatorId)
  t.equal(createOperator(ctx, { name: 'Ben', endpoint: 'PJSIP/101' }).endpoint, 'PJSIP/101')
})

t.test('refuses skills in unknown categories, naming them', async (t) => {
  const { ctx } = world()
  t.throws(() => createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101', skills: { ovens: 2, irons: 1 } }), { code: 'INVALID_INPUT', message: 'skills: unknown categories ovens, irons' })
  t.same(listOperators(ctx.db), [], 'nothing written')
})

t.test('updates, replaces skills, pauses and unpauses, announcing each change', async (t) => {
  const { ctx, clock, changes } = world()
  createCategory(ctx, { categoryId: 'fridges', name: 'Fridges' })
  createCategory(ctx, { categoryId: 'ovens', name: 'Ovens' })
  const { operatorId } = createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101', skills: { fridges: 2 } })
  changes.length = 0
  t.match(updateOperator(ctx, operatorId, { name: 'Anna', isManager: true, mobile: null }), { name: 'Anna', isManager: true, mobile: null })
  t.same(replaceSkills(ctx, operatorId, { ovens: 5 }).skills, { ovens: 5 })
  clock.ms = 5_000
  t.match(pauseOperator(ctx, operatorId, 'lunch'), { paused: true, pausedReason: 'lunch', pausedAt: 5_000 })
  clock.ms = 6_000
  t.match(pauseOperator(ctx, operatorId, 'meeting'), { paused: true, pausedReason: 'meeting', pausedAt: 5_000 }, 'the pause keeps its start')
  t.match(unpauseOperator(ctx, operatorId), { paused: false, pausedReason: null, pausedAt: null })
  t.same(changes, ['operators', 'operators', 'operators', 'operators', 'operators'])
})

t.test('removing an operator keeps the row for the calls that name it and hides it from routing', async (t) => {
  const { ctx, db, clock } = world()
  createCategory(ctx, { categoryId: 'fridges', name: 'Fridges' })
  const { operatorId } = createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101', skills: { fridges: 2 } })
  db.insert(calls).values({ callId: 'call_1', direction: 'inbound', status: 'answered', channelId: 'ch1', callerRaw: '100', did: '200', startedAt: 1, answeredBy: operatorId }).run()
  db.insert(callAttempts).values({ attemptId: 'at_1', callId: 'call_1', stepIndex: 0, stepKind: 'any', operatorId, endpoint: 'PJSIP/101', startedAt: 1, result: 'answered' }).run()
  clock.ms = 9_000
  removeOperator(ctx, operatorId)
  t.match(getOperator(db, operatorId), { removedAt: 9_000, skills: {} })
  t.same(loadOperatorsWithSkills(db), [])
  t.equal(listOperators(db, { includeRemoved: true }).length, 1)
  t.throws(() => removeOperator(ctx, operatorId), { code: 'NOT_FOUND', message: `operator ${operatorId} not found` })
  t.throws(() => pauseOperator(ctx, operatorId), { code: 'NOT_FOUND' })
  t.doesNotThrow(() => deleteCategory(ctx, 'fridges'), 'a removed operator does not hold on to a category')
})

t.test('loadOperatorsWithSkills returns every live operator with its skills in two queries', async (t) => {
  const { ctx, db } = world()
  createCategory(ctx, { categoryId: 'fridges', name: 'Fridges' })
  createCategory(ctx, { categoryId: 'ovens', name: 'Ovens' })
  for (let i = 0; i < 20; i++) createOperator(ctx, { name: `Op ${i}`, endpoint: `PJSIP/${100 + i}`, skills: i % 2 === 0 ? { fridges: 1 + (i % 5), ovens: 2 } : {} })
  removeOperator(ctx, 'op_20')
  const statements: string[] = []
  const prepare = db.$client.prepare.bind(db.$client)
  db.$client.prepare = ((source: string) => { statements.push(source); return prepare(source) }) as typeof db.$client.prepare
  const all = loadOperatorsWithSkills(db)
  db.$client.prepare = prepare
  t.equal(statements.length, 2)
  t.equal(all.length, 19)
  t.same(all.find((o) => o.operatorId === 'op_1')?.skills, { fridges: 1, ovens: 2 })
  t.same(all.find((o) => o.operatorId === 'op_2')?.skills, {})
  t.notOk(all.some((o) => o.operatorId === 'op_20'))
})

t.test('categories are slugs and carry an optional routing policy', async (t) => {
  const { ctx } = world()
  t.throws(() => createCategory(ctx, { categoryId: 'Fridges!', name: 'Fridges' }), { code: 'INVALID_INPUT', message: /^categoryId: must be a slug/ })
  t.match(createCategory(ctx, { categoryId: 'fridges', name: 'Fridges', routingPolicy: { ringTimeoutSeconds: 15, managerLast: false } }), { routingPolicy: { ringTimeoutSeconds: 15, managerLast: false } })
  t.throws(() => createCategory(ctx, { categoryId: 'fridges', name: 'Again' }), { code: 'CONFLICT', message: 'category fridges already exists' })
  t.throws(() => updateCategory(ctx, 'ovens', { name: 'Ovens' }), { code: 'NOT_FOUND', message: 'category ovens not found' })
  t.throws(() => updateCategory(ctx, 'fridges', { routingPolicy: { ringTimeoutSeconds: 0 } }), { code: 'INVALID_INPUT', message: /^routingPolicy.ringTimeoutSeconds: must be a whole number from 1 to 300/ })
  t.equal(updateCategory(ctx, 'fridges', { routingPolicy: null }).routingPolicy, null)
})

t.test('a category in use cannot be deleted, and the refusal names who uses it', async (t) => {
  const { ctx } = world()
  createCategory(ctx, { categoryId: 'fridges', name: 'Fridges' })
  createOperator(ctx, { name: 'Ana', endpoint: 'PJSIP/101', skills: { fridges: 1 } })
  createTrackingNumber(ctx, { did: '+74951234567', categoryId: 'fridges' })
  t.throws(() => deleteCategory(ctx, 'fridges'), { code: 'CONFLICT', message: 'category fridges is still used by tracking number +74951234567 and operator op_1' })
})

t.test('tracking numbers map a DID to a source and/or a category, with or without a leading +', async (t) => {
  const { ctx, db, changes } = world()
  createCategory(ctx, { categoryId: 'fridges', name: 'Fridges' })
  t.match(createTrackingNumber(ctx, { did: '+74951234567', source: 'google-ads', categoryId: 'fridges', routingPolicy: { maxAttempts: 3 } }),
    { did: '+74951234567', source: 'google-ads', categoryId: 'fridges', routingPolicy: { maxAttempts: 3 } })
  t.throws(() => createTrackingNumber(ctx, { did: '74951234567', source: 'x' }), { code: 'CONFLICT', message: 'tracking number 74951234567 already exists as +74951234567' })
  t.throws(() => createTrackingNumber(ctx, { did: '123', categoryId: 'ovens' }), { code: 'INVALID_INPUT', message: 'categoryId: unknown category ovens' })
  t.throws(() => createTrackingNumber(ctx, { did: '123' }), { code: 'INVALID_INPUT', message: /^source: a tracking number needs a source, a category or both/ })
  t.throws(() => createTrackingNumber(ctx, { did: '12-3', source: 'x' }), { code: 'INVALID_INPUT', message: /^did: must be digits/ })
  t.match(updateTrackingNumber(ctx, '74951234567', { source: null, label: 'site header' }), { did: '+74951234567', source: null, categoryId: 'fridges', label: 'site header' })
  t.throws(() => updateTrackingNumber(ctx, '+74951234567', { categoryId: null }), { code: 'INVALID_INPUT' }, 'would leave neither source nor category')
  deleteTrackingNumber(ctx, '+74951234567')
  t.equal(getTrackingNumber(db, '+74951234567'), undefined)
  t.throws(() => deleteTrackingNumber(ctx, '+74951234567'), { code: 'NOT_FOUND', message: 'tracking number +74951234567 not found' })
  t.same(changes.filter((c) => c === 'tracking_numbers').length, 3)
})

t.test('a category policy edited by hand into unreadable text reads as no overrides', async (t) => {
  const { ctx, db } = world()
  createCategory(ctx, { categoryId: 'fridges', name: 'Fridges', routingPolicy: { stickyDays: 3 } })
  db.$client.prepare("update categories set routing_policy = '{oops' where category_id = 'fridges'").run()
  t.equal(updateCategory(ctx, 'fridges', { name: 'Fridges 2' }).routingPolicy, null)
})
