import t from 'tap'
import { EventStream, ari, startSim } from './helpers.js'

t.test('originate answers 200 at once with a Down AppDial2 channel, and StasisStart only after the phone answers', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 30 } })
  const ev = await EventStream.open(sim)
  const res = await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&appArgs=operator%2C101&callerId=%2B79031112233&timeout=30')
  t.equal(res.status, 200)
  const ch = res.body as Record<string, any>
  t.match(ch, {
    state: 'Down', name: /^PJSIP\/101-[0-9a-f]{8}$/, id: /^\d+\.\d+$/,
    caller: { name: '', number: '+79031112233' }, connected: { name: '', number: '+79031112233' },
    dialplan: { context: 'from-operators', exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' },
    language: 'en', accountcode: ''
  })
  t.match(ch.protocol_id, /^[0-9a-f-]{36}$/)
  const start = await ev.type('StasisStart', ch.id)
  t.same(start.args, ['operator', '101'])
  t.match(start.channel, { state: 'Up', dialplan: { app_name: 'Stasis', app_data: 'ringlead,operator,101' } })
  t.same(ev.about(ch.id), ['Dial ', 'ChannelStateChange Ringing', 'Dial RINGING', 'ChannelStateChange Up', 'Dial ANSWER', 'ChannelVarset STASISSTATUS', 'StasisStart'])
  t.notOk(ev.events.some((e) => e.type === 'ChannelCreated'), 'no ChannelCreated with an app-only subscription')
  const dial = ev.events.find((e) => e.type === 'Dial')!
  t.notOk('caller' in dial, 'Dial carries no caller')
  t.match(dial, { dialstring: '101', forward: '', application: 'ringlead', asterisk_id: /:/, timestamp: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/ })
})

t.test('a ring timeout ends the channel with only ChannelDestroyed 19 "User alerting, no answer" tech_cause 480', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('102', { behaviour: { kind: 'noanswer' } })
  const ev = await EventStream.open(sim)
  const ch = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F102&app=ringlead&timeout=5')).body as { id: string }
  const destroyed = await ev.type('ChannelDestroyed', ch.id)
  t.match(destroyed, { cause: 19, cause_txt: 'User alerting, no answer', tech_cause: 480, channel: { state: 'Ringing' } })
  t.same(ev.about(ch.id), ['Dial ', 'ChannelStateChange Ringing', 'Dial RINGING', 'ChannelDestroyed 19'])
})

t.test('a busy phone gives ChannelHangupRequest 17/486, Dial BUSY, ChannelDestroyed 17 "User busy"', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('103', { behaviour: { kind: 'busy' } })
  const ev = await EventStream.open(sim)
  const ch = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F103&app=ringlead&timeout=15')).body as { id: string }
  const destroyed = await ev.type('ChannelDestroyed', ch.id)
  t.match(destroyed, { cause: 17, cause_txt: 'User busy', tech_cause: 486 })
  t.match(ev.events.find((e) => e.type === 'ChannelHangupRequest'), { cause: 17, tech_cause: 486 })
  t.same(ev.about(ch.id), ['Dial ', 'ChannelHangupRequest 17', 'Dial BUSY', 'ChannelDestroyed 17'])
})

t.test('a registered but dead phone never rings and dies after timer B with cause 18 "No user responding"', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'unreachable' } })
  const ev = await EventStream.open(sim)
  const ch = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&timeout=60')).body as { id: string }
  const destroyed = await ev.type('ChannelDestroyed', ch.id)
  t.match(destroyed, { cause: 18, cause_txt: 'No user responding', tech_cause: 408, channel: { state: 'Down' } })
  t.match(ev.events.find((e) => e.type === 'ChannelHangupRequest'), { cause: 18, tech_cause: 408 })
  t.same(ev.about(ch.id), ['Dial ', 'ChannelHangupRequest 18', 'Dial NOANSWER', 'ChannelDestroyed 18'])
})

