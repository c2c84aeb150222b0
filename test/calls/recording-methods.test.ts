// How a call is recorded: MixMonitor through AMI by default (one action, no extra channels, one file
// per party), ARI's bridge recording and snoops when configured or when AMI is down (the mixed file
// too). Each party's file holds only that party's voice; the conversation plays whole either way.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import wavefile from 'wavefile'
import { decodeWav, toneLevel } from '../../src/sim/wav.js'
import { startWorld, until, type World } from '../helpers/world.js'

const tonesOf = (w: World, caller: string): { caller: number; operator: number } => {
  const bridge = w.sim.bridges().find((b) => b.channelIds.includes(caller))!
  const tone = (id: string): number => w.sim.channels().find((c) => c.channelId === id)!.toneHz
  return { caller: tone(caller), operator: tone(bridge.channelIds.find((id) => id !== caller)!) }
}

async function answeredCall (w: World, hangUp: 'caller' | 'operator'): Promise<{ callId: string; files: Record<string, Int16Array>; tones: { caller: number; operator: number } }> {
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
  return { callId: e.callId, files, tones }
}

function checkParties (t: Test, files: Record<string, Int16Array>, tones: { caller: number; operator: number }, kinds: string[]): void {
  t.same(Object.keys(files).sort(), kinds)
  t.ok(toneLevel(files.caller!, tones.caller) > 0.05 && toneLevel(files.caller!, tones.operator) < 0.01, 'the caller track holds the caller only')
  t.ok(toneLevel(files.operator!, tones.operator) > 0.05 && toneLevel(files.operator!, tones.caller) < 0.01, 'the operator track holds the operator only')
  if (files.mixed !== undefined) t.ok(toneLevel(files.mixed, tones.caller) > 0.05 && toneLevel(files.mixed, tones.operator) > 0.05, 'the mix holds both')
}

/** GET /api/calls/:callId/conversation, its channels decoded. */
async function conversation (w: World, callId: string): Promise<{ status: number; channels: Int16Array[]; sampleRate: number }> {
  const res = await w.daemon.app.inject({ method: 'GET', url: `/api/calls/${callId}/conversation`, headers: { authorization: `Bearer ${w.token}` } })
  if (res.statusCode !== 200) return { status: res.statusCode, channels: [], sampleRate: 0 }
  const wav = new wavefile.WaveFile(res.rawPayload)
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[]
  return { status: 200, channels: Array.isArray(samples) ? samples : [samples], sampleRate: (wav.fmt as { sampleRate: number }).sampleRate }
}

const ariRecordingCommands = (w: World): number => w.sim.wire.responses().filter((r) => r.nickname === 'record' || (r.nickname ?? '').startsWith('snoop')).length

t.test('by default one MixMonitor on the caller\'s channel records the call: no ARI recording, no snoop channel', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  await until('AMI up', () => w.daemon.ami?.connected === true)
  const { callId, files, tones } = await answeredCall(w, 'caller')
  checkParties(t, files, tones, ['caller', 'operator'])
  t.equal(ariRecordingCommands(w), 0, 'no ARI record or snoop request')
  t.equal(w.sim.channels().length, 0, 'nothing left in Asterisk')
  // Asterisk's copies of the parties are removed once stored; a mixed file would have stayed.
  const asked = await fetch(`${w.sim.ariUrl}/ari/recordings/stored/${callId}-mixed/file?api_key=ringlead:ringlead`)
  t.equal(asked.status, 404, 'no mixed file written by Asterisk')

  // The conversation is made on first play: the caller on the left, the operator on the right.
  const played = await conversation(w, callId)
  t.equal(played.status, 200)
  t.equal(played.channels.length, 2, 'stereo')
  t.equal(played.sampleRate, 8000, 'at the parties\' rate')
  const [left, right] = played.channels as [Int16Array, Int16Array]
  t.ok(toneLevel(left, tones.caller) > 0.05 && toneLevel(left, tones.operator) < 0.01, 'the left channel is the caller')
  t.ok(toneLevel(right, tones.operator) > 0.05 && toneLevel(right, tones.caller) < 0.01, 'the right channel is the operator')
  t.equal(left.length, Math.max(files.caller!.length, files.operator!.length), 'as long as the longer track')
  const rows = w.daemon.repo.recordingsOf(callId)
  const made = rows.find((r) => r.kind === 'mixed')
  t.match(made, { name: `${callId}-conversation`, status: 'stored', bytes: 44 + left.length * 4 }, 'kept as the call\'s mixed recording')
  const again = await conversation(w, callId)
  t.same(again.channels, played.channels, 'played again from the file made')
  t.equal(w.daemon.repo.recordingsOf(callId).length, rows.length, 'made once')
})

