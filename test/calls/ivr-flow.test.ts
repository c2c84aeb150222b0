// Voice menus end to end: the simulated caller hears the menu and presses keys over ARI DTMF.
import t, { type Test } from 'tap'
import { systemClock } from '../../src/clock.js'
import type { MenuDefinition } from '../../src/catalog/menu-service.js'
import { startWorld, until, type World } from '../helpers/world.js'
import { EventStream } from '../sim/helpers.js'

const mainMenu: MenuDefinition = {
  name: 'Main', greeting: ['sound:ringlead/welcome'], prompt: ['sound:ringlead/demo-menu'],
  options: {
    1: { kind: 'category', categoryId: 'ovens' },
    2: { kind: 'menu', menuId: 'service' },
    9: { kind: 'callback' }
  },
  timeoutSeconds: 0.3, repeats: 1, defaultAction: { kind: 'route' }, afterHours: null
}
const serviceMenu: MenuDefinition = {
  name: 'Service', greeting: [], prompt: ['sound:ringlead/demo-menu'],
  options: { 1: { kind: 'operator', operatorId: 'op_103' } },
  timeoutSeconds: 0.3, repeats: 0, defaultAction: { kind: 'route' }, afterHours: null
}

async function shop (t: Test): Promise<World> {
  const w = await startWorld({ routing: { ringTimeoutSeconds: 2 } })
  t.teardown(() => w.close())
  w.addCategory('ovens')
  w.addOperator('101', { skills: {} })
  w.addOperator('102', { skills: { ovens: 3 } })
  w.addOperator('103')
  w.daemon.menus.save('service', serviceMenu, false)
  w.daemon.menus.save('main', mainMenu, true)
  w.addNumber('74950000000', { source: 'site' })
  return w
}

t.test('a key chooses the category: the call is routed to its specialist and shows the path', async (t) => {
  const w = await shop(t)
  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000', dtmf: [{ digit: '1', afterMs: 100 }] })
  await w.hangUpWhenRecorded(caller.channelId)
  const call = await ended
  t.equal(call.status, 'answered')
  t.equal(call.answeredBy, 'op_102', 'the ovens specialist')
  t.equal(call.categoryId, 'ovens')
  t.same(call.menuPath, ['main:1'])
  t.same(w.sim.heard(caller.channelId).slice(0, 2), ['sound:ringlead/welcome', 'sound:ringlead/demo-menu'])
  const story = w.daemon.repo.call(call.callId)!
  t.equal(story.categoryId, 'ovens')
  t.same(JSON.parse(story.menuPath!), ['main:1'])
  t.match(JSON.parse(story.plan!).steps[0], { kind: 'specialist', targets: [{ operatorId: 'op_102' }] })
})

t.test('a sub-menu leads to a named operator, who is rung first', async (t) => {
  const w = await shop(t)
  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000', dtmf: [{ digit: '2', afterMs: 50 }, { digit: '1', afterMs: 400 }] })
  await w.hangUpWhenRecorded(caller.channelId)
  const call = await ended
  t.same(call.menuPath, ['main:2', 'service:1'])
  t.equal(call.answeredBy, 'op_103')
  t.match(JSON.parse(w.daemon.repo.call(call.callId)!.plan!).steps[0], { kind: 'menu', targets: [{ operatorId: 'op_103' }], reasons: ['chosen in the voice menu: op_103'] })
})

t.test('silence and a wrong key repeat the menu, then the default route takes the call', async (t) => {
  const w = await shop(t)
  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000', dtmf: [{ digit: '7', afterMs: 50 }] })
  await w.hangUpWhenRecorded(caller.channelId)
  const call = await ended
  t.equal(call.status, 'answered')
  t.same(call.menuPath, ['main:invalid', 'main:timeout'])
  t.ok(w.sim.heard(caller.channelId).includes('sound:ringlead/invalid-key'), 'the caller heard that the key was wrong')
  t.equal(call.categoryId, null)
})

