// Leads end to end through the simulator: calls become leads, the operator keys the outcome on the
// phone, and the SLA ladder calls the owner's and the manager's phones.
import t from 'tap'
import { systemClock, type Clock } from '../../src/clock.js'
import { startWorld, until, type World } from '../helpers/world.js'

const allDay = JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [['00:00', '24:00']]])))
const leadsConfig = { workingHours: allDay, timeZone: 'UTC', dispositionTimeoutSeconds: 1, reminderBeforeMinutes: 10, ownerCallRetries: 1, retryEveryMinutes: 5, managerGraceMinutes: 15 }

/** A clock the test moves: the ladder's deadlines are tens of minutes away (the calls' timers run as usual). */
function clock (): Clock & { advance: (ms: number) => void } {
  let offset = 0
  return { now: () => Date.now() + offset, setTimeout: systemClock.setTimeout, advance: (ms) => { offset += ms } }
}

const operatorLeg = (w: World, endpoint: string): string | undefined =>
  w.sim.channels().find((c) => c.origin === 'originated' && `PJSIP/${c.endpoint}` === endpoint && c.inStasis)?.channelId

t.test('a missed call becomes a callback lead owned by the operator routing would pick, with its ladder', async (t) => {
  const w = await startWorld({ leads: leadsConfig, routing: { ringTimeoutSeconds: 1 } })
  t.teardown(() => w.close())
  w.addCategory('ovens')
  w.addNumber('74951110000', { source: 'site', categoryId: 'ovens' })
  w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  const specialist = w.addOperator('102', { behaviour: { kind: 'noanswer' }, skills: { ovens: 5 } })
  const created = new Promise<any>((resolve) => w.daemon.bus.once('lead.created', resolve))
  w.sim.placeCall({ from: '+79031112233', did: '74951110000' })
  const e = await created
  const lead = w.daemon.leadsRepo.get(e.leadId)!
  t.match(lead, { channel: 'call', phone: '+79031112233', status: 'new', ownerId: specialist, source: 'site', categoryId: 'ovens', awaitingDisposition: false })
  t.ok(lead.deadlineAt! > lead.createdAt, 'has a deadline')
  t.same(w.daemon.leadsRepo.steps(lead.leadId).map((s) => [s.step, s.state]), [['reminder', 'pending'], ['owner_call', 'pending']])
  t.match(JSON.parse(lead.ownerReasons!)[0], /specialist for ovens/)
})

t.test('a second request from the same customer updates the open lead instead of making a new one', async (t) => {
  const w = await startWorld({ leads: leadsConfig, routing: { ringTimeoutSeconds: 1 } })
  t.teardown(() => w.close())
  w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  const first = new Promise<any>((resolve) => w.daemon.bus.once('lead.created', resolve))
  w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  const { leadId } = await first
  const updated = new Promise<any>((resolve) => w.daemon.bus.once('lead.updated', resolve))
  const { lead, created } = w.daemon.leads.intake({ channel: 'form', phone: '8 903 111 22 33', name: 'Ivan', message: 'call me about ovens' }, 'test')
  t.equal(created, false)
  t.equal(lead.leadId, leadId)
  t.equal(lead.name, 'Ivan')
  t.equal((await updated).leadId, leadId)
  t.same(w.daemon.leadsRepo.events(leadId).map((e) => e.kind), ['created', 'updated'])
})

/** An answered call whose caller hangs up once they talk: the operator stays on the line for the disposition menu. */
async function answeredCall (w: World, from: string) {
  const ended = w.ended()
  const caller = w.sim.placeCall({ from, did: '74950000000' })
  await w.talking(await w.callOf(caller.channelId))
  const leg = operatorLeg(w, 'PJSIP/101')!
  w.sim.hangup(caller.channelId)
  return { ...await ended, leg }
}

/** Until the operator's phone plays `prompt`: the menu listens for keys from then on. */
const asked = (w: World, prompt: string) =>
  until(`operator hears ${prompt}`, () => w.sim.heard(operatorLeg(w, 'PJSIP/101') ?? '').includes(`sound:ringlead/${prompt}`))

// A key comes well within the time the menu gives (the machine may be slow); only silence waits it out.
const patientMenu = { ...leadsConfig, dispositionPrompt: true, dispositionTimeoutSeconds: 300 }

