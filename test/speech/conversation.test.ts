// A call's conversation made from its two party tracks: stereo, caller left and operator right,
// sample for sample, the shorter track padded with silence; made once and kept as the call's mixed
// recording; refused, naming why, when the tracks cannot make one.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import wavefile from 'wavefile'
import { openDb, type Db } from '../../src/db/open.js'
import { calls, recordings } from '../../src/db/schema.js'
import { SpeechRepo } from '../../src/db/speech-repo.js'
import { randomId } from '../../src/ids.js'
import { encodeWav } from '../../src/sim/wav.js'
import { writeConversation } from '../../src/speech/conversation-wav.js'
import { RecordingUnavailable } from '../../src/speech/errors.js'
import { SpeechService } from '../../src/speech/speech-service.js'

const folder = (t: Test): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-conversation-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** Samples that say where they came from: `base` + their index. */
const ramp = (n: number, base: number): Int16Array => Int16Array.from({ length: n }, (_, i) => base + (i % 1000))

/** Where two runs of samples first differ (their lengths too); -1 when they are the same. */
function firstDifference (a: Int16Array, b: Int16Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : Math.min(a.length, b.length)
}

function decode (path: string): { channels: number; rate: number; bits: number; samples: Int16Array[] } {
  const wav = new wavefile.WaveFile(readFileSync(path))
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number }
  const s = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[]
  return { channels: fmt.numChannels, rate: fmt.sampleRate, bits: fmt.bitsPerSample, samples: Array.isArray(s) ? s : [s] }
}

t.test('caller left, operator right, sample for sample; the shorter track padded with silence', async (t) => {
  const dir = folder(t)
  // Longer than one step (32,768 samples) so the steps join up, and of unequal lengths.
  const caller = ramp(70_001, 1000)
  const operator = ramp(50_000, -2000)
  writeFileSync(join(dir, 'c.wav'), encodeWav(caller))
  writeFileSync(join(dir, 'o.wav'), encodeWav(operator))
  const made = await writeConversation(join(dir, 'c.wav'), join(dir, 'o.wav'), join(dir, 'both.wav'))
  t.same(made, { bytes: 44 + 70_001 * 4, durationMs: Math.round(70_001 / 8) })
  const wav = decode(join(dir, 'both.wav'))
  t.match(wav, { channels: 2, rate: 8000, bits: 16 })
  const [left, right] = wav.samples as [Int16Array, Int16Array]
  t.equal(firstDifference(left, caller), -1, 'the left channel is the caller\'s track')
  t.equal(firstDifference(right.subarray(0, 50_000), operator), -1, 'the right channel is the operator\'s')
  t.ok(right.subarray(50_000).every((s) => s === 0), 'then silence to the longer track\'s end')
  t.same(readdirSync(dir).sort(), ['both.wav', 'c.wav', 'o.wav'], 'no temporary file left')
})

t.test('a track that is not one party\'s 16-bit PCM, or tracks at two rates, are refused by name; nothing is left behind', async (t) => {
  const dir = folder(t)
  writeFileSync(join(dir, 'c.wav'), encodeWav(ramp(800, 0)))
  const stereo = new wavefile.WaveFile()
  stereo.fromScratch(2, 8000, '16', [ramp(10, 0), ramp(10, 0)])
  writeFileSync(join(dir, 'stereo.wav'), stereo.toBuffer())
  const wide = new wavefile.WaveFile()
  wide.fromScratch(1, 16000, '16', ramp(10, 0))
  writeFileSync(join(dir, 'wide.wav'), wide.toBuffer())
  const alaw = new wavefile.WaveFile()
  alaw.fromScratch(1, 8000, '8a', new Uint8Array(10))
  writeFileSync(join(dir, 'alaw.wav'), alaw.toBuffer())
  writeFileSync(join(dir, 'text.wav'), 'not audio at all')
  const out = join(dir, 'out.wav')
  const tried = async (operator: string): Promise<unknown> => await writeConversation(join(dir, 'c.wav'), join(dir, operator), out)
  await t.rejects(tried('stereo.wav'), /the operator's track .*stereo\.wav has 2 channels, not one party's single channel/)
  await t.rejects(tried('wide.wav'), /the party tracks differ in rate: the caller's 8000 Hz, the operator's 16000 Hz/)
  await t.rejects(tried('alaw.wav'), /alaw\.wav is not 16-bit PCM \(format 6, 8 bits\)/)
  await t.rejects(tried('text.wav'), /text\.wav is not a WAV file/)
  await t.rejects(tried('gone.wav'), { code: 'ENOENT' })
  t.notOk(existsSync(out) || existsSync(`${out}.part`), 'no file made')
})