t.test('"call me back" in the menu ends the call politely with a callback lead', async (t) => {
  const w = await shop(t)
  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000', dtmf: [{ digit: '9', afterMs: 50 }] })
  const call = await ended
  t.equal(call.status, 'callback')
  t.equal(call.endReason, 'the caller chose a callback in the voice menu')
  t.same(call.attempts, [], 'no operator was rung')
  t.equal(w.sim.heard(caller.channelId).at(-1), 'sound:ringlead/callback-taken')
  await until('lead made', () => w.daemon.leadsRepo.byCall(call.callId) !== undefined)
  t.match(w.daemon.leadsRepo.byCall(call.callId), { channel: 'call', phone: '+79031112233', status: 'new', message: /callback requested: the caller chose a callback/ })
  const story = (await w.daemon.app.inject({ url: `/api/calls/${call.callId}`, headers: { authorization: `Bearer ${w.token}` } })).json()
  t.equal(story.call.leadId, w.daemon.leadsRepo.byCall(call.callId)!.leadId, 'the call\'s story names the lead it made')
  t.equal(story.call.status, 'callback')
  await caller.ended
})

t.test('after hours the menu\'s night action takes over', async (t) => {
  // Open one minute a day, at 03:00 UTC, and the clock says 12:00 UTC.
  const hours = JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [['03:00', '03:01']]])))
  const noon = Date.UTC(2026, 10, 23, 12, 0, 0)
  const w = await startWorld({ leads: { timeZone: 'UTC', workingHours: hours } }, { clock: { now: () => noon, setTimeout: systemClock.setTimeout } })
  t.teardown(() => w.close())
  w.addOperator('101')
  w.daemon.menus.save('main', { ...mainMenu, options: {}, prompt: [], afterHours: { kind: 'callback' } }, true)
  const ended = w.ended()
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000' })
  const call = await ended
  t.equal(call.status, 'callback')
  t.same(call.menuPath, ['main:after_hours'])
  t.notOk(w.sim.heard(caller.channelId).includes('sound:ringlead/welcome'), 'no daytime greeting at night')
})

t.test('the caller hanging up in the menu is an abandoned call with the path so far', async (t) => {
  const w = await shop(t)
  const ended = w.ended()
  w.sim.placeCall({ from: '+79031112233', did: '74950000000', hangupAfterMs: 150 })
  const call = await ended
  t.equal(call.status, 'abandoned')
  t.equal(call.endReason, 'caller hung up in the voice menu')
  t.same(call.attempts, [])
})

t.test('a key pressed during a long prompt stops it: the caller joins the operator without waiting for the prompt to end', async (t) => {
  // The menu prompt lasts 12,000 protocol seconds (10 minutes here): only stopping it lets the
  // caller into a bridge, since Asterisk joins a channel only when its playback ends.
  const w = await startWorld({ routing: { ringTimeoutSeconds: 2 } }, {}, { sounds: { 'ringlead/endless-menu': 12_000 } })
  t.teardown(() => w.close())
  w.addCategory('ovens')
  w.addOperator('102', { skills: { ovens: 3 } })
  w.daemon.menus.save('main', { ...mainMenu, greeting: [], prompt: ['sound:ringlead/endless-menu'], options: { 1: { kind: 'category', categoryId: 'ovens' } } }, true)
  w.addNumber('74950000000', { source: 'site' })
  const ended = w.ended()
  // ringlead's app filters out the bridge events it never reads: a watcher of its own sees them.
  const watch = await EventStream.open(w.sim, 'app=test-watch&subscribeAll=true')
  t.teardown(() => { watch.close() })
  const caller = w.sim.placeCall({ from: '+79031112233', did: '74950000000', dtmf: [{ digit: '1', afterMs: 100 }] })
  await until('the caller is in a bridge with the operator', () => w.sim.bridges().some((b) => b.channelIds.includes(caller.channelId) && b.channelIds.length === 2), 30_000)
  const order = w.sim.wire.events().filter((e) => e.application === 'test-watch').map((e) => e.body).flatMap((b) => {
    if (b.type === 'PlaybackFinished' && (b.playback as { media_uri: string }).media_uri === 'sound:ringlead/endless-menu') return ['prompt finished']
    if (b.type === 'ChannelEnteredBridge' && (b.channel as { id: string }).id === caller.channelId) return ['caller entered']
    return []
  })
  t.same(order, ['prompt finished', 'caller entered'], 'the prompt was stopped, then the caller joined')
  w.sim.hangup(caller.channelId)
  const call = await ended
  t.equal(call.status, 'answered')
  t.equal(call.answeredBy, 'op_102')
  t.same(call.menuPath, ['main:1'])
})
