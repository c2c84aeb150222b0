// Leads from Telegram: the bot's webhook (the JSON and web-form intake are in intake.test.ts).
import t from 'tap'
import { askForPhoneText } from '../../src/http/routes/intake.js'
import { anaId, bearer, count, leadsTestApp, t0, telegramSecret, type LeadsTestApp } from './leads-helpers.js'

const postLead = (w: LeadsTestApp, token: string, payload: unknown) =>
  w.app.inject({ method: 'POST', url: '/api/leads', headers: bearer(token), payload: payload as Record<string, unknown> })

const chat = { id: 5550001, type: 'private', first_name: 'Irina' }
const from = { id: 5550001, is_bot: false, first_name: 'Irina', last_name: 'K', username: 'irina_k', language_code: 'ru' }
let updateId = 900_000
const update = (message: Record<string, unknown>, id = ++updateId) =>
  ({ update_id: id, message: { message_id: id - 899_000, date: t0 / 1000, chat, from, ...message } })
const contact = { phone_number: '79991234567', first_name: 'Irina', user_id: from.id }

/** `secret` null: no secret header at all. */
const sendUpdate = (w: LeadsTestApp, payload: unknown, secret: string | null = telegramSecret) =>
  w.app.inject({
    method: 'POST', url: '/api/telegram/webhook', payload: payload as Record<string, unknown>,
    headers: secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }
  })

t.test('the Telegram webhook is off while no secret is configured', async (t) => {
  const w = await leadsTestApp({ telegram: { secretToken: '' } })
  t.teardown(w.close)
  const res = await sendUpdate(w, update({ contact }), '')
  t.equal(res.statusCode, 404)
  t.equal(count(w.db, 'leads'), 0)
})

t.test('the Telegram webhook wants the secret header', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  w.app.addHook('onRequest', async (req) => { req.log.info({ headers: req.headers }, 'headers seen') })
  t.equal((await sendUpdate(w, { update_id: 1 })).statusCode, 200)
  for (const secret of [null, '', 'wrong', `${telegramSecret}x`, telegramSecret.slice(0, -1)]) {
    const res = await sendUpdate(w, update({ contact }), secret)
    t.equal(res.statusCode, 401, String(secret))
    t.same(res.json(), { error: 'UNAUTHORIZED', message: 'X-Telegram-Bot-Api-Secret-Token is missing or wrong' })
  }
  t.equal(count(w.db, 'leads'), 0)
  t.ok(w.logLines.some((line) => line.includes('headers seen') && line.includes('[redacted]')))
  t.notOk(w.logLines.join('').includes(telegramSecret), 'the secret is not logged')
})

t.test('a shared contact becomes a lead; the same update sent again makes no second one', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const u = update({ contact, text: undefined })
  const res = await sendUpdate(w, u)
  t.equal(res.statusCode, 200)
  const leadId = res.json().leadId
  t.same(res.json(), { ok: true, outcome: 'created', leadId })
  t.match(w.repo.get(leadId), { channel: 'telegram', source: 'telegram', phone: '+79991234567', name: 'Irina K (@irina_k)', externalId: 'tg:5550001', ownerId: anaId })
  t.equal(w.repo.events(leadId)[0]?.actor, 'telegram')

  const replay = await sendUpdate(w, u)
  t.equal(replay.statusCode, 200)
  t.same(replay.json(), { ok: true, outcome: 'replayed', leadId })
  t.equal(count(w.db, 'leads'), 1)
  t.same(w.repo.events(leadId).map((e) => e.kind), ['created'])
})

const askedForPhone = {
  method: 'sendMessage', chat_id: chat.id, text: askForPhoneText,
  reply_markup: { keyboard: [[{ text: 'Share my phone number', request_contact: true }]], one_time_keyboard: true, resize_keyboard: true }
}

t.test('a first message without a phone makes a lead known by the chat, and asks for the phone', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const hello = await sendUpdate(w, update({ text: 'Do you have the Bosch KGN39?' }))
  t.equal(hello.statusCode, 200)
  const leadId = hello.json().leadId
  t.same(hello.json(), { ok: true, outcome: 'created', leadId, ...askedForPhone })
  t.match(w.repo.get(leadId), {
    channel: 'telegram', source: 'telegram', phone: null, phoneProblem: null, email: null, customerId: null, name: 'Irina K (@irina_k)',
    message: 'Do you have the Bosch KGN39?', externalId: 'tg:5550001', status: 'new', ownerId: anaId, deadlineAt: t0 + 40 * 60_000
  })
  t.same(w.emitted, ['lead.created'])
  t.same(w.repo.steps(leadId).map((s) => s.step), ['reminder', 'owner_call'], 'the SLA ladder runs as for any lead')
})

