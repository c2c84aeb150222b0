// The login lockout under parallel guesses, over real HTTP: each guess is counted before its
// password check, so guesses sent together cannot all see the same count.
import t from 'tap'
import { createUser } from '../../src/accounts/user-service.js'
import { testApp } from '../http/helpers.js'

const password = 'correct horse battery'

t.test('60 parallel wrong guesses lock the account, and the right password is then refused while locked', async (t) => {
  const h = await testApp({ console: { secureCookies: false, maxFailedLogins: 5, lockoutMinutes: 15 }, limits: { loginPerMinute: 10_000 } })
  t.teardown(() => h.close())
  await createUser(h.db, { username: 'boss', role: 'admin', password }, h.clock.ms)
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })

  // One browser: its cookies and the login form's CSRF token, shared by every guess.
  const form = await fetch(`${base}/login`)
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!
  const attempt = async (pw: string): Promise<{ status: number; body: string; session: boolean }> => {
    const res = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, username: 'boss', password: pw }).toString()
    })
    return { status: res.status, body: await res.text(), session: res.headers.getSetCookie().some((c) => c.startsWith('rl_session=')) }
  }

  const guesses = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(`wrong guess number ${i}`)))
  const refused = guesses.filter((g) => g.status === 401).length
  const locked = guesses.filter((g) => g.status === 429 && /Too many failed attempts|Слишком много/.test(g.body)).length
  t.ok(refused <= 5, `at most 5 guesses reached the password check (${refused} did)`)
  t.equal(refused + locked, 60, 'every other guess was refused as locked')
  t.ok(locked >= 55)
  const right = await attempt(password)
  t.equal(right.status, 429, 'the right password waits for the lockout to end')
  t.notOk(right.session, 'no session cookie')

  h.clock.ms += 15 * 60_000 + 1
  const later = await attempt(password)
  t.equal(later.status, 302, 'after the lockout the right password logs in')
  t.ok(later.session)
})