t.test('after the customer hangs up, the operator keys 1 and the lead is a deal', async (t) => {
  const w = await startWorld({ leads: patientMenu })
  t.teardown(() => w.close())
  const op = w.addOperator('101')
  const call = await answeredCall(w, '+79031112233')
  const lead = await until('lead awaiting disposition', () => w.daemon.leadsRepo.byCall(call.callId)?.awaitingDisposition === true).then(() => w.daemon.leadsRepo.byCall(call.callId)!)
  t.match(lead, { ownerId: op, status: 'in_progress' })
  await until('operator still on the line, in wrap-up, offered no calls', () => operatorLeg(w, 'PJSIP/101') !== undefined && w.daemon.board.view(op)?.state === 'wrap_up')
  await asked(w, 'disposition-menu')
  const disposed = new Promise<any>((resolve) => w.daemon.bus.once('disposition.recorded', resolve))
  w.sim.sendDtmf(operatorLeg(w, 'PJSIP/101')!, '1')
  const d = await disposed
  t.equal(d.change.to, 'deal')
  t.match(w.daemon.leadsRepo.get(lead.leadId), { status: 'deal', awaitingDisposition: false })
  await until('operator leg hung up after the thank-you', () => w.sim.channels().length === 0)
  await until('operator free again', () => w.daemon.board.view(op)?.state === 'available')
})

t.test('a key pressed during a long disposition prompt stops it: the thank-you follows at once', async (t) => {
  // The menu prompt lasts 12,000 protocol seconds (10 minutes here); the thank-you would wait behind it.
  const w = await startWorld({ leads: { ...leadsConfig, dispositionPrompt: true, dispositionTimeoutSeconds: 5 } }, {}, { sounds: { 'ringlead/disposition-menu': 12_000 } })
  t.teardown(() => w.close())
  const op = w.addOperator('101')
  const call = await answeredCall(w, '+79031112233')
  await until('the disposition prompt plays', () => { const leg = operatorLeg(w, 'PJSIP/101'); return leg !== undefined && w.sim.heard(leg).includes('sound:ringlead/disposition-menu') })
  const leg = operatorLeg(w, 'PJSIP/101')!
  w.sim.sendDtmf(leg, '1')
  await until('operator leg hung up after the thank-you', () => w.sim.channels().length === 0, 30_000)
  t.match(w.daemon.leadsRepo.byCall(call.callId), { status: 'deal', awaitingDisposition: false })
  const played = w.sim.wire.events().map((e) => e.body).filter((b) => b.type === 'PlaybackFinished' && (b.playback as { target_uri: string }).target_uri === `channel:${leg}`)
  t.match(played.map((b) => b.playback), [{ media_uri: 'sound:ringlead/disposition-menu', state: 'done' }, { media_uri: 'sound:ringlead/thank-you', state: 'done' }])
  await until('operator free again', () => w.daemon.board.view(op)?.state === 'available')
})

t.test('the operator keys a refusal with its reason', async (t) => {
  const w = await startWorld({ leads: patientMenu })
  t.teardown(() => w.close())
  w.addOperator('101')
  const refused = await answeredCall(w, '+79031112233')
  await asked(w, 'disposition-menu')
  w.sim.sendDtmf(operatorLeg(w, 'PJSIP/101')!, '2')
  await asked(w, 'refusal-reasons')
  w.sim.sendDtmf(operatorLeg(w, 'PJSIP/101')!, '3')
  await until('refused', () => w.daemon.leadsRepo.byCall(refused.callId)?.status === 'refused')
  t.equal(w.daemon.leadsRepo.byCall(refused.callId)?.refusalReason, 'delivery_terms')
  await until('line free', () => w.sim.channels().length === 0)
})

t.test('a WebSocket outage during the disposition menu keeps the operator on the line; the key they press after it counts', async (t) => {
  const w = await startWorld({ leads: patientMenu })
  t.teardown(() => w.close())
  const op = w.addOperator('101')
  const call = await answeredCall(w, '+79031112233')
  await asked(w, 'disposition-menu')
  const leg = operatorLeg(w, 'PJSIP/101')!
  const squared = w.daemon.center.squared
  w.sim.dropWebSockets()
  await until('squared with Asterisk after the reconnect', () => w.daemon.center.squared > squared)
  t.ok(w.sim.channels().some((c) => c.channelId === leg), 'the operator is still on the line, not hung up as a stray leg')
  w.sim.sendDtmf(leg, '1')
  await until('the lead is a deal', () => w.daemon.leadsRepo.byCall(call.callId)?.status === 'deal')
  await until('operator leg hung up after the thank-you', () => w.sim.channels().length === 0)
  await until('operator free again', () => w.daemon.board.view(op)?.state === 'available')
})

t.test('an operator who keys nothing leaves the lead awaiting disposition', async (t) => {
  const w = await startWorld({ leads: { ...leadsConfig, dispositionPrompt: true, dispositionTimeoutSeconds: 1 } })
  t.teardown(() => w.close())
  w.addOperator('101')
  const silent = await answeredCall(w, '+79035550000')
  await until('menu timed out and hung up', () => w.sim.channels().length === 0)
  t.ok(w.sim.heard(silent.leg).includes('sound:ringlead/disposition-menu'), 'the operator was asked')
  await until('lead of the call', () => w.daemon.leadsRepo.byCall(silent.callId) !== undefined)
  t.match(w.daemon.leadsRepo.byCall(silent.callId), { status: 'in_progress', awaitingDisposition: true })
})

