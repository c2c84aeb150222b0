// Snoop channels in the simulated Asterisk as Asterisk 22 answers them (POST /channels/{id}/snoop):
// the checks and their messages, the Snoop/ channel entering the app, and who hears whom for each
// spy/whisper direction once the snoop is bridged with a third phone.
import t from 'tap'
import { EventStream, ari, bridgedCall, startSim } from './helpers.js'

t.test('snoop parameters are checked in Asterisk order with its messages', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const { operator } = await bridgedCall(sim, ev)
  const post = async (q: string, id = operator): Promise<[number, unknown]> => { const r = await ari(sim, 'POST', `/channels/${id}/snoop?${q}`); return [r.status, r.body] }
  t.same(await post('spy=sideways&app=ringlead'), [400, { message: 'Invalid direction specified for spy' }])
  t.same(await post('spy=both&whisper=loud&app=ringlead'), [400, { message: 'Invalid direction specified for whisper' }])
  t.same(await post('app=ringlead'), [400, { message: 'Direction must be specified for at least spy or whisper' }])
  t.same(await post('spy=none&whisper=none&app=ringlead'), [400, { message: 'Direction must be specified for at least spy or whisper' }])
  t.same(await post('spy=both'), [400, { message: 'Application name is required' }])
  t.same(await post('spy=both&app=ringlead', 'no-such'), [404, { message: 'Provided channel was not found' }])
  const ok = await ari(sim, 'POST', `/channels/${operator}/snoop/sup-1?spy=both&whisper=out&app=ringlead&appArgs=supervisor,s1`)
  t.equal(ok.status, 200)
  t.match(ok.body, { id: 'sup-1', name: new RegExp(`^Snoop/${operator}-[0-9a-f]{8}$`), state: 'Up' })
  t.match(await ev.type('StasisStart', 'sup-1'), { args: ['supervisor', 's1'] })
  t.match(sim.channels().find((c) => c.channelId === 'sup-1'), { snoop: { of: operator, spy: 'both', whisper: 'out' } })
})

t.test('who hears whom: listen, whisper and barge snoops bridged with a supervisor phone', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  sim.addEndpoint('150', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const { caller, operator } = await bridgedCall(sim, ev)
  const sup = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F150&app=ringlead&channelId=sup')).body as { id: string }
  await ev.type('StasisStart', sup.id)
  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=sup-br')).body as { id: string }
  await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${sup.id}`)
  t.same(sim.hears(caller), [operator], 'before: caller and operator hear each other only')

  const mode = async (id: string, spy: string, whisper: string): Promise<{ caller: string[]; operator: string[]; supervisor: string[] }> => {
    t.equal((await ari(sim, 'POST', `/channels/${operator}/snoop/${id}?spy=${spy}&whisper=${whisper}&app=ringlead`)).status, 200)
    await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${id}`)
    const heard = { caller: sim.hears(caller), operator: sim.hears(operator), supervisor: sim.hears(sup.id) }
    await ari(sim, 'DELETE', `/channels/${id}`)
    return heard
  }
  t.same(await mode('listen', 'both', 'none'), { caller: [operator], operator: [caller], supervisor: [caller, operator].sort() }, 'listen')
  t.same(await mode('whisper', 'both', 'out'), { caller: [operator], operator: [caller, sup.id].sort(), supervisor: [caller, operator].sort() }, 'whisper: only the operator hears the supervisor')
  t.same(await mode('barge', 'both', 'both'), { caller: [operator, sup.id].sort(), operator: [caller, sup.id].sort(), supervisor: [caller, operator].sort() }, 'barge: both hear the supervisor')
  t.same(sim.hears(sup.id), [], 'a supervisor whose snoop is gone hears nobody')
})

t.test('the spied channel hanging up ends its snoop (StasisEnd, no ChannelDestroyed for the app)', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const { operator } = await bridgedCall(sim, ev)
  await ari(sim, 'POST', `/channels/${operator}/snoop/sp?spy=both&app=ringlead`)
  await ev.type('StasisStart', 'sp')
  await ari(sim, 'DELETE', `/channels/${operator}`)
  await ev.type('StasisEnd', 'sp')
  t.notOk(sim.channels().some((c) => c.channelId === 'sp'), 'the snoop is gone')
})
