// The console opened from another machine over plain HTTP (http://<LAN address>:3000): a browser
// drops a Secure cookie there, so cookies follow the request's protocol, and stay Secure behind TLS.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { testApp } from '../http/helpers.js'

const password = 'correct horse battery staple 42'

interface Jar { get: (url: string, headers?: Record<string, string>) => Promise<Reply>; post: (url: string, form: Record<string, string>) => Promise<Reply> }
interface Reply { status: number; body: string; headers: Record<string, unknown>; setCookies: string[] }

/** Keeps cookies as a browser on http://192.168.1.10:3000 does: a Secure one is dropped. */
function lanBrowser (app: FastifyInstance, host = '192.168.1.10:3000'): Jar & { dropped: string[] } {
  const cookies = new Map<string, string>()
  const dropped: string[] = []
  const send = async (method: 'GET' | 'POST', url: string, payload?: string, extra: Record<string, string> = {}): Promise<Reply> => {
    const headers: Record<string, string> = { host, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...extra }
    if (payload !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
    const res = await app.inject({ method, url, headers, payload })
    const setCookies = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? [])
    for (const c of res.cookies) {
      const raw = setCookies.find((s) => s.startsWith(`${c.name}=`)) ?? ''
      if (/;\s*Secure/i.test(raw)) dropped.push(c.name)
      else cookies.set(c.name, c.value)
    }
    return { status: res.statusCode, body: res.body, headers: res.headers, setCookies }
  }
  return {
    dropped,
    get: async (url, headers) => await send('GET', url, undefined, headers),
    post: async (url, form) => await send('POST', url, new URLSearchParams(form).toString())
  }
}

const csrfOf = (page: string): string => (/name="_csrf" value="([^"]+)"/.exec(page) ?? /name="csrf-token" content="([^"]+)"/.exec(page))![1]!

t.test('over plain HTTP on a LAN address, /setup makes the first admin and the session works', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const b = lanBrowser(w.app)
  const page = await b.get('/setup')
  t.equal(page.status, 200)
  const made = await b.post('/setup', { _csrf: csrfOf(page.body), username: 'boss', displayName: 'The Boss', password, password2: password })
  t.equal(made.status, 302, made.body)
  t.equal(made.headers.location, '/wallboard')
  t.same(b.dropped, [], 'no cookie is Secure over plain HTTP, so the browser keeps them all')
  const users = await b.get('/api/users')
  t.equal(users.status, 200, 'the session cookie came back: logged in')
  t.match(JSON.parse(users.body), { users: [{ username: 'boss', role: 'admin' }] })
})

t.test('behind a TLS proxy that is trusted, the cookies are Secure', async (t) => {
  const w = await testApp({ http: { trustProxy: '127.0.0.1' } })
  t.teardown(w.close)
  const page = await lanBrowser(w.app, 'ringlead.example').get('/setup', { 'x-forwarded-proto': 'https' })
  t.ok(page.setCookies.length > 0)
  for (const c of page.setCookies) t.match(c, /;\s*Secure/i, c.split('=')[0] ?? '')
})

t.test('a forwarded protocol from a peer that is not a trusted proxy is not believed', async (t) => {
  const w = await testApp()
  t.teardown(w.close)
  const page = await lanBrowser(w.app).get('/setup', { 'x-forwarded-proto': 'https' })
  for (const c of page.setCookies) t.notMatch(c, /;\s*Secure/i, c.split('=')[0] ?? '')
})

t.test('secure cookies set to true stay Secure even over plain HTTP', async (t) => {
  const w = await testApp({ console: { secureCookies: true } })
  t.teardown(w.close)
  const page = await lanBrowser(w.app).get('/setup')
  t.ok(page.setCookies.length > 0)
  for (const c of page.setCookies) t.match(c, /;\s*Secure/i)
})
