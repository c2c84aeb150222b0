// The console in a real browser (Debian's chromium through playwright-core): one launch for the file.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { chromium, type Page } from 'playwright-core'
import { startWorld, until } from '../helpers/world.js'
import { createUser } from '../../src/accounts/user-service.js'

const password = 'correct horse battery'
const artifacts = join(process.cwd(), 'test-artifacts')
mkdirSync(artifacts, { recursive: true })

t.test('the console in a browser', async (t) => {
  const w = await startWorld({ http: { port: 0 }, routing: { ringTimeoutSeconds: 200 } }, { listen: true })
  t.teardown(() => w.close())
  // launch() gives the browser a fresh, temporary user-data-dir of its own each time.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
  })
  t.teardown(() => browser.close())
  const base = w.daemon.url!.replace('0.0.0.0', '127.0.0.1')
  const bearer = { authorization: `Bearer ${w.token}` }
  const app = w.daemon.app

  // A team: Anna answers after a moment (long enough to see her phone ring), Boris answers at once.
  w.addCategory('ovens')
  w.addNumber('74950000001', { source: 'yandex', categoryId: 'ovens' })
  const anna = w.addOperator('401', { name: 'Anna Smirnova', behaviour: { kind: 'answer', afterMs: 800 }, skills: { ovens: 5 } })
  const boris = w.addOperator('402', { name: 'Boris Ivanov', behaviour: { kind: 'answer', afterMs: 10 } })
  w.sim.addEndpoint('+79035550103@carrier', { registered: true, behaviour: { kind: 'answer', afterMs: 200, hangupAfterMs: 3000 } })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina Petrova', role: 'admin', password, language: 'en' }, Date.now())
  await createUser(w.daemon.db, { username: 'anna', displayName: 'Anna Smirnova', role: 'operator', operatorId: anna, password, language: 'en' }, Date.now())
  const lead = async (name: string, phone: string, source: string, owner: string): Promise<string> => {
    const made = await app.inject({ method: 'POST', url: '/api/leads', headers: bearer, payload: { name, phone, source } })
    const leadId = JSON.parse(made.body).lead.leadId as string
    await app.inject({ method: 'POST', url: `/api/leads/${leadId}/owner`, headers: bearer, payload: { operatorId: owner } })
    return leadId
  }
  const l1 = await lead('Oven for the dacha', '+79035550103', 'site-form', anna)
  await lead('Dishwasher question', '+79035550102', 'telegram', boris)

  const shot = async (page: Page, name: string): Promise<void> => { await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }) }
  const logIn = async (page: Page, username: string): Promise<void> => {
    await page.goto(`${base}/login`)
    await page.fill('input[name=username]', username)
    await page.fill('input[name=password]', password)
    await Promise.all([page.waitForURL(/\/wallboard$/), page.click('button[type=submit]')])
  }

  const boss = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  const page = await boss.newPage()

  await t.test('logs in', async (t) => {
    await page.goto(`${base}/`)
    await page.waitForURL(/\/login/)
    await shot(page, 'login')
    await logIn(page, 'boss')
    t.equal(await page.textContent('header .who'), 'Irina Petrova admin')
  })

  await t.test('a simulated call shows ringing, then talking, on the wallboard without a reload', async (t) => {
    await page.waitForSelector('#live.on')
    const card = `.op[data-operator="${anna}"]`
    t.equal(await page.getAttribute(card, 'data-state'), 'available')
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 1 })
    w.sim.placeCall({ from: '+79035550109', did: '74950000001', hangupAfterMs: 6000 })
    await page.waitForSelector(`${card}[data-state="ringing"]`)
    await page.waitForSelector(`${card}[data-state="talking"]`)
    await shot(page, 'wallboard')
    t.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'the same page, never reloaded')
  })

  await t.test('filters leads', async (t) => {
    await page.goto(`${base}/leads`)
    t.equal(await page.locator('#leads-table tbody tr[data-lead]').count(), 2)
    await page.fill('input[name=source]', 'telegram')
    await Promise.all([page.waitForURL(/source=telegram/), page.click('#lead-filters button[type=submit]')])
    const names = await page.locator('#leads-table tbody tr[data-lead]').allTextContents()
    t.equal(names.length, 1)
    t.match(names[0], /Dishwasher question/)
    await page.goto(`${base}/leads?view=board`)
    await shot(page, 'leads-board')
  })

  await t.test('changes a lead\'s status', async (t) => {
    await page.goto(`${base}/leads/${l1}`)
    await page.click('#to-in_progress summary')
    await Promise.all([page.waitForEvent('load'), page.click('#to-in_progress button[type=submit]')])
    await page.waitForSelector('#lead-status .st-in_progress')
    const stored = JSON.parse((await app.inject({ url: `/api/leads/${l1}`, headers: bearer })).body)
    t.equal(stored.lead.status, 'in_progress')
    await shot(page, 'lead')
  })

  await t.test('switches the language', async (t) => {
    await page.goto(`${base}/calls`)
    t.equal(await page.textContent('h1'), 'Calls')
    await Promise.all([page.waitForURL(/\/calls$/), page.click('#lang-switch')])
    t.equal(await page.textContent('h1'), 'Звонки')
    await shot(page, 'calls')
    await page.click('#calls-table tbody tr[data-call] a')
    await page.waitForSelector('h1')
    await shot(page, 'call')
    await Promise.all([page.waitForURL(/\/calls\//), page.click('#lang-switch')])
    t.match(await page.textContent('h1'), /^Call /)
  })

  await t.test('other main pages render', async (t) => {
    for (const path of ['/reports/operators', '/reports/funnels', '/admin/users', '/admin/dialplan', '/golden']) {
      const res = await page.goto(`${base}${path}`)
      t.equal(res?.status(), 200, path)
      await shot(page, path.slice(1).replaceAll('/', '-'))
    }
  })

  await t.test('an admin creates and edits operators, menus and numbers from the console', async (t) => {
    // Submit, then the page reloads; a refusal shown instead fails with the API's own message.
    const saved = async (submit: string): Promise<void> => {
      let settled = false
      const refused = page.waitForSelector('.form-error:not([hidden])', { timeout: 15_000 })
        .then(async (el) => { if (!settled) throw new Error(`refused: ${await el.textContent()}`) }, () => undefined)
      try { await Promise.race([Promise.all([page.waitForEvent('load', { timeout: 15_000 }), page.click(submit)]), refused]) } finally { settled = true }
    }
    // An operator with a skill.
    await page.goto(`${base}/admin/operators`)
    await page.fill('#operator-new input[name=name]', 'Vera Orlova')
    await page.fill('#operator-new input[name=endpoint]', 'PJSIP/405')
    await page.fill('#operator-new input[name=mobile]', '+79035550199')
    await page.fill('#operator-new input[name="skill:ovens"]', '7')
    await saved('#operator-new button[type=submit]')
    const listed = JSON.parse((await app.inject({ url: '/api/operators', headers: bearer })).body).operators as Array<{ operatorId: string; name: string; endpoint: string; mobile: string | null; skills: Record<string, number> }>
    const vera = listed.find((o) => o.name === 'Vera Orlova')
    t.match(vera, { endpoint: 'PJSIP/405', mobile: '+79035550199', skills: { ovens: 7 } })
    await shot(page, 'admin-operators-new')

    // A menu from the menus page, then one that points nowhere: the server's message shows by the form.
    await page.goto(`${base}/admin/menus`)
    await page.fill('#menu-new input[name=menuId]', 'sales')
    await page.fill('#menu-new textarea', JSON.stringify({ name: 'Sales', prompt: ['sound:ringlead/demo-menu'], options: { 1: { kind: 'category', categoryId: 'ovens' } }, defaultAction: { kind: 'route' } }))
    await saved('#menu-new button[type=submit]')
    t.equal(await page.locator('.menu-card[data-menu="sales"]').count(), 1)
    await page.fill('#menu-new input[name=menuId]', 'broken')
    await page.fill('#menu-new textarea', JSON.stringify({ name: 'Broken', defaultAction: { kind: 'menu', menuId: 'nowhere' } }))
    await page.click('#menu-new button[type=submit]')
    const problem = await page.waitForSelector('#menu-new .form-error:not([hidden])')
    t.match(await problem.textContent(), /nowhere/, 'the refusal names what is missing')
    t.equal((await app.inject({ url: '/api/menus/broken', headers: bearer })).statusCode, 404, 'nothing saved')
    await shot(page, 'admin-menus')

    // A tracking number on that menu.
    await page.goto(`${base}/admin/numbers`)
    await page.fill('#number-new input[name=did]', '74950000077')
    await page.fill('#number-new input[name=source]', 'vk')
    await page.selectOption('#number-new select[name=categoryId]', 'ovens')
    await page.fill('#number-new input[name=label]', 'VK ads')
    await page.selectOption('#number-new select[name=menuId]', 'sales')
    await saved('#number-new button[type=submit]')
    const number = JSON.parse((await app.inject({ url: '/api/tracking-numbers/74950000077', headers: bearer })).body)
    t.match(number, { did: '74950000077', source: 'vk', categoryId: 'ovens', label: 'VK ads', menuId: 'sales' })
    await page.click('tr[data-did="74950000077"] + tr.edit-row summary')
    await shot(page, 'admin-numbers')

    // The operator's edit form: a new name, the skill kept.
    await page.goto(`${base}/admin/operators`)
    const edit = `tr[data-operator="${vera!.operatorId}"] + tr.edit-row`
    await page.click(`${edit} summary`)
    await page.fill(`${edit} input[name=name]`, 'Vera Orlova-Sokolova')
    await shot(page, 'admin-operators-edit')
    await saved(`${edit} button[type=submit]`)
    const after = JSON.parse((await app.inject({ url: `/api/operators/${vera!.operatorId}`, headers: bearer })).body)
    t.match(after, { name: 'Vera Orlova-Sokolova', endpoint: 'PJSIP/405', skills: { ovens: 7 } })

    // The users page: a user's edit form open, for the screenshot.
    await page.goto(`${base}/admin/users`)
    await page.click('#users-table tr.edit-row summary')
    await shot(page, 'admin-users-edit')
  })

  const annaContext = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const annaPage = await annaContext.newPage()

  await t.test('an operator cannot open admin pages', async (t) => {
    await logIn(annaPage, 'anna')
    const res = await annaPage.goto(`${base}/admin/users`)
    t.equal(res?.status(), 403)
    t.match(await annaPage.textContent('.error-box'), /needs role admin/)
    t.equal(await annaPage.locator('header nav a[href="/admin"]').count(), 0, 'no admin link in the menu either')
  })

  await t.test('the click-to-call button starts a call from the operator\'s phone', async (t) => {
    await until('Anna is free again', () => w.daemon.board.view(anna)?.state === 'available', 20_000)
    await annaPage.goto(`${base}/leads/${l1}`)
    const [answer] = await Promise.all([
      annaPage.waitForResponse((r) => r.url().endsWith('/api/calls/outbound')),
      annaPage.click('button.dial[data-phone="+79035550103"]')
    ])
    t.equal(answer.status(), 202)
    const { callId } = await answer.json() as { callId: string }
    await annaPage.waitForSelector('#toast.show')
    await annaPage.waitForSelector('#pop:not([hidden])') // her phone rings first: the console pops the customer's card
    await shot(annaPage, 'operator-pop')
    const story = JSON.parse((await app.inject({ url: `/api/calls/${callId}`, headers: bearer })).body)
    t.match(story.call, { direction: 'outbound', dialledPhone: '+79035550103' })
  })
})