t.test('the operator hanging up first: StopMixMonitor closes the files while the caller is still there', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  await until('AMI up', () => w.daemon.ami?.connected === true)
  const { files, tones } = await answeredCall(w, 'operator')
  checkParties(t, files, tones, ['caller', 'operator'])
  t.equal(ariRecordingCommands(w), 0)
})

t.test('a caller gone before MixMonitor starts: the two rows fail with the reason, nothing is tried through ARI', async (t) => {
  const w = await startWorld()
  t.teardown(() => w.close())
  await until('AMI up', () => w.daemon.ami?.connected === true)
  w.addOperator('101')
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  // The caller hangs up just as the bridge is made: the action reaches Asterisk after the BYE.
  const ami = w.daemon.ami!
  const mixMonitor = ami.mixMonitor.bind(ami)
  ami.mixMonitor = async (channel, files) => {
    w.sim.hangup(call.channelId)
    await mixMonitor(channel, files)
  }
  const e = await ended
  t.same(e.recordings, [], 'no recording to announce')
  const rows = w.daemon.repo.recordingsOf(e.callId)
  t.same(rows.map((r) => r.kind).sort(), ['caller', 'operator'], 'the rows written before the action, and no mixed one')
  for (const r of rows) t.match(r, { status: 'failed', error: 'the call ended before its recording started' }, `${r.kind} failed with the reason`)
  t.equal(ariRecordingCommands(w), 0, 'no ARI record or snoop request')
})

t.test('recordings.method=ari records through a bridge recording and a snoop per party', async (t) => {
  const w = await startWorld({ recordings: { method: 'ari' } })
  t.teardown(() => w.close())
  const { callId, files, tones } = await answeredCall(w, 'caller')
  checkParties(t, files, tones, ['caller', 'mixed', 'operator'])
  t.equal(ariRecordingCommands(w), 5, 'bridge record, two snoops, two snoop records')
  const played = await conversation(w, callId)
  t.equal(played.channels.length, 1, 'the conversation is the bridge\'s mixed recording')
  t.same(played.channels[0], files.mixed)
})

t.test('without AMI the call is recorded through ARI', async (t) => {
  const w = await startWorld({ ami: { host: '' } })
  t.teardown(() => w.close())
  t.equal(w.daemon.ami, null)
  const { files, tones } = await answeredCall(w, 'caller')
  checkParties(t, files, tones, ['caller', 'mixed', 'operator'])
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

/** Requests for recording files and their removal that reached Asterisk. */
const fileRequests = (w: World): { fetched: number; removed: number } => {
  const asked = w.sim.wire.responses().filter((r) => r.resource === 'recordings')
  return { fetched: asked.filter((r) => r.nickname === 'getStoredFile').length, removed: asked.filter((r) => r.nickname === 'deleteStored').length }
}

/** The call's files left in the simulator's spool. */
const inSpool = (w: World, callId: string): string[] => readdirSync(join(w.dir, 'spool', 'recording')).filter((f) => f.startsWith(callId))

t.test('on Asterisk\'s disk (recordings.spoolDir): the files are moved from its spool, none fetched or removed over ARI', async (t) => {
  const w = await startWorld({}, {}, { sharedSpool: true })
  t.teardown(() => w.close())
  await until('AMI up', () => w.daemon.ami?.connected === true)
  const { callId, files, tones } = await answeredCall(w, 'caller')
  checkParties(t, files, tones, ['caller', 'operator'])
  t.same(fileRequests(w), { fetched: 0, removed: 0 }, 'no file asked of ARI, none removed through it')
  t.same(inSpool(w, callId), [], 'nothing of the call left in Asterisk\'s spool')
  for (const r of w.daemon.repo.recordingsOf(callId)) t.ok((r.durationMs ?? 0) > 0, `${r.kind}: its length read from the file`)
})

t.test('on Asterisk\'s disk with recordings.method=ari: the three files are moved from the spool', async (t) => {
  const w = await startWorld({ recordings: { method: 'ari' } }, {}, { sharedSpool: true })
  t.teardown(() => w.close())
  const { callId, files, tones } = await answeredCall(w, 'operator')
  checkParties(t, files, tones, ['caller', 'mixed', 'operator'])
  t.same(fileRequests(w), { fetched: 0, removed: 0 })
  t.same(inSpool(w, callId), [])
})

t.test('a spool directory that is not where Asterisk writes: each file is fetched over ARI as without one', async (t) => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'ringlead-not-the-spool-'))
  t.teardown(() => { rmSync(elsewhere, { recursive: true, force: true }) })
  const w = await startWorld({ recordings: { spoolDir: elsewhere } })
  t.teardown(() => w.close())
  await until('AMI up', () => w.daemon.ami?.connected === true)
  const { files, tones } = await answeredCall(w, 'caller')
  checkParties(t, files, tones, ['caller', 'operator'])
  t.equal(fileRequests(w).fetched, 2, 'both fetched over ARI')
  await until('Asterisk\'s copies removed', () => fileRequests(w).removed === 2)
})