t.test('a dead phone with an originate timeout shorter than timer B ends with cause 19 at the timeout', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'unreachable' } })
  const ev = await EventStream.open(sim)
  const ch = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&timeout=15')).body as { id: string }
  t.match(await ev.type('ChannelDestroyed', ch.id), { cause: 19, tech_cause: 480, channel: { state: 'Down' } })
  t.same(ev.about(ch.id), ['Dial ', 'ChannelDestroyed 19'])
})

t.test('originate to an unregistered endpoint fails like an unknown one: 500 {"error":"Allocation failed"}', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('104', { registered: false })
  for (const endpoint of ['PJSIP%2F104', 'PJSIP%2F999', 'Foo%2Fbar']) {
    const res = await ari(sim, 'POST', `/channels?endpoint=${endpoint}&app=ringlead`)
    t.equal(res.status, 500, endpoint)
    t.same(res.body, { error: 'Allocation failed' })
  }
  t.same(sim.channels(), [])
})

t.test('originate validates its parameters with Asterisk\'s messages', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'noanswer' } })
  t.same((await ari(sim, 'POST', '/channels')).body, { message: 'Endpoint must be specified' })
  t.same((await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101')).body, { message: 'Application or extension must be specified' })
  t.same((await ari(sim, 'POST', '/channels?endpoint=garbage&app=ringlead')).body, { message: 'Invalid endpoint specified' })
  const bad = await ari(sim, 'POST', '/channels', '{not json')
  t.same([bad.status, bad.body], [400, { message: 'Error parsing request body' }])
  const nonString = await ari(sim, 'POST', '/channels', { endpoint: 'PJSIP/101', app: 'ringlead', variables: { A: 1, B: true } })
  t.same([nonString.status, nonString.body], [400, { message: "Each value in 'variables' must be a string or an object with 'value' and optional 'report_events'" }])
  const notObject = await ari(sim, 'POST', '/channels', { endpoint: 'PJSIP/101', app: 'ringlead', variables: 'notAnObject' })
  t.equal(notObject.status, 200, 'variables that are not an object are ignored')
  t.equal((await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&timeout=abc')).status, 200, 'a non-numeric timeout is accepted')
})

t.test('callerId "Name <number>" and JSON body variables reach the channel', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 10 } })
  const ev = await EventStream.open(sim)
  const res = await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&callerId=Ivan%20Petrov%20%3C%2B79161234567%3E',
    { variables: { 'CALLERID(name)': 'Ivan Petrov', RINGLEAD_TASK: 'task-1' } })
  const ch = res.body as { id: string; caller: unknown }
  t.same(ch.caller, { name: 'Ivan Petrov', number: '+79161234567' })
  await ev.type('StasisStart', ch.id)
  t.same((await ari(sim, 'GET', `/channels/${ch.id}/variable?variable=RINGLEAD_TASK`)).body, { value: 'task-1' })
  t.same((await ari(sim, 'GET', `/channels/${ch.id}/variable?variable=CALLERID(all)`)).body, { value: '"Ivan Petrov" <+79161234567>' })
  t.same((await ari(sim, 'GET', `/channels/${ch.id}/variable?variable=NOPE_UNSET`)).body, { message: 'Provided variable was not found' })
})

t.test('a client-chosen channel id is used, and a duplicate id is refused with 409', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'noanswer' } })
  const res = await ari(sim, 'POST', '/channels/ringlead-chan-0001?endpoint=PJSIP%2F101&app=ringlead')
  t.match(res.body, { id: 'ringlead-chan-0001' })
  t.equal((await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead&channelId=ringlead-chan-0001')).status, 409)
})

