// Joining a bridge while a playback runs, as Asterisk 22 does it (FINDINGS.txt, flows 14-17).
import t from 'tap'
import type { Simulator } from '../../src/sim/simulator.js'
import { type AriEvent, EventStream, ari, callerOperatorAndBridge, startSim } from './helpers.js'

// 10 protocol seconds (200 ms here) like the traces' ringlead-long; "endless" would take 4 minutes
// of real time, so only a stop or a hang-up ends it within a test: what is checked while a prompt
// plays uses it, whatever the machine's speed.
const sounds = { 'ringlead-long': 10, 'ringlead-endless': 12_000 }

async function callerAndOperator (t: Parameters<typeof startSim>[0]) {
  const { sim } = await startSim(t, { sounds })
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const { caller, operator, bridgeId } = await callerOperatorAndBridge(sim, ev)
  return { sim, ev, callerId: caller, operatorId: operator, bridgeId }
}

async function play (sim: Simulator, ev: EventStream, channelId: string, sound: string): Promise<string> {
  const pb = (await ari(sim, 'POST', `/channels/${channelId}/play?media=sound%3A${sound}`)).body as { id: string }
  await ev.waitFor((e) => e.type === 'PlaybackStarted' && (e.playback as { id: string }).id === pb.id)
  return pb.id
}

/** The simulator's own order of what it sent: events by type (and channel), addChannel's answer. */
function wireOrder (sim: Simulator): string[] {
  return sim.wire.entries.flatMap((e) => {
    if (e.kind === 'response') return e.nickname === 'addChannel' ? [`addChannel ${e.status}`] : []
    const type = String(e.body.type)
    if (type === 'PlaybackFinished') return [`PlaybackFinished ${(e.body.playback as { state: string }).state}`]
    if (type === 'ChannelEnteredBridge') return [`Entered ${(e.body.channel as { id: string }).id}`]
    return []
  })
}

const playbackFinished = (id: string) => (e: AriEvent) => e.type === 'PlaybackFinished' && (e.playback as { id: string }).id === id

t.test('addChannel with a playing caller waits: the bridge stays empty, the prompt plays on, other requests are answered', async (t) => {
  const { sim, ev, callerId, operatorId, bridgeId } = await callerAndOperator(t)
  const pbId = await play(sim, ev, callerId, 'ringlead-endless')
  let answered = false
  const join = ari(sim, 'POST', `/bridges/${bridgeId}/addChannel?channel=${callerId},${operatorId}`).then((r) => { answered = true; return r })
  t.match((await ari(sim, 'GET', `/bridges/${bridgeId}`)).body, { channels: [] })
  t.match((await ari(sim, 'GET', `/playbacks/${pbId}`)).body, { id: pbId, state: 'playing' })
  t.notOk(answered, 'addChannel still pending while the prompt plays')
  t.equal((await ari(sim, 'DELETE', `/playbacks/${pbId}`)).status, 204)
  t.equal((await join).status, 204)
  t.match((await ari(sim, 'GET', `/bridges/${bridgeId}`)).body, { channels: [callerId, operatorId] })
  t.same(wireOrder(sim), ['PlaybackFinished done', `Entered ${callerId}`, `Entered ${operatorId}`, 'addChannel 204'])
})

t.test('a prompt plays to its natural end before the caller joins, and addChannel answers after both joined', async (t) => {
  const { sim, ev, callerId, operatorId, bridgeId } = await callerAndOperator(t)
  const pbId = await play(sim, ev, callerId, 'ringlead-long')
  t.equal((await ari(sim, 'POST', `/bridges/${bridgeId}/addChannel?channel=${callerId},${operatorId}`)).status, 204)
  t.match(await ev.waitFor(playbackFinished(pbId)), { playback: { state: 'done' } })
  t.same(wireOrder(sim), ['PlaybackFinished done', `Entered ${callerId}`, `Entered ${operatorId}`, 'addChannel 204'])
  t.same((await ari(sim, 'GET', `/playbacks/${pbId}`)).body, { message: 'Playback not found' })
})

t.test('channels join one by one in list order: an idle operator first joins at once, the playing caller after its prompt', async (t) => {
  const { sim, ev, callerId, operatorId, bridgeId } = await callerAndOperator(t)
  const pbId = await play(sim, ev, callerId, 'ringlead-endless')
  const join = ari(sim, 'POST', `/bridges/${bridgeId}/addChannel?channel=${operatorId},${callerId}`)
  await ev.type('ChannelEnteredBridge', operatorId)
  t.match((await ari(sim, 'GET', `/bridges/${bridgeId}`)).body, { channels: [operatorId] })
  await ari(sim, 'DELETE', `/playbacks/${pbId}`)
  t.equal((await join).status, 204)
  t.same(wireOrder(sim), [`Entered ${operatorId}`, 'PlaybackFinished done', `Entered ${callerId}`, 'addChannel 204'])
})

