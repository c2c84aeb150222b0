// How a call is recorded: MixMonitor through AMI by default (one action, no extra channels), ARI's
// bridge recording and snoops when configured or when AMI is down. Each way gives the mixed file and
// one file per party, each with only that party's voice.
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { decodeWav, toneLevel } from '../../src/sim/wav.js'
import { startWorld, until, type World } from '../helpers/world.js'

const tonesOf = (w: World, caller: string): { caller: number; operator: number } => {
  const bridge = w.sim.bridges().find((b) => b.channelIds.includes(caller))!
  const tone = (id: string): number => w.sim.channels().find((c) => c.channelId === id)!.toneHz
  return { caller: tone(caller), operator: tone(bridge.channelIds.find((id) => id !== caller)!) }
}

async function answeredCall (w: World, hangUp: 'caller' | 'operator'): Promise<{ files: Record<string, Int16Array>; tones: { caller: number; operator: number } }> {
  w.addOperator('101')
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  await until('bridged', () => w.sim.bridges().some((b) => b.channelIds.includes(call.channelId) && b.channelIds.length === 2))
  const tones = tonesOf(w, call.channelId)
  await w.hangUpWhenRecorded(call.channelId, { talkMs: 300, otherSide: hangUp === 'operator' })
  const e = await ended
  const files: Record<string, Int16Array> = {}
  for (const r of w.daemon.repo.recordingsOf(e.callId)) {
    t.equal(r.status, 'stored', `${r.kind} stored`)
    files[r.kind] = decodeWav(new Uint8Array(readFileSync(join(w.daemon.config.recordings.dir, r.path!)))).pcm
  }
  return { files, tones }
}

function checkParties (t: Test, files: Record<string, Int16Array>, tones: { caller: number; operator: number }): void {
  t.same(Object.keys(files).sort(), ['caller', 'mixed', 'operator'])
  t.ok(toneLevel(files.caller!, tones.caller) > 0.05 && toneLevel(files.caller!, tones.operator) < 0.01, 'the caller track holds the caller only')
  t.ok(toneLevel(files.operator!, tones.operator) > 0.05 && toneLevel(files.operator!, tones.caller) < 0.01, 'the operator track holds the operator only')
  t.ok(toneLevel(files.mixed!, tones.caller) > 0.05 && toneLevel(files.mixed!, tones.operator) > 0.05, 'the mix holds both')
}

const ariRecordingCommands = (w: World): number => w.sim.wire.responses().filter((r) => r.nickname === 'record' || (r.nickname ?? '').startsWith('snoop')).length

t.test('by default one MixMonitor on the caller\'s channel records the call: no ARI recording, no snoop channel', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  await until('AMI up', () => w.daemon.ami?.connected === true)
  const { files, tones } = await answeredCall(w, 'caller')
  checkParties(t, files, tones)
  t.equal(ariRecordingCommands(w), 0, 'no ARI record or snoop request')
  t.equal(w.sim.channels().length, 0, 'nothing left in Asterisk')
})

t.test('the operator hanging up first: StopMixMonitor closes the files while the caller is still there', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  await until('AMI up', () => w.daemon.ami?.connected === true)
  const { files, tones } = await answeredCall(w, 'operator')
  checkParties(t, files, tones)
  t.equal(ariRecordingCommands(w), 0)
})

t.test('recordings.method=ari records through a bridge recording and a snoop per party', async (t) => {
  const w = await startWorld({ recordings: { method: 'ari' } })
  t.teardown(() => w.close())
  const { files, tones } = await answeredCall(w, 'caller')
  checkParties(t, files, tones)
  t.equal(ariRecordingCommands(w), 5, 'bridge record, two snoops, two snoop records')
})

t.test('without AMI the call is recorded through ARI', async (t) => {
  const w = await startWorld({ ami: { host: '' } })
  t.teardown(() => w.close())
  t.equal(w.daemon.ami, null)
  const { files, tones } = await answeredCall(w, 'caller')
  checkParties(t, files, tones)
  t.equal(ariRecordingCommands(w), 5)
})

t.test('recordings.method=none: the call is answered and ends as usual with no recording, no command to record, and no transcription', async (t) => {
  const w = await startWorld({ recordings: { method: 'none' } })
  t.teardown(() => w.close())
  await until('AMI up', () => w.daemon.ami?.connected === true)
  w.addOperator('101')
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  let monitored = false
  const watch = setInterval(() => { monitored ||= w.sim.mixMonitoring(call.channelId) }, 5)
  await until('bridged', () => w.sim.bridges().some((b) => b.channelIds.includes(call.channelId) && b.channelIds.length === 2))
  // Talking as the daemon sees it: past the point where a recording would start.
  await until('talking', () => w.daemon.repo.lastCallOfChannel(call.channelId)?.status === 'talking')
  w.sim.hangup(call.channelId)
  const e = await ended
  clearInterval(watch)
  t.equal(e.status, 'answered')
  t.same(e.recordings, [])
  t.same(w.daemon.repo.recordingsOf(e.callId), [], 'no recording rows')
  t.equal(ariRecordingCommands(w), 0, 'no ARI record or snoop request')
  t.notOk(monitored, 'no MixMonitor')
})
