// The admin form pages in Chromium at 1,280 px: a category and its specialist, an API token whose
// secret is shown exactly once and which stops working when revoked, a tracking pool.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { startWorld } from '../helpers/world.js'
import { createUser } from '../../src/accounts/user-service.js'
import { launchChromium } from '../security/chromium.js'

const password = 'correct horse battery'
const artifacts = join(process.cwd(), 'test-artifacts')
mkdirSync(artifacts, { recursive: true })

t.test('admin form pages in a browser', async (t) => {
  const w = await startWorld({ http: { port: 0 }, console: { secureCookies: false } }, { listen: true })
  t.teardown(() => w.close())
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const base = w.daemon.url!.replace('0.0.0.0', '127.0.0.1')
  const app = w.daemon.app
  w.addOperator('601', { name: 'Galina Orlova' })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina Petrova', role: 'admin', password, language: 'en' }, Date.now())

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  page.on('dialog', (dialog) => { void dialog.accept() }) // the confirm() before a revoke
  const shot = async (name: string): Promise<void> => { await page.screenshot({ path: join(artifacts, `admin-${name}.png`), fullPage: true }) }
  /** The page fits the window: nothing wider than the viewport. */
  const fits = async (t: { ok: (value: unknown, message: string) => unknown }, what: string): Promise<void> => {
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }))
    t.ok(widths.doc <= widths.view, `${what} holds at ${widths.view} px (content ${widths.doc} px)`)
  }
  const submit = async (selector: string): Promise<void> => {
    await Promise.all([page.waitForEvent('load'), page.click(selector)])
  }

  await page.goto(`${base}/login`)
  await page.fill('input[name=username]', 'boss')
  await page.fill('input[name=password]', password)
  await Promise.all([page.waitForURL(/\/wallboard$/), page.click('button[type=submit]')])

  await t.test('creates a category and adds a specialist, shown by name', async (t) => {
    await page.goto(`${base}/admin/categories`)
    await page.fill('#category-new input[name=categoryId]', 'dishwashers')
    await page.fill('#category-new input[name=name]', 'Dishwashers')
    await submit('#category-new button[type=submit]')
    const card = 'section[data-category="dishwashers"]'
    t.equal(await page.textContent(`${card} h2`), 'Dishwashers dishwashers')
    await page.selectOption(`${card} form.add-specialist select[name=operatorId]`, { label: 'Galina Orlova' })
    await page.fill(`${card} form.add-specialist input[name=level]`, '8')
    await submit(`${card} form.add-specialist button[type=submit]`)
    t.equal(await page.textContent(`${card} table.specialists tbody tr td`), 'Galina Orlova')
    t.equal(await page.inputValue(`${card} table.specialists tbody tr input[name=level]`), '8')
    await fits(t, 'categories')
    await shot('categories')
  })

  await t.test('creates a token, sees its secret once, revokes it and the API refuses it', async (t) => {
    await page.goto(`${base}/admin/tokens`)
    await page.fill('#token-new input[name=name]', 'Warehouse sync')
    await page.selectOption('#token-new select[name=role]', 'supervisor')
    await submit('#token-new button[type=submit]')
    const secret = (await page.textContent('#token-secret'))!.trim()
    t.match(secret, /^rl_/)
    t.match(await page.textContent('#token-once'), /shown only this once/)
    await fits(t, 'the new token')
    await shot('token-made')
    const bearer = { authorization: `Bearer ${secret}` }
    t.equal((await app.inject({ url: '/api/categories', headers: bearer })).statusCode, 200, 'the secret works')
    await page.reload()
    t.equal(await page.locator('#token-secret').count(), 0, 'a reload shows it no more')
    t.equal(await page.locator('#token-gone').count(), 1)
    t.notOk((await page.content()).includes(secret))
    await page.goto(`${base}/admin/tokens`)
    t.notOk((await page.content()).includes(secret), 'the list never shows it')
    const row = page.locator('#tokens-table tr', { hasText: 'Warehouse sync' })
    await Promise.all([page.waitForEvent('load'), row.locator('form.token-revoke button').click()])
    t.match(await page.locator('#tokens-table tr', { hasText: 'Warehouse sync' }).textContent(), /revoked/)
    t.equal((await app.inject({ url: '/api/categories', headers: bearer })).statusCode, 401, 'revoked: the API refuses it')
    await fits(t, 'tokens')
    await shot('tokens')
  })

  await t.test('creates a tracking pool', async (t) => {
    await page.goto(`${base}/admin/pools`)
    await page.fill('#pool-new input[name=source]', 'yandex-direct')
    await page.fill('#pool-new input[name=defaultDid]', '+74950001000')
    await page.fill('#pool-new textarea[name=numbers]', '+74950001001\n+74950001002')
    await submit('#pool-new button[type=submit]')
    const row = 'tr[data-pool="yandex-direct"]'
    t.match(await page.textContent(row), /\+74950001000.*\+74950001001.*\+74950001002/s)
    await fits(t, 'pools')
    await shot('pools')
    await page.goto(`${base}/admin/routing`)
    await fits(t, 'routing')
    await shot('routing')
  })
  await t.test('QA rules: tries the set in the editor on a pasted transcript, in both languages', async (t) => {
    const cspErrors: string[] = []
    page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text()) })
    for (const [lang, said] of [['en', 'operator: you are an idiot'], ['ru', 'оператор: вы что, тупой?']] as const) {
      await page.context().addCookies([{ name: 'rl_lang', value: lang, url: base }])
      await page.goto(`${base}/admin/qa-rules`)
      await page.fill('#qa-transcript', `0:01 ${said} ${'x'.repeat(300)}\n0:09 customer: ok`)
      await Promise.all([page.waitForEvent('load'), page.click('button[formaction="/admin/qa-rules/try"]')])
      t.ok(await page.locator('#try-result tr.finding[data-rule="greeting"]').count() === 1, `${lang}: no greeting, found`)
      t.match(await page.textContent('#try-result tr.finding[data-rule^="rudeness"]'), lang === 'en' ? /idiot/ : /тупой/, `${lang}: the rude word, found`)
      await fits(t, `QA rules with a result (${lang})`)
      await shot(`qa-rules-${lang}`)
    }
    t.same(cspErrors, [], 'no CSP violations')
  })
})