t.test('at the deadline the owner\'s phone rings with the summary; pressing 1 calls the customer and bridges them', async (t) => {
  const c = clock()
  const w = await startWorld({ leads: { ...leadsConfig, customerDialString: 'PJSIP/{number}' }, routing: { ringTimeoutSeconds: 1 } }, { clock: c })
  t.teardown(() => w.close())
  const owner = w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  w.sim.addEndpoint('79031112233', { registered: true, behaviour: { kind: 'answer', afterMs: 20 } })
  const { lead } = w.daemon.leads.intake({ channel: 'api', phone: '+79031112233', name: 'Ivan' }, 'test')
  t.equal(lead.ownerId, owner)
  t.equal(w.daemon.escalations.tick(c.now()), 0, 'nothing due yet')

  c.advance(31 * 60_000) // the reminder, 10 minutes before the 40-minute deadline
  const reminded = new Promise<any>((resolve) => w.daemon.bus.once('lead.escalated', resolve))
  t.equal(w.daemon.escalations.tick(c.now()), 1)
  t.equal((await reminded).change.kind, 'reminder')

  w.sim.setBehaviour('101', { kind: 'answer', afterMs: 20 })
  c.advance(10 * 60_000)
  t.equal(w.daemon.escalations.tick(c.now()), 1, 'the call to the owner is due')
  await until('owner answered the escalation call', () => operatorLeg(w, 'PJSIP/101') !== undefined)
  w.sim.sendDtmf(operatorLeg(w, 'PJSIP/101')!, '1')
  await until('owner and customer bridged', () => w.sim.bridges().some((b) => b.channelIds.length === 2))
  w.hangUpPhone('79031112233')
  await w.daemon.escalations.drain()
  const after = w.daemon.leadsRepo.get(lead.leadId)!
  t.equal(after.status, 'in_progress', 'reaching the customer is a response')
  t.equal(after.deadlineAt, null)
  const steps = w.daemon.leadsRepo.steps(lead.leadId)
  t.match(steps.find((s) => s.step === 'owner_call'), { state: 'done', result: /^connected/ })
  t.notOk(steps.some((s) => s.state === 'pending'), 'nothing more on the ladder')
  t.ok(w.daemon.leadsRepo.events(lead.leadId).some((e) => e.kind === 'response'))
  await until('all hung up', () => w.sim.channels().length === 0)
})

t.test('a key pressed the instant the owner picks up is not lost', async (t) => {
  const c = clock()
  const w = await startWorld({ leads: { ...leadsConfig, reminderBeforeMinutes: 0, customerDialString: 'PJSIP/{number}' }, routing: { ringTimeoutSeconds: 1 } }, { clock: c })
  t.teardown(() => w.close())
  w.addOperator('101', { behaviour: { kind: 'answer', afterMs: 20, keysOnAnswer: '1' } })
  w.sim.addEndpoint('79031112233', { registered: true, behaviour: { kind: 'answer', afterMs: 20 } })
  const { lead } = w.daemon.leads.intake({ channel: 'api', phone: '+79031112233' }, 'test')
  c.advance(41 * 60_000)
  t.equal(w.daemon.escalations.tick(c.now()), 1)
  await until('owner and customer bridged', () => w.sim.bridges().some((b) => b.channelIds.length === 2))
  w.hangUpPhone('79031112233')
  await w.daemon.escalations.drain()
  t.match(w.daemon.leadsRepo.steps(lead.leadId).find((s) => s.step === 'owner_call'), { state: 'done', result: /^connected/ })
  await until('all hung up', () => w.sim.channels().length === 0)
})

