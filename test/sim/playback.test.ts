import t from 'tap'
import { EventStream, ari, startSim } from './helpers.js'

async function answeredCall (t: Parameters<typeof startSim>[0]) {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  return { sim, ev, call }
}

const playbacks = (ev: EventStream) => ev.events.filter((e) => e.type.startsWith('Playback'))
  .map((e) => { const p = e.playback as { id: string; media_uri: string; state: string }; return `${e.type} ${p.id} ${p.media_uri} ${p.state}` })

t.test('plays queue up: each POST is 201 queued, a missing file starts and fails in the same instant, a media list continues', async (t) => {
  const { sim, ev, call } = await answeredCall(t)
  const first = await ari(sim, 'POST', `/channels/${call.channelId}/play?media=sound%3Aringlead-prompt&lang=en`)
  t.equal(first.status, 201)
  t.match(first.body, { media_uri: 'sound:ringlead-prompt', target_uri: `channel:${call.channelId}`, language: 'en', state: 'queued' })
  const id1 = (first.body as { id: string }).id
  t.match((await ari(sim, 'POST', `/channels/${call.channelId}/play/pb-missing-1?media=sound%3Athis-file-does-not-exist`)).body, { id: 'pb-missing-1', state: 'queued' })
  const list = await ari(sim, 'POST', `/channels/${call.channelId}/play?media=sound%3Aringlead-prompt%2Csilence%3A1`)
  t.match(list.body, { media_uri: 'sound:ringlead-prompt', next_media_uri: 'silence:1', state: 'queued' })
  const id3 = (list.body as { id: string }).id
  await ev.waitFor((e) => e.type === 'PlaybackFinished' && (e.playback as { id: string }).id === id3)
  t.same(playbacks(ev), [
    `PlaybackStarted ${id1} sound:ringlead-prompt playing`,
    `PlaybackFinished ${id1} sound:ringlead-prompt done`,
    'PlaybackStarted pb-missing-1 sound:this-file-does-not-exist playing',
    'PlaybackFinished pb-missing-1 sound:this-file-does-not-exist failed',
    `PlaybackStarted ${id3} sound:ringlead-prompt playing`,
    `PlaybackContinuing ${id3} sound:ringlead-prompt continuing`,
    `PlaybackStarted ${id3} silence:1 playing`,
    `PlaybackFinished ${id3} silence:1 done`
  ])
  t.same((await ari(sim, 'GET', '/playbacks/pb-missing-1')).body, { message: 'Playback not found' })
})

t.test('hanging up during a playback finishes it as failed before StasisEnd', async (t) => {
  const { sim, ev, call } = await answeredCall(t)
  const pb = (await ari(sim, 'POST', `/channels/${call.channelId}/play?media=tone%3Aring%3Btonezone%3Dru`)).body as { id: string }
  await ev.type('PlaybackStarted')
  t.match((await ari(sim, 'GET', `/playbacks/${pb.id}`)).body, { state: 'playing' })
  sim.hangup(call.channelId)
  await ev.type('StasisEnd', call.channelId)
  const types = ev.events.map((e) => e.type)
  t.ok(types.indexOf('PlaybackFinished') < types.indexOf('StasisEnd'))
  t.match(ev.events.find((e) => e.type === 'PlaybackFinished'), { playback: { state: 'failed' } })
})

t.test('DELETE /playbacks/{id} stops a playback and unknown playbacks are 404', async (t) => {
  const { sim, ev, call } = await answeredCall(t)
  const pb = (await ari(sim, 'POST', `/channels/${call.channelId}/play?media=tone%3Aring`)).body as { id: string }
  await ev.type('PlaybackStarted')
  t.equal((await ari(sim, 'DELETE', `/playbacks/${pb.id}`)).status, 204)
  t.match(await ev.type('PlaybackFinished'), { playback: { id: pb.id, state: 'done' } })
  t.same((await ari(sim, 'DELETE', `/playbacks/${pb.id}`)).body, { message: 'Playback not found' })
})
