// The wallboard in Chromium: service level and longest wait, a pause with its reason (set from the
// console's form), threshold colours, the view per category, TV mode, the 403 page and the layout at
// 1,280 px in both languages. One daemon and one browser for the file.
import t from 'tap'
import { createUser } from '../../src/accounts/user-service.js'
import { launchChromium } from '../security/chromium.js'
import { startWorld, until } from '../helpers/world.js'

const password = 'correct horse battery'

t.test('the wallboard in a browser', async (t) => {
  // Thresholds low enough that one waiting caller is an alarm and a wait of 2 s is one too.
  const w = await startWorld({
    http: { port: 0 }, routing: { ringTimeoutSeconds: 200 }, leads: { timeZone: 'Asia/Vladivostok' }, queue: { enabled: true, maxWaitSeconds: 300 },
    wallboard: { waitingWarn: 0, waitingAlarm: 0, longestWaitWarnSeconds: 1, longestWaitAlarmSeconds: 2 }
  }, { listen: true })
  t.teardown(() => w.close())
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const base = w.daemon.url!.replace('0.0.0.0', '127.0.0.1')
  w.addCategory('ovens')
  w.addNumber('74950000001', { source: 'site', categoryId: 'ovens' })
  const anna = w.addOperator('401', { name: 'Anna Smirnova', behaviour: { kind: 'answer', afterMs: 10 }, skills: { ovens: 5 } })
  const boris = w.addOperator('402', { name: 'Boris Ivanov', behaviour: { kind: 'answer', afterMs: 10 } })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina Petrova', role: 'supervisor', password, language: 'en' }, Date.now())
  await createUser(w.daemon.db, { username: 'anna', displayName: 'Anna Smirnova', role: 'operator', operatorId: anna, password, language: 'ru' }, Date.now())

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York' })
  const page = await context.newPage()
  const logIn = async (username: string): Promise<void> => {
    await page.goto(`${base}/login`)
    await page.fill('input[name=username]', username)
    await page.fill('input[name=password]', password)
    await Promise.all([page.waitForURL(/\/wallboard$/), page.click('button[type=submit]')])
    await page.waitForSelector('#live.on')
  }
  const fitsWidth = async (): Promise<boolean> => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

  await t.test('the service level of today\'s calls, formatted for the page\'s language, coloured by its threshold', async (t) => {
    await logIn('boss')
    t.equal(await page.textContent('[data-kpi="serviceLevel"]'), '—', 'no call yet: no figure')
    const ended = w.ended(() => true)
    const caller = w.sim.placeCall({ from: '+79035550109', did: '74950000001' })
    await w.hangUpWhenRecorded(caller.channelId)
    await ended
    await page.waitForFunction(() => document.querySelector('[data-kpi="serviceLevel"]')?.textContent === '100%')
    t.match(await page.getAttribute('#kpi-sl', 'class'), /\bg-ok\b/)
    t.ok(await fitsWidth(), 'no sideways scroll at 1,280 px in English')
  })

  await t.test('a supervisor pauses an operator with a reason; the card shows it and when the pause began, in the shop\'s zone', async (t) => {
    await page.selectOption('.wb-pause select[name=operatorId]', boris)
    await page.selectOption('.wb-pause select[name=reason]', 'meeting')
    await Promise.all([page.waitForURL(/\/wallboard$/), page.click('.wb-pause button[type=submit]:not([formaction])')])
    const card = `.op[data-operator="${boris}"]`
    await page.waitForSelector(`${card}[data-state="paused"]`)
    const pausedAt = w.daemon.board.view(boris)!.sinceMs
    const shopClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Vladivostok', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(pausedAt))
    t.equal(await page.textContent(`${card} .why`), `meeting · ${shopClock}`, 'the reason, and the start in Vladivostok time though the browser is in New York')
    const first = await page.textContent(`${card} .since`)
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent !== '0:00' && document.querySelector(sel)?.textContent !== '', `${card} .since`)
    t.not(await page.textContent(`${card} .since`), '', `time in pause ticks (was ${first})`)
  })

  await t.test('a caller waiting with nobody free turns the waiting figures red, and the longest wait grows', async (t) => {
    // Boris is paused; Anna takes a long call; the next caller waits.
    w.sim.placeCall({ from: '+79035550110', did: '74950000001', hangupAfterMs: 120_000 })
    await page.waitForSelector(`.op[data-operator="${anna}"][data-state="talking"]`)
    w.sim.placeCall({ from: '+79035550111', did: '74950000001', hangupAfterMs: 120_000 })
    await page.waitForSelector('#kpi-waiting.g-alarm')
    t.equal(await page.textContent('[data-kpi="waitingNow"]'), '1')
    await page.waitForSelector('#kpi-longest.g-alarm', { timeout: 30_000 })
    t.match(await page.textContent('[data-kpi="longestWait"]'), /^\d+:\d\d$/)
    t.match(await page.textContent('#alerts'), /Nobody free/, 'someone waits and nobody is free: now it is said')
  })

  await t.test('the view per category keeps that category\'s operators, callers and service level', async (t) => {
    await page.goto(`${base}/wallboard?category=ovens`)
    await page.waitForSelector('#live.on')
    t.equal(await page.isVisible(`.op[data-operator="${anna}"]`), true)
    t.equal(await page.isVisible(`.op[data-operator="${boris}"]`), false, 'Boris takes no oven calls')
    t.equal(await page.textContent('[data-kpi="waitingNow"]'), '1', 'the waiting caller called the ovens number')
    t.match(await page.getAttribute('#kpi-waiting', 'class'), /\bg-alarm\b/, 'the ovens line graded by the server for this view')
    t.match(await page.getAttribute('#kpi-longest', 'class'), /\bg-alarm\b/)
    t.equal(await page.textContent('[data-kpi="serviceLevel"]'), '100%')
  })

  await t.test('TV mode: no navigation, big figures', async (t) => {
    await page.goto(`${base}/wallboard?tv=1`)
    await page.waitForSelector('#live.on', { state: 'attached' })
    t.equal(await page.isVisible('header.top'), false)
    t.equal(await page.isVisible('.wb-pause'), false)
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('[data-kpi="serviceLevel"]')!).fontSize))
    t.ok(size >= 90, `service level in ${size}px type`)
    t.ok(await fitsWidth())
  })

  await t.test('every report page, with its CSV link, holds at 1,280 px in English', async (t) => {
    for (const path of ['/reports/operators', '/reports/funnels', '/reports/motivation', '/reports/digest']) {
      await page.goto(`${base}${path}`)
      t.ok(await page.isVisible('a[href*="format=csv"]'), `${path} links a CSV`)
      t.ok(await fitsWidth(), `${path} fits`)
    }
  })

  await t.test('an operator pauses themselves, in Russian; a page above their role says which role it needs', async (t) => {
    await page.goto(`${base}/logout`).catch(() => {})
    await context.clearCookies()
    await logIn('anna')
    t.ok(await fitsWidth(), 'no sideways scroll at 1,280 px in Russian')
    t.equal(await page.locator('.wb-pause select[name=operatorId]').count(), 0, 'no choice of operator')
    await page.selectOption('.wb-pause select[name=reason]', 'training')
    await Promise.all([page.waitForURL(/\/wallboard$/), page.click('.wb-pause button[type=submit]:not([formaction])')])
    await until('Anna paused for training', () => w.daemon.board.view(anna)?.pausedReason === 'training')
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.startsWith('обучение'), `.op[data-operator="${anna}"] .why`)
    for (const path of ['/reports/operators', '/reports/motivation', '/reports/digest']) {
      await page.goto(`${base}${path}`)
      t.ok(await page.isVisible('a[href*="format=csv"]'), `${path} links a CSV in Russian`)
      t.ok(await fitsWidth(), `${path} fits in Russian`)
    }
    const res = await page.goto(`${base}/admin/users`)
    t.equal(res?.status(), 403)
    t.equal(await page.textContent('h1'), 'Для этой страницы нужна роль администратор.')
  })
})
