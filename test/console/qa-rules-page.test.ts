// /admin/qa-rules: rule sets listed, saved and removed through plain form posts (admins), read by
// supervisors, refused to operators; the "try" box scores the unsaved set on a pasted transcript.
import t from 'tap'
import { createUser } from '../../src/accounts/user-service.js'
import { scoreCall } from '../../src/domain/qa.js'
import type { Segment } from '../../src/domain/transcript.js'
import { startWorld, until, type World } from '../helpers/world.js'
import { browser, logIn, type Browser } from './helpers.js'

const password = 'correct horse battery'

const greetingRule = { kind: 'required', ruleId: 'greet', title: 'Greets the customer', speaker: 'operator', phrases: ['good afternoon'], toMs: 15000 }
const goodbyeRule = { kind: 'required', ruleId: 'bye', title: 'Says goodbye', speaker: 'operator', phrases: ['goodbye'], lastMs: 20000 }
const swearRule = { kind: 'forbidden', ruleId: 'rude', title: 'No rudeness', speaker: 'operator', words: ['stupid'], severity: 'severe' }
const definition = (rules: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ name: 'Fridge script', categoryId: 'fridges', rules, ...extra }, null, 2)

t.test('QA rule sets page', async (t) => {
  const w: World = await startWorld({ console: { secureCookies: false } })
  t.teardown(() => w.close())
  const app = w.daemon.app
  const db = w.daemon.db
  const anna = w.addOperator('501', { name: 'Anna Smirnova' })
  await createUser(db, { username: 'boss', role: 'admin', password, language: 'en' }, Date.now())
  await createUser(db, { username: 'sup', role: 'supervisor', password, language: 'en' }, Date.now())
  await createUser(db, { username: 'anna', role: 'operator', operatorId: anna, password, language: 'en' }, Date.now())
  const as = async (username: string): Promise<Browser> => { const b = browser(app); await logIn(b, username, password); return b }
  const [boss, sup, op] = [await as('boss'), await as('sup'), await as('anna')]
  const send = async (b: Browser, url: string, form: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> =>
    await b.post(url, { _csrf: await b.csrf(), ...form })
  t.equal((await send(boss, '/admin/categories', { categoryId: 'fridges', name: 'Fridges' })).status, 302)
  const stored = (id: string): any => w.daemon.speechRepo.ruleSet(id) // eslint-disable-line @typescript-eslint/no-explicit-any

  await t.test('the list: the built-in set while nothing is stored, linked from the precision report', async (t) => {
    const page = await boss.get('/admin/qa-rules')
    t.equal(page.status, 200)
    t.match(page.body, /<tr data-rule-set="default">[\s\S]*?built in, used while no set covers calls without a category/)
    t.match(page.body, /href="\/admin\/qa-rules"[^>]*>QA rules</, 'in the admin navigation')
    t.match((await sup.get('/reports/qa-rules')).body, /href="\/admin\/qa-rules"/, 'the precision report links here')
  })

  await t.test('save a valid set; it is listed with its category by name and its number of rules', async (t) => {
    const saved = await send(boss, '/admin/qa-rules', { ruleSetId: 'fridge-script', definition: definition([greetingRule, swearRule]) })
    t.equal(saved.status, 302)
    t.equal(saved.headers.location, '/admin/qa-rules?edit=fridge-script')
    t.match(stored('fridge-script'), { name: 'Fridge script', categoryId: 'fridges', rules: [{ ruleId: 'greet' }, { ruleId: 'rude' }] })
    const page = await boss.get('/admin/qa-rules?edit=fridge-script')
    t.match(page.body, /<tr data-rule-set="fridge-script">[\s\S]*?Fridge script[\s\S]*?<td>Fridges<\/td>[\s\S]*?<td class="r">2<\/td>/)
    t.match(page.body, /<textarea id="qa-definition"[^>]*>\{\n {2}&quot;name&quot;: &quot;Fridge script&quot;/, 'the editor holds the set')
  })

  await t.test('invalid JSON or rules: 400 naming the path, what was typed kept, nothing saved', async (t) => {
    const broken = await send(boss, '/admin/qa-rules', { ruleSetId: 'other', definition: '{ "name": "X", ' })
    t.equal(broken.status, 400)
    t.match(broken.body, /role="alert"[^>]*>Check “Rule set \(JSON\)”: not JSON: /)
    t.match(broken.body, /\{ &quot;name&quot;: &quot;X&quot;, <\/textarea>/, 'the text is kept')
    const badField = await send(boss, '/admin/qa-rules', { ruleSetId: 'other', definition: definition([greetingRule, { ...swearRule, severity: 'awful' }], { categoryId: null }) })
    t.equal(badField.status, 400)
    t.match(badField.body, /rules\.1\.severity: must be one of info, warning, severe/)
    const badKind = await send(boss, '/admin/qa-rules', { ruleSetId: 'other', definition: definition([{ ...greetingRule, kind: 'wished' }], { categoryId: null }) })
    t.match(badKind.body, /rules\.0: must be an object whose kind is one of required, forbidden, customer, quality/)
    const twice = await send(boss, '/admin/qa-rules', { ruleSetId: 'other', definition: definition([greetingRule, greetingRule], { categoryId: null }) })
    t.equal(twice.status, 400)
    t.match(twice.body, /rules\[1\]: ruleId greet is used twice/)
    const badId = await send(boss, '/admin/qa-rules', { ruleSetId: 'Bad Id', definition: definition([greetingRule], { categoryId: null }) })
    t.equal(badId.status, 400)
    t.match(badId.body, /name="ruleSetId" value="Bad Id"[^>]*aria-invalid="true"/)
    const sameCategory = await send(boss, '/admin/qa-rules', { ruleSetId: 'other', definition: definition([greetingRule]) })
    t.equal(sameCategory.status, 409, 'another set already covers fridges')
    t.equal(stored('other'), undefined)
  })

  await t.test('try: the unsaved set scores a pasted transcript; a rule that should fire does, one that should not does not', async (t) => {
    const transcript = '0:02 operator: Good afternoon, Tech Store\n0:05 customer: my fridge is broken\n0:09 operator: that is a stupid question\n0:20 customer: thanks'
    const tried = await send(sup, '/admin/qa-rules/try', { ruleSetId: 'fridge-script', definition: definition([greetingRule, goodbyeRule, swearRule]), transcript, callId: '' })
    t.equal(tried.status, 200)
    const result = /<div id="try-result">([\s\S]*?)<\/div>/.exec(tried.body)?.[1] ?? ''
    t.match(result, /<tr class="finding" data-rule="rude"><td>No rudeness<\/td><td>the operator said &quot;stupid&quot;[\s\S]*?<td>0:10<\/td>/, 'the forbidden word, at the moment the word was said (0:09 + three words)')
    t.match(result, /<tr class="finding" data-rule="bye"><td>Says goodbye<\/td>/, 'no goodbye')
    t.notMatch(result, /data-rule="greet"/, 'the greeting was said')
    t.match(result, /Score: 60 of 100/)
    t.equal(stored('fridge-script').rules.length, 2, 'nothing saved')
    t.match(tried.body, /<textarea id="qa-transcript"[^>]*>0:02 operator: Good afternoon/, 'the transcript is kept')

    const badLine = await send(sup, '/admin/qa-rules/try', { definition: definition([greetingRule]), transcript: 'operator: hello\nmanager: hi', callId: '' })
    t.equal(badLine.status, 400)
    t.match(badLine.body, /Check “Transcript”: line 2: &quot;manager&quot; is not a speaker/)
    const noCall = await send(sup, '/admin/qa-rules/try', { definition: definition([greetingRule]), transcript: '', callId: 'no-such-call' })
    t.equal(noCall.status, 404)
  })

  await t.test('supervisors read and try, but do not save or remove; operators are refused', async (t) => {
    const page = await sup.get('/admin/qa-rules')
    t.equal(page.status, 200)
    t.match(page.body, /changes need role/)
    t.notMatch(page.body, /class="qa-remove"/)
    t.match(page.body, /<form method="post" action="\/admin\/qa-rules\/try"/)
    t.equal((await send(sup, '/admin/qa-rules', { ruleSetId: 'x', definition: definition([greetingRule], { categoryId: null }) })).status, 403)
    t.equal((await send(sup, '/admin/qa-rules/fridge-script/remove', {})).status, 403)
    t.equal((await op.get('/admin/qa-rules')).status, 403)
    t.equal((await send(op, '/admin/qa-rules/try', { definition: definition([greetingRule]), transcript: 'operator: hi' })).status, 403)
    t.equal((await boss.post('/admin/qa-rules/try', { definition: definition([greetingRule]), transcript: 'operator: hi' })).status, 403, 'no CSRF token')
    t.ok(stored('fridge-script'))
  })

  await t.test('try on a transcribed call, from the page and through POST /api/qa/rule-sets/try', async (t) => {
    w.addNumber('74950000001', { source: 'yandex' })
    const ended = w.ended()
    const call = w.sim.placeCall({ from: '+79035550109', did: '74950000001' })
    await w.hangUpWhenRecorded(call.channelId, { talkMs: 1_000 })
    const { callId } = await ended
    await until('transcription queued', () => w.daemon.speechRepo.jobOfCall(callId) !== undefined)
    const said: Segment[] = [{ speaker: 'operator', startMs: 1_000, endMs: 3_000, text: 'Good afternoon, how can I help?' }, { speaker: 'operator', startMs: 5_000, endMs: 7_000, text: 'That is stupid.' }]
    const [job] = w.daemon.speechRepo.claimDue(Date.now(), 'test-transcriber', 60_000, 1)
    const score = scoreCall(said, [])
    t.ok(w.daemon.speechRepo.finish(job!.jobId, 'test-transcriber', Date.now(), { callId, language: 'en', engine: 'fixed', model: 'fixed-test', segments: said },
      { ruleSetId: 'default', score: score.score, findings: score.findings, metrics: score.metrics, alerts: 0, createdAt: Date.now() }))

    const page = await send(sup, '/admin/qa-rules/try', { definition: definition([greetingRule, swearRule]), transcript: '', callId })
    t.equal(page.status, 200)
    t.match(page.body, /<tr class="finding" data-rule="rude">[\s\S]*?<td>0:06<\/td>/, "the word's moment inside its segment (5–7 s)")
    t.notMatch(page.body, /data-rule="greet"/)

    const viaApi = await sup.api('POST', '/api/qa/rule-sets/try', { rules: [greetingRule, swearRule], transcript: 'operator: hello\noperator: you are stupid' })
    t.equal(viaApi.status, 200)
    t.same(viaApi.json.findings.map((f: { ruleId: string }) => f.ruleId), ['greet', 'rude'], 'no "good afternoon"; "stupid" said')
    t.equal(viaApi.json.score, 60)
    t.match((await sup.api('POST', '/api/qa/rule-sets/try', { rules: [greetingRule], callId })).json, { score: 100, findings: [] })
    const bad = await sup.api('POST', '/api/qa/rule-sets/try', { rules: [greetingRule], transcript: 'hello' })
    t.equal(bad.status, 400)
    t.match(bad.json.message, /transcript: line 1: expected "operator: text"/)
    t.equal((await sup.api('POST', '/api/qa/rule-sets/try', { rules: [greetingRule] })).status, 400)
    t.equal((await op.api('POST', '/api/qa/rule-sets/try', { rules: [greetingRule], transcript: 'operator: hi' })).status, 403)
  })

  await t.test('remove a set (the form asks first)', async (t) => {
    t.match((await boss.get('/admin/qa-rules')).body, /action="\/admin\/qa-rules\/fridge-script\/remove" class="qa-remove" data-confirm="Remove Fridge script\?"/)
    const removed = await send(boss, '/admin/qa-rules/fridge-script/remove', {})
    t.equal(removed.status, 302)
    t.equal(stored('fridge-script'), undefined)
    t.equal((await send(boss, '/admin/qa-rules/fridge-script/remove', {})).status, 404)
  })
})
