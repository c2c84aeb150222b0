import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Simulator } from '../../src/sim/simulator.js'
import { decodeWav, toneLevel } from '../../src/sim/wav.js'
import { EventStream, SECONDS_MS, ari, bridgedCall, sleep, startSim, until } from './helpers.js'

t.test('a bridge recording: 201 queued, RecordingStarted, RecordingFinished done with whole seconds once the last channel leaves', async (t) => {
  const { sim, dir } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  const op = (await ari(sim, 'POST', '/channels?endpoint=PJSIP%2F101&app=ringlead')).body as { id: string }
  await ev.type('StasisStart', op.id)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  const bridge = (await ari(sim, 'POST', '/bridges?type=mixing')).body as { id: string }
  await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${call.channelId},${op.id}`)
  const rec = await ari(sim, 'POST', `/bridges/${bridge.id}/record?name=call-1&format=wav&ifExists=overwrite&beep=false&terminateOn=none`)
  t.same([rec.status, rec.body], [201, { name: 'call-1', format: 'wav', state: 'queued', target_uri: `bridge:${bridge.id}` }])
  t.match(await ev.type('RecordingStarted'), { recording: { name: 'call-1', state: 'recording', target_uri: `bridge:${bridge.id}` } })
  t.match((await ari(sim, 'GET', `/bridges/${bridge.id}`)).body, { technology: 'softmix' })
  t.match((await ari(sim, 'GET', '/recordings/live/call-1')).body, { state: 'recording' })
  const tones = toneOf(sim, call.channelId, op.id)
  await sleep(5 * SECONDS_MS)
  sim.hangup(call.channelId)
  await ev.type('StasisEnd', call.channelId)
  t.notOk(ev.events.some((e) => e.type === 'RecordingFinished'), 'still recording with one party left')
  await ari(sim, 'DELETE', `/channels/${op.id}?reason=normal`)
  const finished = await ev.type('RecordingFinished')
  const left = ev.events.filter((e) => e.type === 'ChannelLeftBridge').map((e) => (e.bridge as { channels: string[] }).channels)
  t.same(left[0], [op.id], 'the caller leaves the operator behind')
  t.equal(left[1]?.length, 1, 'the last party to leave still sees the recorder channel in the bridge (flow1)')
  t.notOk(left[1]?.includes(op.id) ?? true)
  const destroyedAt = ev.events.findIndex((e) => e.type === 'ChannelDestroyed')
  t.ok(destroyedAt >= 0 && destroyedAt < ev.events.indexOf(finished), 'RecordingFinished follows the last leaver\'s ChannelDestroyed')
  const recording = finished.recording as { state: string; duration: number }
  t.equal(recording.state, 'done')
  t.ok(Number.isInteger(recording.duration) && recording.duration >= 5, `duration ${recording.duration} is whole seconds`)
  t.same((await ari(sim, 'GET', '/recordings/live/call-1')).body, { message: 'Recording not found' })
  t.same((await ari(sim, 'GET', '/recordings/stored/call-1')).body, { name: 'call-1', format: 'wav' })
  t.same((await ari(sim, 'GET', '/recordings/stored')).body, [{ name: 'call-1', format: 'wav' }])

  const file = await fetch(`${sim.ariUrl}/ari/recordings/stored/call-1/file`, { headers: { Authorization: `Basic ${Buffer.from('ringlead:ringlead').toString('base64')}` } })
  t.equal(file.headers.get('content-type'), 'audio/wav')
  const wav = decodeWav(new Uint8Array(await file.arrayBuffer()))
  t.same([wav.sampleRate, wav.bitsPerSample, wav.channels], [8000, 16, 1])
  t.ok(Math.abs(wav.pcm.length / 8000 - recording.duration) < 1.5, 'audio lasts the recorded duration in protocol seconds')
  t.not(tones.caller, tones.operator, 'each party has its own tone')
  t.ok(toneLevel(wav.pcm, tones.caller) > 0.05, 'the caller is audible in the mix')
  t.ok(toneLevel(wav.pcm, tones.operator) > 0.05, 'the operator is audible in the mix')
  // Asterisk's spool on disk gets the file too, written off the event loop.
  const onDisk = join(dir, 'spool', 'recording', 'call-1.wav')
  await until('the recording on disk', () => existsSync(onDisk) && readFileSync(onDisk).length === 44 + 2 * wav.pcm.length)
  t.same(readFileSync(onDisk).subarray(0, 4).toString(), 'RIFF')

  t.equal((await ari(sim, 'DELETE', '/recordings/stored/call-1')).status, 204)
  t.same((await ari(sim, 'GET', '/recordings/stored/call-1')).body, { message: 'Recording not found' })
})

/** The tone each party "speaks" in recordings, read while both channels exist. */
function toneOf (sim: Simulator, callerId: string, operatorId: string): { caller: number; operator: number } {
  const tone = (id: string) => sim.channels().find((c) => c.channelId === id)?.toneHz ?? 0
  return { caller: tone(callerId), operator: tone(operatorId) }
}

t.test('a recording name that exists is refused with ifExists=fail, and stop ends a live recording', async (t) => {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  await ari(sim, 'POST', `/channels/${call.channelId}/answer`)
  const rec = await ari(sim, 'POST', `/channels/${call.channelId}/record?name=msg&format=wav`)
  t.same([rec.status, rec.body], [201, { name: 'msg', format: 'wav', state: 'queued', target_uri: `channel:${call.channelId}` }])
  t.equal((await ari(sim, 'POST', '/recordings/live/msg/stop')).status, 204)
  t.match(await ev.type('RecordingFinished'), { recording: { name: 'msg', state: 'done' } })
  t.equal((await ari(sim, 'POST', `/channels/${call.channelId}/record?name=msg&format=wav`)).status, 409)
  t.equal((await ari(sim, 'POST', `/channels/${call.channelId}/record?name=msg&format=wav&ifExists=overwrite`)).status, 201)
  t.same((await ari(sim, 'POST', '/recordings/live/nope/stop')).body, { message: 'Recording not found' })
})

t.test('snoop: the channel comes back Up, StasisStart may precede the response, and errors follow Asterisk', async (t) => {
  const { sim } = await startSim(t)
  const ev = await EventStream.open(sim)
  const call = sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await ev.type('StasisStart', call.channelId)
  const bad = await ari(sim, 'POST', `/channels/${call.channelId}/snoop?spy=sideways&app=ringlead`)
  t.same([bad.status, bad.body], [400, { message: 'Invalid direction specified for spy' }])
  t.same((await ari(sim, 'POST', `/channels/${call.channelId}/snoop?spy=in`)).body, { message: 'Application name is required' })
  t.same((await ari(sim, 'POST', '/channels/does-not-exist/snoop?spy=in&app=ringlead')).body, { message: 'Provided channel was not found' })
  const snoop = await ari(sim, 'POST', `/channels/${call.channelId}/snoop?spy=out&app=ringlead&appArgs=snoop%2Cout&snoopId=snoop-out-fixed-id`)
  t.match(snoop.body, { id: 'snoop-out-fixed-id', name: `Snoop/${call.channelId}-00000000`, state: 'Up', protocol_id: '', dialplan: { context: 'default', app_name: 'Stasis', app_data: 'ringlead,snoop,out' } })
  t.same((ev.events.find((e) => e.type === 'StasisStart' && (e.channel as { id: string }).id === 'snoop-out-fixed-id'))?.args, ['snoop', 'out'])
})

t.test('snoop recordings hold the spied direction and end with RecordingFinished then StasisEnd, without ChannelDestroyed', async (t) => {
  const { sim } = await startSim(t)
  sim.addEndpoint('101', { behaviour: { kind: 'answer', afterMs: 5 } })
  const ev = await EventStream.open(sim)
  const bridged = await bridgedCall(sim, ev)
  const call = { channelId: bridged.caller }
  const op = { id: bridged.operator }
  const snoopIn = (await ari(sim, 'POST', `/channels/${call.channelId}/snoop?spy=in&app=ringlead`)).body as { id: string }
  const snoopOut = (await ari(sim, 'POST', `/channels/${call.channelId}/snoop?spy=out&app=ringlead`)).body as { id: string }
  await ari(sim, 'POST', `/channels/${snoopIn.id}/record?name=caller-in&format=wav`)
  await ari(sim, 'POST', `/channels/${snoopOut.id}/record?name=caller-out&format=wav`)
  const tones = toneOf(sim, call.channelId, op.id)
  await sleep(3 * SECONDS_MS)
  sim.hangup(call.channelId)
  await ev.type('StasisEnd', snoopOut.id)
  const snoopEvents = ev.events.filter((e) => (e.type === 'RecordingFinished') || (e.type === 'StasisEnd' && [snoopIn.id, snoopOut.id].includes((e.channel as { id: string }).id)))
  t.same(snoopEvents.map((e) => e.type), ['RecordingFinished', 'StasisEnd', 'RecordingFinished', 'StasisEnd'])
  t.notOk(ev.events.some((e) => e.type === 'ChannelDestroyed' && [snoopIn.id, snoopOut.id].includes((e.channel as { id: string }).id)))
  const fetchPcm = async (name: string) => {
    const res = await fetch(`${sim.ariUrl}/ari/recordings/stored/${name}/file?api_key=ringlead:ringlead`)
    return decodeWav(new Uint8Array(await res.arrayBuffer())).pcm
  }
  const inPcm = await fetchPcm('caller-in')
  const outPcm = await fetchPcm('caller-out')
  t.ok(toneLevel(inPcm, tones.caller) > 0.05 && toneLevel(inPcm, tones.operator) < 0.01, 'spy=in holds only the caller')
  t.ok(toneLevel(outPcm, tones.operator) > 0.05 && toneLevel(outPcm, tones.caller) < 0.01, 'spy=out holds what the caller heard')
})
