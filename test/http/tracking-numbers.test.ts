import t from 'tap'
import { createCategory } from '../../src/catalog/catalog-service.js'
import { bearer, t0, testApp } from './helpers.js'

t.test('an admin maps a DID to a source and category with its own routing policy', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  createCategory(w.catalog, { categoryId: 'fridges', name: 'Fridges' })
  const h = bearer(w.admin)
  const created = await w.app.inject({
    method: 'POST', url: '/api/tracking-numbers', headers: h,
    payload: { did: '+74951234567', source: 'google-ads', categoryId: 'fridges', label: 'landing page', routingPolicy: { maxAttempts: 3, ringAllStep: true } }
  })
  t.equal(created.statusCode, 201)
  t.same(created.json(), { did: '+74951234567', source: 'google-ads', categoryId: 'fridges', label: 'landing page', routingPolicy: { maxAttempts: 3, ringAllStep: true }, menuId: null, createdAt: t0 })
  t.same(w.changes.at(-1), 'tracking_numbers')
  t.same((await w.app.inject({ url: '/api/tracking-numbers', headers: h })).json().trackingNumbers.map((n: { did: string }) => n.did), ['+74951234567'])
  t.equal((await w.app.inject({ url: '/api/tracking-numbers/+74951234567', headers: h })).json().source, 'google-ads')
  t.equal((await w.app.inject({ url: '/api/tracking-numbers/%2B74951234567', headers: h })).json().source, 'google-ads')
  t.equal((await w.app.inject({ url: '/api/tracking-numbers/74951234567', headers: h })).json().did, '+74951234567', 'found without the +')
  const patched = await w.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/+74951234567', headers: h, payload: { source: 'yandex', routingPolicy: null } })
  t.match(patched.json(), { source: 'yandex', categoryId: 'fridges', routingPolicy: null })
  t.equal((await w.app.inject({ method: 'DELETE', url: '/api/tracking-numbers/+74951234567', headers: h })).statusCode, 204)
  const gone = await w.app.inject({ url: '/api/tracking-numbers/+74951234567', headers: h })
  t.equal(gone.statusCode, 404)
  t.same(gone.json(), { error: 'NOT_FOUND', message: 'tracking number +74951234567 not found' })
})

t.test('an unknown category is a 400 naming it', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  const res = await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '74950000000', categoryId: 'ovens' } })
  t.equal(res.statusCode, 400)
  t.same(res.json(), { error: 'INVALID_INPUT', message: 'categoryId: unknown category ovens' })
  await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '74950000000', source: 'site' } })
  const patch = await w.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/74950000000', headers: h, payload: { categoryId: 'irons' } })
  t.same(patch.json(), { error: 'INVALID_INPUT', message: 'categoryId: unknown category irons' })
})

t.test('a DID must be digits with an optional leading +, in the body and in the path', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  const body = await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '8 (495) 123', source: 'x' } })
  t.same(body.json(), { error: 'INVALID_INPUT', message: 'did: must be digits with an optional leading +, like +74951234567' })
  const path = await w.app.inject({ url: '/api/tracking-numbers/call-me', headers: h })
  t.equal(path.statusCode, 400)
  t.match(path.json().message, /^did: must be digits/)
  const neither = await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '123456' } })
  t.match(neither.json(), { error: 'INVALID_INPUT', message: /a tracking number needs a source, a category or both/ })
})

t.test('a source that could not go into the dialplan is a 400 naming the field, on create and on change', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  for (const source of ['ads;evil', 'a,b', 'line\nexten => 666,1,Hangup()', '${SHELL(id)}', 'x)', 'tab\there']) {
    const res = await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '74950000001', source } })
    t.equal(res.statusCode, 400, JSON.stringify(source))
    t.match(res.json(), { error: 'INVALID_INPUT', message: /^source: must be letters, digits, spaces and _ \. : @ \+ \/ -/ })
  }
  // Past the schema (no ASCII punctuation), the service checks the dialplan's alphabet itself.
  const odd = await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '74950000001', source: 'ads\u202etxt' } })
  t.equal(odd.statusCode, 400)
  t.match(odd.json().message, /^source: "ads\u202etxt" contains "\u202e"; allowed: letters, digits, spaces and _ \. : @ \+ \/ -$/)
  t.same((await w.app.inject({ url: '/api/tracking-numbers', headers: h })).json().trackingNumbers, [], 'nothing was stored')
  const good = await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '74950000001', source: 'Яндекс Директ: site/+promo@x.ru' } })
  t.equal(good.statusCode, 201, 'letters of any script and _ . : @ + / - are fine')
  const patch = await w.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/74950000001', headers: h, payload: { source: 'a;b' } })
  t.equal(patch.statusCode, 400)
  t.match(patch.json().message, /^source: /)
  // A bad source stored by an older version does not block changing the other fields.
  w.db.$client.prepare("UPDATE tracking_numbers SET source = 'old;row' WHERE did = '74950000001'").run()
  const label = await w.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/74950000001', headers: h, payload: { label: 'kept' } })
  t.equal(label.statusCode, 200)
  const fixed = await w.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/74950000001', headers: h, payload: { source: 'old-row' } })
  t.equal(fixed.json().source, 'old-row')
})

t.test('the same number twice is a 409, with or without the +', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '+74950000000', source: 'site' } })
  const res = await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: h, payload: { did: '74950000000', source: 'ads' } })
  t.equal(res.statusCode, 409)
  t.same(res.json(), { error: 'CONFLICT', message: 'tracking number 74950000000 already exists as +74950000000' })
})

t.test('operators cannot read tracking numbers and supervisors cannot change them', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const supervisor = bearer(w.tokenFor('supervisor'))
  const operator = bearer(w.tokenFor('operator', w.addOperator()))
  t.equal((await w.app.inject({ url: '/api/tracking-numbers', headers: supervisor })).statusCode, 200)
  t.equal((await w.app.inject({ url: '/api/tracking-numbers', headers: operator })).statusCode, 403)
  t.equal((await w.app.inject({ url: '/api/tracking-numbers/123', headers: operator })).statusCode, 403)
  const write = await w.app.inject({ method: 'POST', url: '/api/tracking-numbers', headers: supervisor, payload: { did: '123', source: 'x' } })
  t.equal(write.statusCode, 403)
  t.match(write.json().message, 'needs role admin')
  t.equal((await w.app.inject({ method: 'PATCH', url: '/api/tracking-numbers/123', headers: supervisor, payload: { source: 'y' } })).statusCode, 403)
  t.equal((await w.app.inject({ method: 'DELETE', url: '/api/tracking-numbers/123', headers: supervisor })).statusCode, 403)
})
