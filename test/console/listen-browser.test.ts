// Listening in from the console in Chromium: the wallboard's talking operator gets a Listen button;
// a click (POST with the CSRF header) rings the supervisor's own phone in the simulator, and the call
// page shows the session on the story, in the page's language.
import t from 'tap'
import { createUser } from '../../src/accounts/user-service.js'
import { startWorld, until } from '../helpers/world.js'
import { launchChromium } from '../security/chromium.js'

const password = 'correct horse battery'

t.test('a supervisor clicks Listen on a talking operator and their phone rings', async (t) => {
  const w = await startWorld({ http: { port: 0 } }, { listen: true })
  t.teardown(() => w.close())
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const base = w.daemon.url!.replace('0.0.0.0', '127.0.0.1')
  const anna = w.addOperator('401', { name: 'Anna Smirnova', behaviour: { kind: 'answer', afterMs: 10 } })
  w.sim.addEndpoint('150', { behaviour: { kind: 'answer', afterMs: 10 } })
  const boss = await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina Petrova', role: 'supervisor', password, language: 'ru' }, Date.now())
  const set = await w.daemon.app.inject({ method: 'PATCH', url: `/api/users/${boss.userId}`, headers: { authorization: `Bearer ${w.token}` }, payload: { phoneEndpoint: 'PJSIP/150' } })
  t.equal(set.statusCode, 200)

  const page = await (await browser.newContext()).newPage()
  const errors: string[] = []
  // Script errors and CSP refusals (the browser's own favicon request, a 404, is no concern here).
  page.on('pageerror', (err) => { errors.push(err.message) })
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) errors.push(m.text()) })
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`) })
  await page.goto(`${base}/login`)
  await page.fill('input[name=username]', 'boss')
  await page.fill('input[name=password]', password)
  await Promise.all([page.waitForURL(/\/wallboard$/), page.click('button[type=submit]')])
  await page.waitForSelector('#live.on')

  const card = `.op[data-operator="${anna}"]`
  t.equal(await page.isVisible(`${card} .listen-btn`), false, 'no button on an available operator')
  const call = w.sim.placeCall({ from: '+79035550109', did: '74950000001' })
  const callId = await w.callOf(call.channelId)
  await w.talking(callId)
  await page.waitForSelector(`${card}[data-state="talking"] .listen-btn:not([hidden])`)
  t.equal(await page.textContent(`${card} .listen-btn`), 'Слушать')
  await page.click(`${card} .listen-btn`)
  await page.waitForSelector('#toast.show')
  t.match(await page.textContent('#toast'), /Звонит ваш телефон/)
  await until('the supervisor phone answered and bridged', () => w.sim.bridges().some((b) => b.bridgeId.startsWith('rl-sup-br-') && b.channelIds.length === 2))

  await page.goto(`${base}/calls/${callId}`)
  t.match(await page.textContent('main'), /Прослушивание/)
  t.match(await page.textContent('main'), /Irina Petrova: начато · слушает/)
  t.same(errors, [], `no console errors (CSP included): ${errors.join(' | ')}`)
  w.sim.hangup(call.channelId)
})
