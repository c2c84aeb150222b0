import t from 'tap'
import { startWorld, until, type World } from '../helpers/world.js'
import { createUser } from '../../src/accounts/user-service.js'
import { runCli } from '../../src/cli.js'
import { browser, logIn } from './helpers.js'

const password = 'correct horse battery'

t.test('console accounts', async (t) => {
  const w: World = await startWorld({ console: { secureCookies: false, maxFailedLogins: 3 } })
  t.teardown(() => w.close())
  const app = w.daemon.app

  await t.test('shows the first-run screen only while no user exists, and it makes an admin', async (t) => {
    const b = browser(app)
    t.equal((await b.get('/wallboard')).headers.location, '/setup')
    const csrf = await b.csrf()
    const made = await b.post('/setup', { _csrf: csrf, username: 'boss', displayName: 'The Boss', password, password2: password })
    t.equal(made.status, 302)
    t.equal(made.headers.location, '/wallboard')
    t.match(String(made.headers['set-cookie']), /rl_session=.*HttpOnly.*SameSite=Strict/)
    t.equal((await b.get('/wallboard')).status, 200)
    const again = browser(app)
    t.equal((await again.get('/setup')).headers.location, '/login', 'the screen is gone once a user exists')
    const users = await b.api('GET', '/api/users')
    t.match(users.json.users, [{ username: 'boss', role: 'admin' }])
  })

  await t.test('refuses a wrong password and locks the username out for that address after repeated failures', async (t) => {
    const b = browser(app)
    t.equal((await logIn(b, 'boss', 'wrong password 1')).status, 401)
    t.equal((await logIn(b, 'boss', 'wrong password 2')).status, 401)
    t.equal((await logIn(b, 'boss', 'wrong password 3')).status, 429)
    t.equal((await logIn(b, 'boss', password)).status, 429, 'even the right password waits for the lockout to end')
    t.notOk(b.cookies.has('rl_session'))
  })

  const opId = w.addOperator('301', { name: 'Olga' })
  const otherId = w.addOperator('302', { name: 'Pavel' })
  await createUser(w.daemon.db, { username: 'olga', role: 'operator', operatorId: opId, password, language: 'en' }, Date.now())

  await t.test('an operator logs in, uses the API with the cookie and sees only their own leads', async (t) => {
    const b = browser(app)
    t.same(await logIn(b, 'olga', password), { status: 302, location: '/wallboard' })
    const bearer = { authorization: `Bearer ${w.token}` }
    for (const [name, phone, owner] of [['Mine', '+79161230001', opId], ['Theirs', '+79161230002', otherId]] as const) {
      const made = await app.inject({ method: 'POST', url: '/api/leads', headers: bearer, payload: { phone, name } })
      t.equal(made.statusCode, 201, made.body)
      const owned = await app.inject({ method: 'POST', url: `/api/leads/${JSON.parse(made.body).lead.leadId}/owner`, headers: bearer, payload: { operatorId: owner } })
      t.equal(owned.statusCode, 200, owned.body)
    }
    const list = await b.api('GET', '/api/leads')
    t.equal(list.status, 200)
    t.same(list.json.leads.map((l: { name: string }) => l.name), ['Mine'])
    t.equal((await b.api('GET', '/api/users')).status, 403)
    const admin = await b.get('/admin/users')
    t.equal(admin.status, 403)
    t.match(admin.body, /needs role admin/)
  })

  await t.test('a write with the session cookie needs the CSRF token; a bearer token does not', async (t) => {
    const b = browser(app)
    await logIn(b, 'olga', password)
    const leadId = (await b.api('GET', '/api/leads')).json.leads[0].leadId
    const without = await b.api('POST', `/api/leads/${leadId}/status`, { status: 'in_progress' }, { csrf: false })
    t.equal(without.status, 403)
    const withToken = await b.api('POST', `/api/leads/${leadId}/status`, { status: 'in_progress' })
    t.equal(withToken.status, 200)
    t.equal(withToken.json.lead.status, 'in_progress')
    t.match(withToken.json.events.at(-1), { actor: `operator:${opId}` })
  })

  await t.test('a session survives a new app over the same database, and logout ends it', async (t) => {
    const b = browser(app)
    await logIn(b, 'olga', password)
    t.equal((await b.api('GET', '/api/calls')).status, 200)
    const csrf = await b.csrf()
    const secret = b.cookies.get('rl_session')!
    const out = await b.post('/logout', { _csrf: csrf })
    t.equal(out.headers.location, '/login')
    b.cookies.set('rl_session', secret) // a stolen copy of the cookie no longer works either
    t.equal((await b.api('GET', '/api/calls')).status, 401)
  })

  await t.test('the language switch renders the page in the other language and remembers it', async (t) => {
    const b = browser(app)
    await logIn(b, 'olga', password)
    t.match((await b.get('/leads')).body, /Leads/)
    const switched = await b.post('/lang/ru', { _csrf: await b.csrf(), back: '/leads' })
    t.equal(switched.headers.location, '/leads')
    t.match((await b.get('/leads')).body, /Заявки/)
    t.equal(b.cookies.get('rl_lang'), 'ru')
  })

  await t.test('the CLI creates users, reading the password from stdin', async (t) => {
    const out: string[] = []
    const code = await runCli(['user', 'create', '--username', 'sveta', '--role', 'supervisor'], {
      out: (l) => out.push(l), err: (l) => out.push(l), openDb: () => w.daemon.db, readLine: async () => password
    })
    t.equal(code, 0, out.join('\n'))
    const b = browser(app)
    t.equal((await logIn(b, 'sveta', password)).status, 302)
    const short = await runCli(['user', 'create', '--username', 'x1', '--role', 'admin'], { out: () => {}, err: (l) => out.push(l), openDb: () => w.daemon.db, readLine: async () => 'short' })
    t.equal(short, 1, 'a short password is refused')
  })

  await t.test('the wallboard feed resumes after Last-Event-ID without losing events', async (t) => {
    const feed = w.daemon.feed
    const before = feed.snapshot().lastEventId
    w.pause(opId)
    await until('the pause reaches the feed', () => (feed.since(before) ?? []).some((e) => e.type === 'operator' && e.data.operatorId === opId))
    const missed = feed.since(before)!
    t.ok(missed.length > 0)
    t.same(missed.map((e) => e.id), missed.map((_, i) => before + 1 + i), 'ids are consecutive: nothing is skipped')
    t.equal(feed.since(-5), null, 'an id older than the log asks for a snapshot')
  })

  await t.test('serves the OpenAPI description and Prometheus metrics', async (t) => {
    const docs = await app.inject('/api/docs/json')
    t.equal(docs.statusCode, 200)
    t.ok(JSON.parse(docs.body).paths['/api/leads'], 'the API routes are described')
    t.notOk(JSON.parse(docs.body).paths['/wallboard'], 'console pages are not')
    const metrics = await app.inject('/metrics')
    t.match(metrics.body, /ringlead_queue_depth/)
    t.match(metrics.body, /ringlead_webhook_backlog/)
  })
})
