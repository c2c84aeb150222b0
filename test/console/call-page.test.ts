// The call page in a real browser: a recorded call waits for a model, is transcribed (a fixed
// transcript stands in for the engine), and shows the conversation and its QA card; a time plays the
// recording from there; a supervisor marks a finding wrong and the rule's precision drops.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { createUser } from '../../src/accounts/user-service.js'
import { scoreCall } from '../../src/domain/qa.js'
import type { Segment } from '../../src/domain/transcript.js'
import { defaultRuleSet } from '../../src/speech/default-rule-set.js'
import { launchChromium } from '../security/chromium.js'
import { startWorld, until } from '../helpers/world.js'

const password = 'correct horse battery'

/** What was said, as a transcriber would give it: Anna greets, later insults the customer. */
const said: Segment[] = [
  { speaker: 'operator', startMs: 1_000, endMs: 3_500, text: 'Hello, this is Anna, how can I help?' },
  // A long unbroken token (a link read out, a misheard run of letters) must wrap, not widen the page.
  { speaker: 'caller', startMs: 4_000, endMs: 7_000, text: `I would like an oven for the dacha, like this one: shop.example/${'ovens'.repeat(80)}` },
  { speaker: 'operator', startMs: 12_000, endMs: 14_000, text: 'You are an idiot, ovens are sold out.' }
]