t.test('DELETE /playbacks/{id} answers 204, finishes the playback "done", and a join right after is not held', async (t) => {
  const { sim, ev, callerId, operatorId, bridgeId } = await callerAndOperator(t)
  const pbId = await play(sim, ev, callerId, 'ringlead-endless')
  t.equal((await ari(sim, 'DELETE', `/playbacks/${pbId}`)).status, 204)
  t.equal((await ari(sim, 'POST', `/bridges/${bridgeId}/addChannel?channel=${callerId},${operatorId}`)).status, 204)
  t.match(await ev.waitFor(playbackFinished(pbId)), { playback: { state: 'done' } })
  t.same(wireOrder(sim), ['PlaybackFinished done', `Entered ${callerId}`, `Entered ${operatorId}`, 'addChannel 204'])
})

t.test('a key pressed during a playback does not stop it, so the join still waits for its end', async (t) => {
  const { sim, ev, callerId, operatorId, bridgeId } = await callerAndOperator(t)
  const pbId = await play(sim, ev, callerId, 'ringlead-endless')
  sim.sendDtmf(callerId, '1')
  await ev.type('ChannelDtmfReceived', callerId)
  let answered = false
  const join = ari(sim, 'POST', `/bridges/${bridgeId}/addChannel?channel=${callerId},${operatorId}`).then((r) => { answered = true; return r })
  t.match((await ari(sim, 'GET', `/playbacks/${pbId}`)).body, { state: 'playing' })
  t.notOk(answered, 'addChannel still pending after the key')
  await ari(sim, 'DELETE', `/playbacks/${pbId}`)
  t.equal((await join).status, 204)
  t.same(wireOrder(sim), ['PlaybackFinished done', `Entered ${callerId}`, `Entered ${operatorId}`, 'addChannel 204'])
})

t.test('music on hold neither delays a join nor stops when the caller joins, and raises no ARI event', async (t) => {
  const { sim, ev, callerId, operatorId, bridgeId } = await callerAndOperator(t)
  const before = ev.events.length
  t.equal((await ari(sim, 'POST', `/channels/${callerId}/moh`)).status, 204)
  t.equal((await ari(sim, 'POST', `/bridges/${bridgeId}/addChannel?channel=${callerId},${operatorId}`)).status, 204)
  await ev.type('ChannelEnteredBridge', operatorId)
  t.equal(sim.channels().find((c) => c.channelId === callerId)?.moh, 'default', 'music still playing in the bridge')
  t.same(ev.events.slice(before).map((e) => e.type).filter((type) => !type.startsWith('Channel') && type !== 'BridgeCreated'), [])
  t.equal((await ari(sim, 'DELETE', `/channels/${callerId}/moh`)).status, 204)
  t.equal(sim.channels().find((c) => c.channelId === callerId)?.moh, undefined)
})

t.test('a caller who hangs up while waiting to join never enters and the request ends 204', async (t) => {
  const { sim, ev, callerId, operatorId, bridgeId } = await callerAndOperator(t)
  await play(sim, ev, callerId, 'ringlead-endless')
  const join = ari(sim, 'POST', `/bridges/${bridgeId}/addChannel?channel=${operatorId},${callerId}`)
  await ev.type('ChannelEnteredBridge', operatorId) // the caller's turn has come: it waits
  sim.hangup(callerId)
  t.equal((await join).status, 204)
  t.same(wireOrder(sim), [`Entered ${operatorId}`, 'PlaybackFinished failed', 'addChannel 204'])
})

t.test('a stopped queued playback never starts and finishes "done" when its turn comes; a join waits for both', async (t) => {
  const { sim, ev, callerId, operatorId, bridgeId } = await callerAndOperator(t)
  const first = await play(sim, ev, callerId, 'ringlead-endless')
  const second = ((await ari(sim, 'POST', `/channels/${callerId}/play?media=sound%3Aringlead-endless`)).body as { id: string }).id
  t.equal((await ari(sim, 'DELETE', `/playbacks/${second}`)).status, 204)
  t.match((await ari(sim, 'GET', `/playbacks/${second}`)).body, { state: 'done' })
  const join = ari(sim, 'POST', `/bridges/${bridgeId}/addChannel?channel=${callerId},${operatorId}`)
  await ari(sim, 'DELETE', `/playbacks/${first}`)
  t.equal((await join).status, 204)
  t.match(await ev.waitFor(playbackFinished(second)), { playback: { state: 'done' } })
  t.notOk(ev.events.some((e) => e.type === 'PlaybackStarted' && (e.playback as { id: string }).id === second), 'never started')
  t.same(wireOrder(sim), ['PlaybackFinished done', 'PlaybackFinished done', `Entered ${callerId}`, `Entered ${operatorId}`, 'addChannel 204'])
  t.ok(ev.events.some(playbackFinished(first)))
})
