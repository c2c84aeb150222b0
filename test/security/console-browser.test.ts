// The console in Chromium: no page breaks its Content-Security-Policy, and crafted redirect targets
// (the language switch's `back`, the login's `next`) keep the browser on this site.
import t from 'tap'
import type { Page } from 'playwright-core'
import { createUser } from '../../src/accounts/user-service.js'
import { startWorld, until } from '../helpers/world.js'
import { launchChromium } from './chromium.js'

const password = 'correct horse battery'

/** Collects what the page reports about its CSP: violation events and console messages. */
async function watchCsp (page: Page): Promise<string[]> {
  const found: string[] = []
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { cspViolations?: string[] }
      ;(w.cspViolations ??= []).push(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) found.push(msg.text()) })
  return found
}

// Chromium under a loaded machine: a deadline that only stops a hung run.
t.setTimeout(600_000)

t.test('the console in Chromium', async (t) => {
  const w = await startWorld({ http: { port: 0 }, console: { secureCookies: false } }, { listen: true })
  t.teardown(() => w.close())
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const base = w.daemon.url!.replace('0.0.0.0', '127.0.0.1')
  const origin = new URL(base).origin
  const app = w.daemon.app
  const bearer = { authorization: `Bearer ${w.token}` }

  const context = await browser.newContext()
  const page = await context.newPage()
  const consoleCsp = await watchCsp(page)
  const violations = async (): Promise<string[]> => [...consoleCsp.splice(0), ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []))]

  await t.test('the first-run and login pages pass the CSP', async (t) => {
    const setup = await page.goto(`${base}/setup`)
    t.equal(setup?.status(), 200)
    t.same(await violations(), [], '/setup')
  })

  // A team, a call and a lead, so that every page has something to show.
  w.addCategory('ovens')
  w.addNumber('74950000001', { source: 'yandex', categoryId: 'ovens' })
  const anna = w.addOperator('401', { name: 'Anna Smirnova', behaviour: { kind: 'answer', afterMs: 10 }, skills: { ovens: 5 } })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina Petrova', role: 'admin', password, language: 'en' }, Date.now())
  await createUser(w.daemon.db, { username: 'anna', displayName: 'Anna Smirnova', role: 'operator', operatorId: anna, password, language: 'en' }, Date.now())
  w.sim.placeCall({ from: '+79035550109', did: '74950000001', hangupAfterMs: 300 })
  const endedCall = (): { callId: string } | undefined => w.daemon.db.$client.prepare('SELECT call_id AS callId FROM calls WHERE ended_at IS NOT NULL LIMIT 1').get() as { callId: string } | undefined
  await until('the call is stored as ended', () => endedCall() !== undefined, 20_000)
  const callId = endedCall()!.callId
  const made = JSON.parse((await app.inject({ method: 'POST', url: '/api/leads', headers: bearer, payload: { name: 'Oven for the dacha', phone: '+79035550109', source: 'site-form' } })).body)
  const leadId = made.lead.leadId as string
  const customerId = JSON.parse((await app.inject({ url: `/api/leads/${leadId}`, headers: bearer })).body).lead.customerId as string
  await app.inject({ method: 'POST', url: '/api/golden', headers: bearer, payload: { callId, note: 'A good call' } })

  const pages = [
    '/wallboard', '/calls', `/calls/${callId}`, '/leads', '/leads?view=board', `/leads/${leadId}`, `/customers/${customerId}`, '/golden',
    '/admin/users', '/admin/operators', '/admin/numbers', '/admin/menus', '/admin/dialplan',
    '/reports/operators', '/reports/funnels', '/reports/funnels?by=category', '/reports/motivation', '/reports/digest', '/reports/digest/mail', '/leads/no-such-lead'
  ]

  await t.test('every console page loads with no CSP violation', async (t) => {
    await page.goto(`${base}/login`)
    t.same(await violations(), [], '/login')
    await page.fill('input[name=username]', 'boss')
    await page.fill('input[name=password]', password)
    await Promise.all([page.waitForURL(/\/wallboard$/), page.click('form.auth-card button[type=submit]')])
    for (const path of pages) {
      await page.goto(`${base}${path}`, { waitUntil: 'load' })
      t.same(await violations(), [], path)
    }
    await page.goto(`${base}/reports/digest`)
    const mail = page.frames().find((f) => f.url().endsWith('/reports/digest/mail'))
    await mail?.waitForLoadState()
    t.match(await mail?.content(), /<table/, 'the digest shows in its sandboxed frame')
    t.same(await violations(), [], '/reports/digest with its frame')
    await page.goto(`${base}/wallboard`)
    await page.waitForSelector('#live.on') // the live feed connected under the policy
    await Promise.all([page.waitForURL(/\/wallboard$/), page.click('#lang-switch')])
    t.equal(await page.getAttribute('html', 'lang'), 'ru', 'the language switch (a form) works under the policy')
    t.same(await violations(), [], 'after switching the language')
    const framed = await page.evaluate(async (url) => (await fetch(url)).headers.get('content-security-policy'), `${base}/leads`)
    t.match(framed, /frame-ancestors 'none'/)
    t.equal(pages.length + 2, 22, 'pages checked: 20 logged in, /setup and /login')
  })

  await t.test('crafted redirect targets keep the browser on this site', async (t) => {
    const fresh = await browser.newContext()
    const p = await fresh.newPage()
    for (const back of ['/%09/evil.example/phish', '/%0a/evil.example', '/%5Cevil.example', '//evil.example/phish', '/%2F/evil.example']) {
      await p.goto(`${base}/lang/en?back=${back}`).catch(() => null)
      t.equal(new URL(p.url()).origin, origin, `back=${back} → ${p.url()}`)
    }
    for (const next of ['/%09/evil.example/phish', '/%0a/evil.example', '/%5C/evil.example']) {
      await p.goto(`${base}/login?next=${next}`)
      await p.fill('input[name=username]', 'boss')
      await p.fill('input[name=password]', password)
      await Promise.all([p.waitForEvent('load'), p.click('form.auth-card button[type=submit]')]).catch(() => null)
      t.equal(new URL(p.url()).origin, origin, `next=${next} → ${p.url()}`)
      await fresh.clearCookies()
    }
    await fresh.close()
  })
})