t.test('the call page shows what was said, and QA findings can be judged', async (t) => {
  const w = await startWorld({ http: { port: 0 } }, { listen: true, recordingSettleMs: 15_000 })
  t.teardown(() => w.close())
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const base = w.daemon.url!.replace('0.0.0.0', '127.0.0.1')

  w.addNumber('74950000001', { source: 'yandex' })
  w.addOperator('401', { name: 'Anna Smirnova' })
  await createUser(w.daemon.db, { username: 'irina', displayName: 'Irina Petrova', role: 'supervisor', password, language: 'en' }, Date.now())

  // An answered, recorded call; without a model its transcription waits in the queue. A second of
  // talk is 20 s of audio at the simulator's 50 ms a second: room for every moment of the transcript.
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79035550109', did: '74950000001' })
  await w.hangUpWhenRecorded(call.channelId, { talkMs: 1_000 })
  const { callId, status } = await ended
  t.equal(status, 'answered')
  await until('transcription queued', () => w.daemon.speechRepo.jobOfCall(callId) !== undefined)

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text()) })
  await page.goto(`${base}/login`)
  await page.fill('input[name=username]', 'irina')
  await page.fill('input[name=password]', password)
  await Promise.all([page.waitForURL(/\/wallboard$/), page.click('button[type=submit]')])
  const precisionOf = async (p: Page, ruleId: string): Promise<{ fired: string; wrong: string; precision: string }> => {
    await p.goto(`${base}/reports/qa-rules`)
    const row = p.locator(`[data-rule-set="default"] tr[data-rule="${ruleId}"]`)
    return { fired: (await row.locator('.fired').textContent())!.trim(), wrong: (await row.locator('.marked-wrong').textContent())!.trim(), precision: (await row.locator('.precision').textContent())!.trim() }
  }

  await t.test('while no model is there, the page says the call waits for one', async (t) => {
    await page.goto(`${base}/calls/${callId}`)
    t.match(await page.textContent('.speech-state'), 'Queued: transcription waits for a speech model.')
    t.equal(await page.locator('.conversation').count(), 0)
  })

  // The engine's part, fixed: the job is claimed and finished with the transcript and its QA card.
  const [job] = w.daemon.speechRepo.claimDue(Date.now(), 'test-transcriber', 60_000, 1)
  t.equal(job?.callId, callId)
  const score = scoreCall(said, defaultRuleSet.rules)
  const rude = score.findings.findIndex((f) => f.ruleId === 'rudeness-en')
  t.ok(rude >= 0, 'the fixed transcript gives a rudeness finding')
  t.ok(w.daemon.speechRepo.finish(job!.jobId, 'test-transcriber', Date.now(), { callId, language: 'en', engine: 'fixed', model: 'fixed-test', segments: said },
    { ruleSetId: 'default', score: score.score, findings: score.findings, metrics: score.metrics, alerts: 0, createdAt: Date.now() }))

  await t.test('before any verdict, the rule has full precision on the QA rules page', async (t) => {
    t.same(await precisionOf(page, 'rudeness-en'), { fired: '1', wrong: '0', precision: '100%' })
  })

  await t.test('the conversation: who spoke (operator by name), when, what', async (t) => {
    await page.goto(`${base}/calls/${callId}`)
    t.match(await page.textContent('.speech-state'), 'Transcribed')
    const rows = page.locator('.conversation .seg')
    t.equal(await rows.count(), 3)
    t.match(await rows.nth(0).textContent(), /0:01\s+Operator Anna Smirnova\s+Hello, this is Anna/)
    t.match(await rows.nth(1).textContent(), /0:04\s+Customer\s+I would like an oven/)
    t.match(await rows.nth(2).getAttribute('class'), /flagged/, 'the segment a finding points to is marked')
    t.equal(await page.locator('audio#call-player').count(), 1, 'the conversation is on the page')
    t.equal(await page.getAttribute('audio#call-player', 'src'), `/api/calls/${callId}/conversation`, 'both parties in one player, made from their tracks')
  })

  await t.test('at 1,280 px the page holds: nothing wider than the window, the two cards side by side', async (t) => {
    await page.setViewportSize({ width: 1280, height: 800 })
    t.teardown(async () => { await page.setViewportSize({ width: 1440, height: 900 }) })
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      conversation: document.getElementById('conversation')!.getBoundingClientRect().right,
      qa: document.getElementById('qa-card')!.getBoundingClientRect().right
    }))
    t.ok(widths.page <= 1280, `page width ${widths.page}`)
    t.ok(widths.conversation < widths.qa && widths.qa <= 1280, `cards end at ${widths.conversation} and ${widths.qa}`)
  })

  await t.test('the QA card: the score and each finding with its rule in words and its moment', async (t) => {
    t.match(await page.textContent('.qa-score'), `${score.score}/100`)
    const finding = page.locator(`.finding[data-finding="${rude}"]`)
    t.match(await finding.locator('.rule').textContent(), 'Rudeness to the customer (en)')
    t.equal((await finding.locator('.moment .seek').textContent())!.trim(), '0:12')
    const greeting = page.locator('.finding', { hasText: 'Says goodbye' })
    t.match(await greeting.locator('.moment').textContent(), 'the whole call', 'a phrase never said has no moment')
  })

  await t.test('clicking a time moves the recording there and lights the segment up', async (t) => {
    const at = async (): Promise<number> => await page.$eval('audio#call-player', (a) => (a as HTMLAudioElement).currentTime)
    t.equal(await at(), 0)
    await until('the recording\'s length is known', async () => await page.$eval('audio#call-player', (a) => (a as HTMLAudioElement).duration > 14), 10_000)
    await page.click('#seg-1 .seek')
    // The click also starts playing, so the position is at the moment or just past it.
    const near = async (s: number): Promise<boolean> => { const now = await at(); return now >= s && now < s + 1 }
    await until('the player moved to 0:04', async () => await near(4), 10_000)
    await page.click(`.finding[data-finding="${rude}"] .moment .seek`)
    await until('the player moved to 0:12', async () => await near(12), 10_000)
    t.match(await page.getAttribute('#seg-2', 'class'), /current/)
    const artifacts = join(process.cwd(), 'test-artifacts')
    mkdirSync(artifacts, { recursive: true })
    await page.screenshot({ path: join(artifacts, 'call-page.png'), fullPage: true })
  })

  await t.test('a supervisor marks the finding wrong; it shows who did; the rule\'s precision drops; undo restores it', async (t) => {
    await Promise.all([page.waitForEvent('load'), page.click(`.finding[data-finding="${rude}"] .verdict-wrong`)])
    const finding = page.locator(`.finding[data-finding="${rude}"]`)
    await finding.locator('.verdict').waitFor()
    t.match(await finding.locator('.verdict').textContent(), 'Marked wrong by Irina Petrova')
    t.notMatch(await page.getAttribute('#seg-2', 'class'), /flagged/, 'a finding marked wrong no longer flags its segment')
    t.same(await precisionOf(page, 'rudeness-en'), { fired: '1', wrong: '1', precision: '0%' })
    await page.goto(`${base}/calls/${callId}`)
    await Promise.all([page.waitForEvent('load'), page.click(`.finding[data-finding="${rude}"] .verdict-undo`)])
    await page.locator(`.finding[data-finding="${rude}"] .verdict-wrong`).waitFor()
    t.same(await precisionOf(page, 'rudeness-en'), { fired: '1', wrong: '0', precision: '100%' })
  })

  await t.test('in Russian, the same page speaks Russian', async (t) => {
    await context.addCookies([{ name: 'rl_lang', value: 'ru', url: base }])
    await page.goto(`${base}/calls/${callId}`)
    t.match(await page.textContent('#conversation h2'), 'Разговор')
    t.match(await page.textContent('.conversation .seg'), /Оператор\s+Anna Smirnova/)
    t.match(await page.textContent('#qa-card h2'), 'Проверка по скрипту')
    t.match(await page.textContent(`.finding[data-finding="${rude}"] .verdict-wrong`), 'Отметить как ошибочное')
    await page.goto(`${base}/reports/qa-rules`)
    t.match(await page.textContent('h1'), 'Правила проверки')
    t.match(await page.textContent('[data-rule-set="default"] tr[data-rule="rudeness-en"] .precision'), /100\s?%/)
  })

  t.same(errors, [], 'nothing was blocked by the content security policy')
})
