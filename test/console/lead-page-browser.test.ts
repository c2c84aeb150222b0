// The lead workflow in a real browser (Debian's chromium through playwright-core), at 1280×800:
// new → in progress → deal with an amount (the revenue reaches the operators report), another lead
// refused with a reason from the list, and the board holding every column inside the window.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { startWorld } from '../helpers/world.js'
import { launchChromium } from '../security/chromium.js'
import { createUser } from '../../src/accounts/user-service.js'

const password = 'correct horse battery'
const artifacts = join(process.cwd(), 'test-artifacts')
mkdirSync(artifacts, { recursive: true })

t.test('the lead workflow in a browser', async (t) => {
  const w = await startWorld({ http: { port: 0 } }, { listen: true })
  t.teardown(() => w.close())
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const base = w.daemon.url!.replace('0.0.0.0', '127.0.0.1')
  const bearer = { authorization: `Bearer ${w.token}` }
  const app = w.daemon.app

  const anna = w.addOperator('401', { name: 'Anna Smirnova' })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina Petrova', role: 'supervisor', password, language: 'en' }, Date.now())
  const lead = async (name: string, phone: string): Promise<string> => {
    const made = await app.inject({ method: 'POST', url: '/api/leads', headers: bearer, payload: { name, phone, source: 'site-form' } })
    const leadId = JSON.parse(made.body).lead.leadId as string
    await app.inject({ method: 'POST', url: `/api/leads/${leadId}/owner`, headers: bearer, payload: { operatorId: anna } })
    return leadId
  }
  const dealLead = await lead('Oven for the dacha', '+79035550301')
  const refusedLead = await lead('Dishwasher question', '+79035550302')
  const stored = async (leadId: string) => JSON.parse((await app.inject({ url: `/api/leads/${leadId}`, headers: bearer })).body).lead

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const shot = async (p: Page, name: string): Promise<void> => { await p.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }) }
  await page.goto(`${base}/login`)
  await page.fill('input[name=username]', 'boss')
  await page.fill('input[name=password]', password)
  await Promise.all([page.waitForURL(/\/wallboard$/), page.click('button[type=submit]')])

  /** Opens the move to `status` on the lead page, lets `fill` fill it, submits and waits for the new page. */
  const move = async (status: string, fill: () => Promise<void> = async () => undefined): Promise<void> => {
    await page.click(`#to-${status} summary`)
    await fill()
    await Promise.all([page.waitForEvent('load'), page.click(`#to-${status} button[type=submit]`)])
  }

  await t.test('new → in progress → deal with an amount; the revenue reaches the operators report', async (t) => {
    await page.goto(`${base}/leads/${dealLead}`)
    await move('in_progress')
    await page.waitForSelector('#lead-status .st-in_progress')
    t.notOk(await page.isVisible('#to-new'), 'only moves the matrix allows from in progress')
    // A wrong amount first: the page says which field and keeps the text.
    await move('deal', async () => { await page.fill('#to-deal input[name=amount]', '12 thousand') })
    t.equal(await page.textContent('#to-deal .field-error'), 'Deal amount: not a number (e.g. 1499.90)')
    t.equal(await page.inputValue('#to-deal input[name=amount]'), '12 thousand')
    await page.fill('#to-deal input[name=amount]', '12 500')
    await Promise.all([page.waitForEvent('load'), page.click('#to-deal button[type=submit]')])
    await page.waitForSelector('#lead-status .st-deal')
    t.match(await page.textContent('#lead-amount'), /12,500\.00/)
    t.match(await stored(dealLead), { status: 'deal', dealAmount: 1_250_000 })
    await shot(page, 'lead-deal')
    const report = JSON.parse((await app.inject({ url: `/api/reports/operators?from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`, headers: bearer })).body)
    t.match(report.rows.find((r: { operatorId: string }) => r.operatorId === anna), { deals: 1, revenue: 1_250_000 })
  })

  await t.test('another lead is refused with a reason chosen from the list', async (t) => {
    await page.goto(`${base}/leads/${refusedLead}`)
    const offered = await page.locator('#to-refused select[name=reason] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    t.same(offered, ['', 'price', 'not_in_stock', 'delivery_terms', 'changed_mind', 'other'])
    await move('refused', async () => { await page.selectOption('#to-refused select[name=reason]', 'not_in_stock') })
    await page.waitForSelector('#lead-status .st-refused')
    t.equal(await page.textContent('#lead-refusal'), 'not in stock')
    t.match(await stored(refusedLead), { status: 'refused', refusalReason: 'not_in_stock' })
    t.match(await page.textContent('#lead-events'), /Irina Petrova/, 'the actor by name')
  })

  await t.test('the board at 1280×800 shows the closed leads in their columns, every column inside the window', async (t) => {
    await page.goto(`${base}/leads?view=board`)
    t.equal(await page.locator(`.col[data-status="deal"] [data-lead="${dealLead}"]`).count(), 1)
    t.equal(await page.locator(`.col[data-status="refused"] [data-lead="${refusedLead}"]`).count(), 1)
    const edges = await page.evaluate(() => ({
      width: document.documentElement.clientWidth,
      rights: [...document.querySelectorAll('.board .col')].map((c) => c.getBoundingClientRect().right)
    }))
    t.equal(edges.rights.length, 6)
    for (const right of edges.rights) t.ok(right <= edges.width, `a column ends at ${right} px, inside ${edges.width} px`)
    await shot(page, 'leads-board-1280')
  })
})