t.test('the owner pressing 1 during a long summary stops it: the customer is dialled and bridged without waiting for its end', async (t) => {
  // The summary opens with a prompt of 12,000 protocol seconds (10 minutes here): only stopping it
  // lets the call go on.
  const c = clock()
  const w = await startWorld({ leads: { ...leadsConfig, reminderBeforeMinutes: 0, customerDialString: 'PJSIP/{number}' }, routing: { ringTimeoutSeconds: 1 } }, { clock: c }, { sounds: { 'ringlead/lead-waiting': 12_000 } })
  t.teardown(() => w.close())
  w.addOperator('101', { behaviour: { kind: 'answer', afterMs: 20 } })
  // The customer hangs up once bridged, not a fixed time after answering: on a busy machine the
  // bridge may come later than any fixed time.
  w.sim.addEndpoint('79031112233', { registered: true, behaviour: { kind: 'answer', afterMs: 20 } })
  const { lead } = w.daemon.leads.intake({ channel: 'api', phone: '+79031112233', name: 'Ivan' }, 'test')
  c.advance(41 * 60_000)
  t.equal(w.daemon.escalations.tick(c.now()), 1)
  await until('the owner hears the summary', () => { const leg = operatorLeg(w, 'PJSIP/101'); return leg !== undefined && w.sim.heard(leg).includes('sound:ringlead/lead-waiting') })
  const ownerLeg = operatorLeg(w, 'PJSIP/101')!
  t.same(w.sim.channels().find((c) => c.channelId === ownerLeg)?.caller, { name: 'Lead Ivan', number: '79031112233' }, 'the owner\'s phone shows the lead')
  w.sim.sendDtmf(ownerLeg, '1')
  await until('owner and customer bridged', () => w.sim.bridges().some((b) => b.channelIds.includes(ownerLeg) && b.channelIds.length === 2), 30_000)
  w.hangUpPhone('79031112233')
  t.match(w.sim.heard(ownerLeg), ['sound:ringlead/lead-waiting', /^number:\d+$/, 'sound:ringlead/lead-from-number', 'digits:79031112233', 'sound:ringlead/press-1-to-call', 'sound:ringlead/connecting'])
  const finished = w.sim.wire.events().map((e) => e.body).filter((b) => b.type === 'PlaybackFinished' && (b.playback as { target_uri: string }).target_uri === `channel:${ownerLeg}`)
  t.match(finished.map((b) => b.playback), [{ media_uri: 'sound:ringlead/lead-waiting', state: 'done' }, { media_uri: 'sound:ringlead/connecting', state: 'done' }], 'the summary stopped at its first part, then "connecting" played')
  await w.daemon.escalations.drain()
  t.match(w.daemon.leadsRepo.steps(lead.leadId).find((s) => s.step === 'owner_call'), { state: 'done', result: /^connected/ })
  await until('all hung up', () => w.sim.channels().length === 0)
})

t.test('an owner who does not answer is called again, then the manager, who gives the lead to the next free operator', async (t) => {
  const c = clock()
  const w = await startWorld({ leads: { ...leadsConfig, reminderBeforeMinutes: 0 }, routing: { ringTimeoutSeconds: 1 } }, { clock: c })
  t.teardown(() => w.close())
  const owner = w.addOperator('101', { behaviour: { kind: 'noanswer' } })
  const manager = w.addOperator('109', { isManager: true })
  const { lead } = w.daemon.leads.intake({ channel: 'api', phone: '+79031112233', ownerId: owner }, 'test')
  const other = w.addOperator('102')

  c.advance(41 * 60_000)
  t.equal(w.daemon.escalations.tick(c.now()), 1)
  await w.daemon.escalations.drain()
  c.advance(6 * 60_000)
  t.equal(w.daemon.escalations.tick(c.now()), 1, 'the owner is called again')
  await w.daemon.escalations.drain()
  const ladder = w.daemon.leadsRepo.steps(lead.leadId)
  t.same(ladder.map((s) => [s.step, s.state, s.attempt]), [['owner_call', 'done', 0], ['owner_call', 'done', 1], ['manager_call', 'pending', 0]])

  c.advance(20 * 60_000)
  t.equal(w.daemon.escalations.tick(c.now()), 1, 'the manager is called')
  await until('manager answered', () => operatorLeg(w, 'PJSIP/109') !== undefined)
  w.sim.sendDtmf(operatorLeg(w, 'PJSIP/109')!, '2')
  await w.daemon.escalations.drain()
  t.equal(w.daemon.leadsRepo.get(lead.leadId)!.ownerId, other)
  t.match(w.daemon.leadsRepo.steps(lead.leadId).at(-1), { step: 'manager_call', state: 'done', targetOperatorId: manager, result: /^reassigned/ })
  t.ok(w.daemon.leadsRepo.events(lead.leadId).some((e) => e.kind === 'owner'))
})

t.test('a follow-up date on a closed deal makes a new task for its owner when it comes', async (t) => {
  const c = clock()
  const w = await startWorld({ leads: leadsConfig }, { clock: c })
  t.teardown(() => w.close())
  const owner = w.addOperator('101')
  const { lead } = w.daemon.leads.intake({ channel: 'api', phone: '+79031112233', ownerId: owner }, 'test')
  w.daemon.leads.changeStatus(lead.leadId, 'deal', { actor: 'test' })
  w.daemon.leads.changeStatus(lead.leadId, 'closed', { actor: 'test', followUpAt: c.now() + 30 * 86_400_000 })
  c.advance(30 * 86_400_000 + 1000)
  t.equal(w.daemon.escalations.tick(c.now()), 1)
  await w.daemon.escalations.drain()
  const open = w.daemon.leadsRepo.list({ open: true })
  t.equal(open.length, 1)
  t.match(open[0], { channel: 'follow_up', ownerId: owner, phone: '+79031112233' })
})