t.test('the contact shared later fills in the phone of the same lead; the next message is added to it', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const { leadId } = (await sendUpdate(w, update({ text: 'Do you have the Bosch KGN39?' }))).json()
  w.clock.ms += 60_000
  const shared = await sendUpdate(w, update({ contact }))
  t.same(shared.json(), { ok: true, outcome: 'updated', leadId }, 'no more asking once the phone is known')
  t.match(w.repo.get(leadId), { phone: '+79991234567', phoneProblem: null, customerId: /^cus_/, message: 'Do you have the Bosch KGN39?' })
  w.clock.ms += 60_000
  const more = await sendUpdate(w, update({ text: 'In white, please' }))
  t.same(more.json(), { ok: true, outcome: 'updated', leadId })
  w.clock.ms += 60_000
  const photo = await sendUpdate(w, update({ caption: 'Like this one', photo: [{ file_id: 'abc', width: 90, height: 90 }] }))
  t.same(photo.json(), { ok: true, outcome: 'updated', leadId })
  t.equal(count(w.db, 'leads'), 1)
  t.equal(w.repo.get(leadId)?.message, 'Do you have the Bosch KGN39?\n---\nIn white, please\n---\nLike this one')
  const events = w.repo.events(leadId)
  t.same(events.map((e) => [e.kind, e.actor]), [['created', 'telegram'], ['updated', 'telegram'], ['updated', 'telegram'], ['updated', 'telegram']])
  t.same(JSON.parse(events[1]!.data!).filled, ['phone'])
  t.same(w.emitted, ['lead.created', 'lead.updated', 'lead.updated', 'lead.updated'])
})

t.test('messages before the phone is shared join the lead and ask again; a replay asks again too', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const { leadId } = (await sendUpdate(w, update({ text: 'Hello' }))).json()
  const second = update({ text: 'Anyone there?' })
  t.same((await sendUpdate(w, second)).json(), { ok: true, outcome: 'updated', leadId, ...askedForPhone })
  t.same((await sendUpdate(w, second)).json(), { ok: true, outcome: 'replayed', leadId, ...askedForPhone })
  t.equal(w.repo.get(leadId)?.message, 'Hello\n---\nAnyone there?')
  t.equal(count(w.db, 'leads'), 1)
})

t.test('a shared number that is not a phone is kept as given, with its problem', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const { leadId } = (await sendUpdate(w, update({ text: 'Hello' }))).json()
  const shared = (await sendUpdate(w, update({ contact: { ...contact, phone_number: '12' } }))).json()
  t.same(shared, { ok: true, outcome: 'updated', leadId })
  t.match(w.repo.get(leadId), { phone: '+12', phoneProblem: 'not a phone number', customerId: null })
})

t.test('a Telegram contact joins the customer\'s open lead from another channel, which then knows the chat', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const fromApi = (await postLead(w, w.tokenFor('admin'), { phone: '+79991234567', message: 'from the site' })).json().lead
  const shared = (await sendUpdate(w, update({ contact }))).json()
  t.same(shared, { ok: true, outcome: 'updated', leadId: fromApi.leadId })
  t.equal(w.repo.get(fromApi.leadId)?.externalId, 'tg:5550001')
  const text = (await sendUpdate(w, update({ text: 'Hello again' }))).json()
  t.same(text, { ok: true, outcome: 'updated', leadId: fromApi.leadId })
  t.equal(count(w.db, 'leads'), 1)
})

t.test('a chat whose lead is closed starts a new lead', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const first = (await sendUpdate(w, update({ contact }))).json()
  w.leads.changeStatus(first.leadId, 'closed', { actor: 'system' })
  const again = (await sendUpdate(w, update({ text: 'Me again' }))).json()
  t.same(again, { ok: true, outcome: 'created', leadId: again.leadId, ...askedForPhone })
  t.not(again.leadId, first.leadId)
  t.match(w.repo.get(again.leadId), { externalId: 'tg:5550001', phone: null, message: 'Me again' })
  const shared = (await sendUpdate(w, update({ contact }))).json()
  t.same(shared, { ok: true, outcome: 'updated', leadId: again.leadId })
  t.equal(count(w.db, 'leads'), 2)
})

t.test('another chat is another customer', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const mine = (await sendUpdate(w, update({ text: 'Hello' }))).json()
  const theirs = (await sendUpdate(w, update({ chat: { ...chat, id: 5550002 }, from: { ...from, id: 5550002, username: 'oleg' }, text: 'Hi' }))).json()
  t.equal(theirs.outcome, 'created')
  t.not(theirs.leadId, mine.leadId)
  t.equal(w.repo.get(theirs.leadId)?.externalId, 'tg:5550002')
})

t.test('updates that are not a person\'s private message are answered 200 and ignored', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const others = [
    { update_id: ++updateId, edited_message: { message_id: 1, date: 1, chat, from, text: 'edit' } },
    { update_id: ++updateId, callback_query: { id: 'q', from, data: 'x' } },
    update({ chat: { id: -100123, type: 'supergroup', title: 'Shop fans' }, text: 'hi all' }),
    update({ from: { id: 42, is_bot: true, first_name: 'OtherBot' }, text: 'beep' })
  ]
  for (const u of others) {
    const res = await sendUpdate(w, u)
    t.equal(res.statusCode, 200)
    t.same(res.json(), { ok: true, outcome: 'ignored', leadId: null })
  }
  t.equal(count(w.db, 'leads'), 0)
})

t.test('a malformed update is a 400 naming the field', async (t) => {
  const w = await leadsTestApp()
  t.teardown(w.close)
  const res = await sendUpdate(w, { message: { text: 'hi' } })
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /update_id: is required/)
})
