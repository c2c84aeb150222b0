// The console's redirects, state changes, CSRF binding and headers, through the real app.
import t from 'tap'
import { createUser, getUser } from '../../src/accounts/user-service.js'
import { browser, logIn } from '../console/helpers.js'
import { testApp } from '../http/helpers.js'

const password = 'correct horse battery'

t.test('console auth', async (t) => {
  const h = await testApp({ console: { secureCookies: false } })
  t.teardown(() => h.close())
  const app = h.app
  const boss = await createUser(h.db, { username: 'boss', role: 'admin', password, language: 'en' }, h.clock.ms)
  await createUser(h.db, { username: 'ivan', role: 'admin', password, language: 'en' }, h.clock.ms) // may write what boss may

  await t.test('every redirect target that could leave the site goes to /, and a newline gives no 500', async (t) => {
    const b = browser(app)
    for (const back of ['/%09/evil.example/phish', '//evil.example', '/%5Cevil.example', '/%0a/evil.example', '/%0d%0aSet-Cookie:%20a=1', 'https://evil.example/', '/\\evil.example']) {
      const res = await b.get(`/lang/en?back=${back}`)
      t.equal(res.status, 302, back)
      t.equal(res.headers.location, '/', back)
    }
    t.equal((await b.get('/lang/en?back=/calls%3Fdate%3D2026-01-01')).headers.location, '/calls?date=2026-01-01', 'a path on this site is kept')
    const login = await b.get('/login?next=/%09/evil.example/phish')
    t.equal(login.status, 200)
    t.notMatch(login.body, /evil\.example/, 'the form does not carry the bad target along')
    for (const next of ['/\t/evil.example/phish', '/\n/evil.example', '//evil.example', '\\\\evil.example']) {
      const res = await b.post('/login', { _csrf: await b.csrf(), username: 'boss', password, next })
      t.equal(res.status, 302, JSON.stringify(next))
      t.equal(res.headers.location, '/wallboard', JSON.stringify(next))
    }
    const kept = await b.post('/login', { _csrf: await b.csrf(), username: 'boss', password, next: '/leads?view=board' })
    t.equal(kept.headers.location, '/leads?view=board')
  })

  await t.test('GET of the language URL changes nothing; the POST form with its token does', async (t) => {
    const b = browser(app)
    await logIn(b, 'boss', password)
    b.cookies.delete('rl_lang')
    const got = await b.get('/lang/ru?back=/leads')
    t.equal(got.headers.location, '/leads')
    t.equal(getUser(h.db, boss.userId)?.language, 'en', 'the stored language is unchanged')
    t.notOk(b.cookies.has('rl_lang'), 'and no cookie was set')
    t.equal((await b.post('/lang/ru', { back: '/leads' })).status, 403, 'without the CSRF token the POST is refused')
    t.equal(getUser(h.db, boss.userId)?.language, 'en')
    const posted = await b.post('/lang/ru', { _csrf: await b.csrf(), back: '/leads' })
    t.equal(posted.headers.location, '/leads')
    t.equal(getUser(h.db, boss.userId)?.language, 'ru')
    t.equal(b.cookies.get('rl_lang'), 'ru')
    const page = await b.get('/leads')
    t.match(page.body, /<form class="lang-form" method="post" action="\/lang\/en">/, 'the page switches language with a form')
    t.notMatch(page.body, /href="\/lang\//, 'and no link changes it')
  })

  await t.test('a CSRF token from one session is refused in another, even with that browser\'s CSRF cookie', async (t) => {
    const a = browser(app)
    await logIn(a, 'boss', password)
    const tokenA = await a.csrf()
    const b = browser(app)
    await logIn(b, 'ivan', password)
    // B's own session, with A's CSRF secret cookie and A's token: what a planted cookie pair gives an attacker.
    b.cookies.set('_csrf', a.cookies.get('_csrf')!)
    const out = await b.post('/lang/ru', { _csrf: tokenA, back: '/' })
    t.equal(out.status, 403)
    const res = await app.inject({
      method: 'PATCH', url: `/api/users/${boss.userId}`,
      headers: { cookie: `rl_session=${b.cookies.get('rl_session')}; _csrf=${a.cookies.get('_csrf')}`, 'x-csrf-token': tokenA, 'content-type': 'application/json' },
      payload: JSON.stringify({ displayName: 'Moved' })
    })
    t.equal(res.statusCode, 403, 'the API refuses it too')
    t.equal(getUser(h.db, boss.userId)?.displayName, 'boss')
    t.equal((await a.post('/lang/en', { _csrf: tokenA, back: '/' })).status, 302, 'in its own session the token works')
  })

  await t.test('the login form\'s token is bound to the pre-session cookie', async (t) => {
    const a = browser(app)
    const tokenA = await a.csrf()
    t.ok(a.cookies.has('rl_pre'), 'a visitor gets a pre-session cookie')
    const b = browser(app)
    await b.csrf()
    b.cookies.set('_csrf', a.cookies.get('_csrf')!)
    const res = await b.post('/login', { _csrf: tokenA, username: 'boss', password })
    t.equal(res.status, 403, 'another visitor\'s token is refused')
    t.notOk(b.cookies.has('rl_session'))
    a.cookies.delete('rl_pre')
    t.equal((await a.post('/login', { _csrf: tokenA, username: 'boss', password })).status, 403, 'and so is the token without its cookie')
  })

  await t.test('console pages carry a CSP, X-Frame-Options and Referrer-Policy', async (t) => {
    const b = browser(app)
    for (const url of ['/login', '/wallboard', '/assets/console.js']) {
      if (url === '/wallboard') await logIn(b, 'boss', password)
      const res = await b.get(url)
      t.match(String(res.headers['content-security-policy']), /default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/, url)
      t.notMatch(String(res.headers['content-security-policy']), /unsafe-inline/, url)
      t.equal(res.headers['x-frame-options'], 'DENY', url)
      t.equal(res.headers['referrer-policy'], 'same-origin', url)
      t.equal(res.headers['x-content-type-options'], 'nosniff', url)
    }
  })
})
