import t from 'tap'
import { createCategory } from '../../src/catalog/catalog-service.js'
import { bearer, t0, testApp } from './helpers.js'

t.test('an admin creates an operator with skills and reads it back with its live state', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  createCategory(w.catalog, { categoryId: 'fridges', name: 'Fridges' })
  const created = await w.app.inject({
    method: 'POST', url: '/api/operators', headers: bearer(w.admin),
    payload: { name: 'Ana', endpoint: 'PJSIP/101', mobile: '+79991234567', isManager: true, skills: { fridges: 3 } }
  })
  t.equal(created.statusCode, 201)
  const op = created.json()
  t.match(op, { operatorId: /^op_/, name: 'Ana', endpoint: 'PJSIP/101', mobile: '+79991234567', role: 'operator', isManager: true, paused: false, skills: { fridges: 3 }, live: null, createdAt: t0 })
  w.live.set(op.operatorId, { state: 'talking', reason: 'on a call', sinceMs: t0 - 5_000 })
  const one = await w.app.inject({ url: `/api/operators/${op.operatorId}`, headers: bearer(w.admin) })
  t.equal(one.statusCode, 200)
  t.same(one.json().live, { state: 'talking', reason: 'on a call', sinceMs: t0 - 5_000 })
  const list = await w.app.inject({ url: '/api/operators', headers: bearer(w.admin) })
  t.same(list.json().operators.map((o: { operatorId: string; live: unknown }) => [o.operatorId, o.live]), [[op.operatorId, { state: 'talking', reason: 'on a call', sinceMs: t0 - 5_000 }]])
})

t.test('an invalid operator is refused with 400 naming each field in words', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const res = await w.app.inject({
    method: 'POST', url: '/api/operators', headers: bearer(w.admin),
    payload: { name: 'Ana', endpoint: '101', role: 'boss', nickname: 'A', color: 'red' }
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'INVALID_INPUT')
  const message: string = res.json().message
  t.match(message, 'endpoint: must look like PJSIP/101')
  t.match(message, 'role: must be one of operator, supervisor, admin')
  t.match(message, 'body: unknown fields nickname, color')
  const missing = await w.app.inject({ method: 'POST', url: '/api/operators', headers: bearer(w.admin), payload: { endpoint: 'PJSIP/101' } })
  t.same(missing.json(), { error: 'INVALID_INPUT', message: 'name: is required' })
  const badSkill = await w.app.inject({ method: 'POST', url: '/api/operators', headers: bearer(w.admin), payload: { name: 'A', endpoint: 'PJSIP/1', skills: { ovens: 11 } } })
  t.same(badSkill.json(), { error: 'INVALID_INPUT', message: 'skills.ovens: must be a whole number from 1 to 10' })
  const unknownCategory = await w.app.inject({ method: 'POST', url: '/api/operators', headers: bearer(w.admin), payload: { name: 'A', endpoint: 'PJSIP/1', skills: { ovens: 2 } } })
  t.same(unknownCategory.json(), { error: 'INVALID_INPUT', message: 'skills: unknown category ovens' })
})

t.test('a second operator on a live endpoint is a 409 naming the holder', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const ana = w.addOperator({ endpoint: 'PJSIP/101' })
  const res = await w.app.inject({ method: 'POST', url: '/api/operators', headers: bearer(w.admin), payload: { name: 'Ben', endpoint: 'PJSIP/101' } })
  t.equal(res.statusCode, 409)
  t.same(res.json(), { error: 'CONFLICT', message: `endpoint PJSIP/101 already belongs to operator ${ana}` })
  const ben = w.addOperator({ endpoint: 'PJSIP/102' })
  const patch = await w.app.inject({ method: 'PATCH', url: `/api/operators/${ben}`, headers: bearer(w.admin), payload: { endpoint: 'PJSIP/101' } })
  t.equal(patch.statusCode, 409)
})

t.test('an admin edits, replaces skills and removes an operator; the removed one stays readable', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  createCategory(w.catalog, { categoryId: 'ovens', name: 'Ovens' })
  const id = w.addOperator()
  const h = bearer(w.admin)
  const patched = await w.app.inject({ method: 'PATCH', url: `/api/operators/${id}`, headers: h, payload: { name: 'Anna', role: 'supervisor', mobile: null } })
  t.match(patched.json(), { name: 'Anna', role: 'supervisor', mobile: null })
  const skills = await w.app.inject({ method: 'PUT', url: `/api/operators/${id}/skills`, headers: h, payload: { skills: { ovens: 7 } } })
  t.same(skills.json().skills, { ovens: 7 })
  const empty = await w.app.inject({ method: 'PATCH', url: `/api/operators/${id}`, headers: h, payload: {} })
  t.same(empty.json(), { error: 'INVALID_INPUT', message: 'body: give at least one field' })
  w.clock.ms = t0 + 1_000
  const removed = await w.app.inject({ method: 'DELETE', url: `/api/operators/${id}`, headers: h })
  t.equal(removed.statusCode, 204)
  t.equal(removed.body, '')
  t.match((await w.app.inject({ url: `/api/operators/${id}`, headers: h })).json(), { operatorId: id, removedAt: t0 + 1_000 })
  t.same((await w.app.inject({ url: '/api/operators', headers: h })).json().operators, [])
  t.equal((await w.app.inject({ url: '/api/operators?includeRemoved=true', headers: h })).json().operators.length, 1)
  const again = await w.app.inject({ method: 'DELETE', url: `/api/operators/${id}`, headers: h })
  t.same(again.json(), { error: 'NOT_FOUND', message: `operator ${id} not found` })
})