t.test('a ringing originated channel is not in Stasis: answer/play/record/setVar 409, addChannel 422, snoop works', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('102', { behaviour: { kind: 'noanswer' } })
  const ev = await EventStream.open(sim)
  const ch = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F102&app=ringlead&timeout=30')).body as { id: string }
  await ev.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'RINGING')
  const notInStasis = { message: 'Channel not in Stasis application' }
  for (const path of [`/channels/${ch.id}/answer`, `/channels/${ch.id}/play?media=sound%3Aringlead-prompt`, `/channels/${ch.id}/record?name=x7&format=wav`, `/channels/${ch.id}/variable?variable=FOO&value=bar`]) {
    const res = await ari(sim, 'POST', path)
    t.same([res.status, res.body], [409, notInStasis], path)
  }
  t.same((await ari(sim, 'GET', `/channels/${ch.id}/variable?variable=FOO`)).body, { message: 'Provided variable was not found' })
  await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=b7')
  const add = await ari(sim, 'POST', `/bridges/b7/addChannel?channel=${ch.id}`)
  t.same([add.status, add.body], [422, notInStasis])
  const snoop = await ari(sim, 'POST', `/channels/${ch.id}/snoop?spy=in&app=ringlead`)
  t.equal(snoop.status, 200)
  t.match(snoop.body, { name: /^Snoop\//, state: 'Up' })
})

t.test('DELETE while ringing: ChannelHangupRequest 32 soft, Dial NOANSWER, ChannelDestroyed per reason; a second DELETE is 404', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('102', { behaviour: { kind: 'noanswer' } })
  const ev = await EventStream.open(sim)
  const cases: Array<[string, number, string, number | undefined]> = [
    ['reason=no_answer', 19, 'User alerting, no answer', 480],
    ['reason_code=21', 21, 'Call Rejected', 403],
    ['reason_code=17', 17, 'User busy', 486],
    ['', 16, 'Normal Clearing', undefined]
  ]
  for (const [query, cause, text, tech] of cases) {
    const ch = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F102&app=ringlead&timeout=-1')).body as { id: string }
    await ev.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'RINGING' && (e.peer as { id: string }).id === ch.id)
    t.equal((await ari(sim, 'DELETE', `/channels/${ch.id}?${query}`)).status, 204)
    const destroyed = await ev.type('ChannelDestroyed', ch.id)
    t.match(destroyed, { cause, cause_txt: text })
    t.equal(destroyed.tech_cause, tech, `tech_cause for ${query || 'default'}`)
    t.match(ev.events.find((e) => e.type === 'ChannelHangupRequest' && (e.channel as { id: string }).id === ch.id), { cause: 32, soft: true })
    t.same(ev.about(ch.id).slice(-3), ['ChannelHangupRequest 32', 'Dial NOANSWER', `ChannelDestroyed ${cause}`])
    const again = await ari(sim, 'DELETE', `/channels/${ch.id}`)
    t.same([again.status, again.body], [404, { message: 'Channel not found' }])
  }
})

t.test('DELETE of an answered originated channel: HangupRequest 32 soft, StasisEnd, ChannelDestroyed 16', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const ch = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('StasisStart', ch.id)
  t.equal((await ari(sim, 'DELETE', `/channels/${ch.id}`)).status, 204)
  t.match(await ev.type('ChannelDestroyed', ch.id), { cause: 16, cause_txt: 'Normal Clearing', channel: { dialplan: { app_name: 'AppDial2' } } })
  t.same(ev.about(ch.id).slice(-4), ['ChannelHangupRequest 32', 'StasisEnd', 'ChannelVarset STASISSTATUS', 'ChannelDestroyed 16'])
})

t.test('an operator who hangs up after answering sends BYE: HangupRequest without cause, StasisEnd, ChannelDestroyed 16', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5, hangupAfterMs: 20 } })
  const ev = await EventStream.open(sim)
  const ch = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('ChannelDestroyed', ch.id)
  const req = ev.events.find((e) => e.type === 'ChannelHangupRequest')!
  t.notOk('cause' in req, 'remote BYE carries no cause')
  t.same(ev.about(ch.id).slice(-4), ['ChannelHangupRequest', 'StasisEnd', 'ChannelVarset STASISSTATUS', 'ChannelDestroyed 16'])
})
