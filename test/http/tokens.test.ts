import t from 'tap'
import { hashToken } from '../../src/accounts/token-service.js'
import { bearer, t0, testApp } from './helpers.js'

t.test('an admin creates a token, sees its secret once, and the secret works', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const ana = w.addOperator()
  const created = await w.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(w.admin), payload: { name: 'ana phone', role: 'operator', operatorId: ana } })
  t.equal(created.statusCode, 201)
  const body = created.json()
  t.match(body, { token: /^rl_/, tokenId: /^tok_/, name: 'ana phone', role: 'operator', operatorId: ana, createdAt: t0, lastUsedAt: null, revokedAt: null })
  const dump = JSON.stringify(w.db.$client.prepare('select * from api_tokens').all())
  t.notOk(dump.includes(body.token), 'the raw token is not in the database')
  t.ok(dump.includes(hashToken(body.token)))
  const list = await w.app.inject({ url: '/api/tokens', headers: bearer(w.admin) })
  t.notOk(list.body.includes(body.token), 'the list never carries secrets')
  t.same(list.json().tokens.map((x: { name: string }) => x.name), ['bootstrap admin (RINGLEAD_HTTP_ADMIN_TOKEN)', 'ana phone'])
  t.equal((await w.app.inject({ url: `/api/operators/${ana}`, headers: bearer(body.token) })).statusCode, 200)
})

t.test('a revoked token is refused with 401', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const secret = w.tokenFor('supervisor')
  const tokenId = (await w.app.inject({ url: '/api/tokens', headers: bearer(w.admin) })).json().tokens[1].tokenId
  const revoked = await w.app.inject({ method: 'DELETE', url: `/api/tokens/${tokenId}`, headers: bearer(w.admin) })
  t.equal(revoked.statusCode, 204)
  const res = await w.app.inject({ url: '/api/operators', headers: bearer(secret) })
  t.equal(res.statusCode, 401)
  t.same(res.json(), { error: 'UNAUTHORIZED', message: 'unknown or revoked API token' })
  const again = await w.app.inject({ method: 'DELETE', url: '/api/tokens/tok_nope', headers: bearer(w.admin) })
  t.same(again.json(), { error: 'NOT_FOUND', message: 'token tok_nope not found' })
})

t.test('an operator token needs an operator, and a role must be a known one', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const h = bearer(w.admin)
  const noOperator = await w.app.inject({ method: 'POST', url: '/api/tokens', headers: h, payload: { name: 'x', role: 'operator' } })
  t.same(noOperator.json(), { error: 'INVALID_INPUT', message: 'operatorId: an operator token must name the operator it acts as' })
  const badRole = await w.app.inject({ method: 'POST', url: '/api/tokens', headers: h, payload: { name: 'x', role: 'root' } })
  t.same(badRole.json(), { error: 'INVALID_INPUT', message: 'role: must be one of operator, supervisor, admin' })
})

t.test('only admins manage tokens', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const supervisor = bearer(w.tokenFor('supervisor'))
  const operator = bearer(w.tokenFor('operator', w.addOperator()))
  for (const headers of [supervisor, operator]) {
    for (const [method, url, payload] of [
      ['GET', '/api/tokens', undefined],
      ['POST', '/api/tokens', { name: 'x', role: 'admin' }],
      ['DELETE', '/api/tokens/tok_1', undefined]
    ] as const) {
      const res = await w.app.inject({ method, url, headers, payload })
      t.equal(res.statusCode, 403, `${method} ${url}`)
      t.match(res.json().message, 'needs role admin')
    }
  }
})