interface Fixture { dir: string; db: Db; speech: SpeechService }

function fixture (t: Test): Fixture {
  const dir = folder(t)
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  return { dir, db, speech: new SpeechService({ db, repo: new SpeechRepo(db), status: () => ({ state: 'waiting for a model', reason: 'none' }), recordingsDir: dir, poke: () => {}, newId: randomId }) }
}

/** A call with the party tracks given (absent: not recorded), each stored under 2026/12/05. */
function seedCall (f: Fixture, callId: string, tracks: Partial<Record<'caller' | 'operator', Int16Array>>, extra: Partial<typeof recordings.$inferInsert> = {}): void {
  f.db.insert(calls).values({ callId, direction: 'inbound', status: 'answered', channelId: `ch_${callId}`, callerRaw: '+79990000000', did: '74950000000', startedAt: 0, endedAt: 9000 }).run()
  mkdirSync(join(f.dir, '2026', '12', '05'), { recursive: true })
  for (const [kind, pcm] of Object.entries(tracks)) {
    const path = join('2026', '12', '05', `${callId}-${kind}.wav`)
    writeFileSync(join(f.dir, path), encodeWav(pcm))
    f.db.insert(recordings).values({ recordingId: `rec_${callId}_${kind}`, callId, kind: kind as 'caller' | 'operator', name: `${callId}-${kind}`, format: 'wav', path, status: 'stored', startedAt: 1000 + (kind === 'caller' ? 0 : 5), endedAt: 9000, ...extra }).run()
  }
}

t.test('made once, beside the parties, and kept as the call\'s mixed recording; two plays at once make one file', async (t) => {
  const f = fixture(t)
  seedCall(f, 'call_1', { caller: ramp(8000, 0), operator: ramp(4000, 5) }, { golden: true })
  const [a, b] = await Promise.all([f.speech.conversation('call_1'), f.speech.conversation('call_1')])
  t.same(a, b, 'one conversation for both')
  t.equal(a.path, join('2026', '12', '05', 'call_1-conversation.wav'))
  const rows = f.db.select().from(recordings).all().filter((r) => r.kind === 'mixed')
  t.equal(rows.length, 1)
  t.match(rows[0], { recordingId: a.recordingId, callId: 'call_1', name: 'call_1-conversation', status: 'stored', bytes: 44 + 8000 * 4, durationMs: 1000, startedAt: 1000, endedAt: 9000, golden: true })
  t.equal(decode(join(f.dir, a.path)).channels, 2)
  t.same(await f.speech.conversation('call_1'), a, 'later plays find it')
})

t.test('no conversation to play: each reason named', async (t) => {
  const f = fixture(t)
  seedCall(f, 'call_none', {})
  await t.rejects(f.speech.conversation('call_none'), new RecordingUnavailable('call call_none was not recorded'))
  seedCall(f, 'call_half', { caller: ramp(10, 0) })
  await t.rejects(f.speech.conversation('call_half'), /call call_half has no recording of both parties to make its conversation from/)
  seedCall(f, 'call_old', { caller: ramp(10, 0), operator: ramp(10, 0) }, { deletedAt: Date.UTC(2026, 0, 2) })
  await t.rejects(f.speech.conversation('call_old'), /recording rec_call_old_caller was removed by the retention policy at 2026-01-02T00:00:00.000Z/)
  const rowsOf = (callId: string) => new SpeechRepo(f.db).recordingsOf(callId)
  t.same(['call_none', 'call_half', 'call_old'].map((id) => f.speech.hasConversation(rowsOf(id))), [false, false, false], 'and the call view offers none of them (no conversationUrl)')
  seedCall(f, 'call_both', { caller: ramp(10, 0), operator: ramp(10, 0) })
  t.equal(f.speech.hasConversation(rowsOf('call_both')), true, 'both parties kept: a conversation to make')
  seedCall(f, 'call_gone', { caller: ramp(10, 0), operator: ramp(10, 0) })
  rmSync(join(f.dir, '2026', '12', '05', 'call_gone-operator.wav'))
  await t.rejects(f.speech.conversation('call_gone'), /call call_gone: its conversation could not be made: a party's file is gone from the recordings directory \(.*call_gone-operator\.wav\)/)
  t.equal(f.db.select().from(recordings).all().filter((r) => r.kind === 'mixed').length, 0, 'no row for a conversation not made')
})
