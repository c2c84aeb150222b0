// Names without control or bidi characters, and passwords that are hard to guess, wherever they are set.
import t from 'tap'
import { runCli } from '../../src/cli.js'
import { createUser, getUser, login } from '../../src/accounts/user-service.js'
import { judgePassword } from '../../src/domain/password.js'
import { browser } from '../console/helpers.js'
import { bearer, testApp } from '../http/helpers.js'
import { leadsTestApp } from '../http/leads-helpers.js'

const good = 'correct horse battery'
const weak = ['aaaaaaaaaa', 'password123', 'qwertyuiop', '1234567890', 'iloveyou12', 'sveta12345']
const controlled = ['\u0000'.repeat(10), 'correct horse\u0000battery', 'correct horse\nbattery', 'correct\thorse battery', 'correct horse battery\u0085']
const badNames = ['Anna\u0000', 'An\nna', 'Anna\t', 'Anna\u001b[31m', 'Anna\u007f', 'Anna\u0085', 'Anna\u202eanv', '\u202aAnna', 'Anna\u202c', 'Anna\u202d', '\u2066Anna\u2069', 'Anna\u2067', 'Anna\u2068']

t.test('the password rules refuse short, guessable and control-character passwords and say why', async (t) => {
  t.same(judgePassword(good), { ok: true })
  t.match(judgePassword('short'), { ok: false, reason: /at least 10 characters/ })
  for (const p of weak) t.match(judgePassword(p, ['sveta']), { ok: false, reason: /too easy to guess/ }, p)
  t.match(judgePassword('boss-boss-boss', ['boss']), { ok: false, reason: /too easy to guess \(a repeated pattern\)/ })
  t.match(judgePassword('ivanov2024!', ['ivanov']), { ok: false, reason: /the user's own name/ })
  for (const p of controlled) t.match(judgePassword(p), { ok: false, reason: /control characters/ }, JSON.stringify(p))
  t.match(judgePassword('x'.repeat(201)), { ok: false, reason: /at most 200/ })
})

t.test('every way to set a password applies the rules with a 400 naming the field', async (t) => {
  const h = await testApp({ console: { secureCookies: false } })
  t.teardown(() => h.close())

  // The first-run screen.
  const b = browser(h.app)
  for (const p of ['aaaaaaaaaa', '\u0000'.repeat(10)]) {
    const res = await b.post('/setup', { _csrf: await b.csrf(), username: 'boss', password: p, password2: p })
    t.equal(res.status, 400, JSON.stringify(p))
    t.match(res.body, /password: (is too easy to guess|must not contain control characters)/)
  }
  t.equal((await b.post('/setup', { _csrf: await b.csrf(), username: 'boss', password: good, password2: good })).status, 302)

  // The API: a new user, and a new password.
  for (const p of [...weak, ...controlled]) {
    const res = await h.app.inject({ method: 'POST', url: '/api/users', headers: bearer(h.admin), payload: { username: 'sveta', role: 'supervisor', password: p } })
    t.equal(res.statusCode, 400, JSON.stringify(p))
    t.match(res.json(), { error: 'INVALID_INPUT', message: /^password: / })
  }
  const made = await h.app.inject({ method: 'POST', url: '/api/users', headers: bearer(h.admin), payload: { username: 'sveta', role: 'supervisor', password: good } })
  t.equal(made.statusCode, 201)
  const userId = made.json().userId as string
  const change = await h.app.inject({ method: 'PATCH', url: `/api/users/${userId}`, headers: bearer(h.admin), payload: { password: 'sveta.1990' } })
  t.equal(change.statusCode, 400)
  t.match(change.json().message, /^password: is too easy to guess/)
  t.equal((await login(h.db, 'sveta', good, '10.0.0.1', h.clock.ms, { maxFailures: 5, lockoutMs: 60_000 })).ok, true, 'the old password still works')

  // The CLI.
  const errors: string[] = []
  const cli = (args: string[], password: string) => runCli(args, { out: () => {}, err: (l) => errors.push(l), openDb: () => h.db, readLine: async () => password })
  t.equal(await cli(['user', 'create', '--username', 'kolya', '--role', 'admin'], 'aaaaaaaaaa'), 1)
  t.match(errors.join('\n'), /password: is too easy to guess/)
  t.equal(await cli(['user', 'create', '--username', 'kolya', '--role', 'admin'], 'ten\u0000chars\u0000here'), 1)
  t.match(errors.join('\n'), /password: must not contain control characters/)
  t.equal(await cli(['user', 'password', 'sveta'], 'qwertyuiop12'), 1)
  t.equal(await cli(['user', 'create', '--username', 'kolya', '--role', 'admin'], good), 0)
})

t.test('names with control or bidi characters are refused with a 400 naming the field, everywhere a name is set', async (t) => {
  const h = await testApp({ console: { secureCookies: false } })
  t.teardown(() => h.close())
  const admin = bearer(h.admin)
  await h.app.inject({ method: 'POST', url: '/api/categories', headers: admin, payload: { categoryId: 'ovens', name: 'Ovens' } })
  const opId = h.addOperator({ name: 'Olga' })
  const userId = (await createUser(h.db, { username: 'olga', role: 'operator', operatorId: opId, password: good }, h.clock.ms)).userId
  const writes: Array<[string, string, (name: string) => Record<string, unknown>, string]> = [
    ['POST', '/api/categories', (name) => ({ categoryId: 'fridges', name }), 'name'],
    ['PATCH', '/api/categories/ovens', (name) => ({ name }), 'name'],
    ['POST', '/api/operators', (name) => ({ name, endpoint: 'PJSIP/777' }), 'name'],
    ['PATCH', `/api/operators/${opId}`, (name) => ({ name }), 'name'],
    ['POST', '/api/tokens', (name) => ({ name, role: 'supervisor' }), 'name'],
    ['POST', '/api/users', (displayName) => ({ username: 'ivan', role: 'supervisor', password: good, displayName }), 'displayName'],
    ['PATCH', `/api/users/${userId}`, (displayName) => ({ displayName }), 'displayName'],
    ['PUT', '/api/menus/sales', (name) => ({ name, defaultAction: { kind: 'route' } }), 'name'],
    ['POST', '/api/tracking-numbers', (label) => ({ did: '74950000001', source: 'yandex', label }), 'label']
  ]
  let refused = 0
  for (const [method, url, body, field] of writes) {
    for (const name of badNames) {
      const res = await h.app.inject({ method: method as 'POST', url, headers: admin, payload: body(name) })
      t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(name)}: ${res.body}`)
      t.match(res.json().message, new RegExp(`(^|; )${field}: must not contain control characters`), `${method} ${url}`)
      refused++
    }
    const fine = await h.app.inject({ method: method as 'POST', url, headers: admin, payload: body('Анна-Мария O\'Neil (VIP) 😀') })
    t.ok(fine.statusCode < 300, `${method} ${url} takes an ordinary name: ${fine.body}`)
  }
  t.equal(refused, writes.length * badNames.length)
  t.equal(getUser(h.db, userId)?.displayName, 'Анна-Мария O\'Neil (VIP) 😀')

  // The first-run screen and the CLI set display names outside the API.
  const errors: string[] = []
  t.equal(await runCli(['user', 'create', '--username', 'petr', '--role', 'admin', '--name', 'Petr\u202e'], { out: () => {}, err: (l) => errors.push(l), openDb: () => h.db, readLine: async () => good }), 1)
  t.match(errors.join('\n'), /displayName: must not contain control characters/)
})

t.test('the intake refuses a lead whose name holds control or bidi characters', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  for (const name of badNames) {
    const api = await w.app.inject({ method: 'POST', url: '/api/leads', headers: bearer(w.tokenFor('supervisor')), payload: { name, phone: '+79991234567' } })
    t.equal(api.statusCode, 400, JSON.stringify(name))
    t.match(api.json().message, /^name: must not contain control characters/)
    if (name.trim() !== name) continue // the form trims its values, as a person would expect
    const form = await w.app.inject({ method: 'POST', url: '/api/forms/lead', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name, phone: '89991234567' }).toString() })
    t.equal(form.statusCode, 400, JSON.stringify(name))
  }
})

t.test('the first-run screen refuses a display name with control characters', async (t) => {
  const h = await testApp({ console: { secureCookies: false } })
  t.teardown(() => h.close())
  const b = browser(h.app)
  const res = await b.post('/setup', { _csrf: await b.csrf(), username: 'boss', displayName: 'Boss\u202e', password: good, password2: good })
  t.equal(res.status, 400)
  t.match(res.body, /displayName: must not contain control characters/)
})