t.test('unknown operators are 404 with their id', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  for (const [method, url, payload] of [
    ['GET', '/api/operators/op_ghost', undefined],
    ['PATCH', '/api/operators/op_ghost', { name: 'x' }],
    ['DELETE', '/api/operators/op_ghost', undefined],
    ['PUT', '/api/operators/op_ghost/skills', { skills: {} }],
    ['POST', '/api/operators/op_ghost/pause', undefined],
    ['POST', '/api/operators/op_ghost/unpause', undefined]
  ] as const) {
    const res = await w.app.inject({ method, url, headers: h, payload })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.same(res.json(), { error: 'NOT_FOUND', message: 'operator op_ghost not found' })
  }
})

t.test('only an admin changes operators; the refusal names the role needed', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const id = w.addOperator()
  const supervisor = bearer(w.tokenFor('supervisor'))
  const operator = bearer(w.tokenFor('operator', id))
  for (const headers of [supervisor, operator]) {
    for (const [method, url, payload] of [
      ['POST', '/api/operators', { name: 'B', endpoint: 'PJSIP/9' }],
      ['PATCH', `/api/operators/${id}`, { name: 'B' }],
      ['DELETE', `/api/operators/${id}`, undefined],
      ['PUT', `/api/operators/${id}/skills`, { skills: {} }]
    ] as const) {
      const res = await w.app.inject({ method, url, headers, payload })
      t.equal(res.statusCode, 403, `${method} ${url}`)
      t.match(res.json(), { error: 'FORBIDDEN', message: /needs role admin; the token has role (supervisor|operator)/ })
    }
  }
  const invalidAndForbidden = await w.app.inject({ method: 'POST', url: '/api/operators', headers: operator, payload: { bogus: true } })
  t.equal(invalidAndForbidden.statusCode, 403, 'the role is checked before the body')
})

t.test('an operator token reads its own operator only', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const ana = w.addOperator({ name: 'Ana' })
  const ben = w.addOperator({ name: 'Ben' })
  const h = bearer(w.tokenFor('operator', ana))
  t.equal((await w.app.inject({ url: `/api/operators/${ana}`, headers: h })).statusCode, 200)
  const other = await w.app.inject({ url: `/api/operators/${ben}`, headers: h })
  t.equal(other.statusCode, 403)
  t.match(other.json().message, `for ${ben} this needs role supervisor or admin`)
  t.same((await w.app.inject({ url: '/api/operators', headers: h })).json().operators.map((o: { operatorId: string }) => o.operatorId), [ana])
  const supervisor = bearer(w.tokenFor('supervisor'))
  t.equal((await w.app.inject({ url: '/api/operators', headers: supervisor })).json().operators.length, 2)
})

t.test('pausing and unpausing an operator records the reason and announces catalog.changed', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const ana = w.addOperator()
  w.changes.length = 0
  const h = bearer(w.tokenFor('supervisor'))
  w.clock.ms = t0 + 60_000
  const paused = await w.app.inject({ method: 'POST', url: `/api/operators/${ana}/pause`, headers: h, payload: { reason: 'lunch' } })
  t.equal(paused.statusCode, 200)
  t.match(paused.json(), { paused: true, pausedReason: 'lunch', pausedAt: t0 + 60_000 })
  t.same(w.changes, ['operators'])
  const unpaused = await w.app.inject({ method: 'POST', url: `/api/operators/${ana}/unpause`, headers: h })
  t.match(unpaused.json(), { paused: false, pausedReason: null, pausedAt: null })
  t.same(w.changes, ['operators', 'operators'])
  const noBody = await w.app.inject({ method: 'POST', url: `/api/operators/${ana}/pause`, headers: h })
  t.match(noBody.json(), { paused: true, pausedReason: null })
  const emptyJson = await w.app.inject({ method: 'POST', url: `/api/operators/${ana}/pause`, headers: { ...h, 'content-type': 'application/json' }, payload: '' })
  t.equal(emptyJson.statusCode, 200, 'an empty body sent as JSON is no body')
  const tooLong = await w.app.inject({ method: 'POST', url: `/api/operators/${ana}/pause`, headers: h, payload: { reason: 'x'.repeat(201) } })
  t.same(tooLong.json(), { error: 'INVALID_INPUT', message: 'reason: must be at most 200 characters' })
})

t.test('an operator pauses and unpauses only themselves', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const ana = w.addOperator()
  const ben = w.addOperator()
  const h = bearer(w.tokenFor('operator', ana))
  t.equal((await w.app.inject({ method: 'POST', url: `/api/operators/${ana}/pause`, headers: h, payload: { reason: 'break' } })).statusCode, 200)
  t.equal((await w.app.inject({ method: 'POST', url: `/api/operators/${ana}/unpause`, headers: h })).statusCode, 200)
  w.changes.length = 0
  for (const action of ['pause', 'unpause']) {
    const res = await w.app.inject({ method: 'POST', url: `/api/operators/${ben}/${action}`, headers: h })
    t.equal(res.statusCode, 403)
    t.match(res.json().message, 'needs role supervisor or admin')
  }
  t.same(w.changes, [], 'nothing changed')
})
