// RINGLEAD_SPEECH_TRANSCRIBE_PASS=mixed through the real worker process (the tone engine in place of
// whisper.cpp): a call's two party tracks are heard once, summed to mono, and each segment goes to the
// party louder on its own track; 'parties' hears each track on its own.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import wavefile from 'wavefile'
import { audioLengthMs } from '../../src/speech/transcription-runner.js'
import { WorkerTranscriber, type TrackFile, type TranscribePass } from '../../src/speech/transcriber.js'
import { fixtureDir, stereoCall } from '../helpers/speech.js'

const toneWorker = new URL('./workers/tone-worker.ts', import.meta.url)
const phrase = { 'good afternoon': 700, 'you idiot': 1100, 'thank you': 1500 } as const

/** An 8 kHz party track of `ms`: each phrase's tone over its stretch, a faint hiss of the other party's line elsewhere. */
function partyTrack (name: string, ms: number, said: Array<[keyof typeof phrase, number, number]>): string {
  const samples = new Int16Array(ms * 8)
  for (let i = 0; i < samples.length; i++) samples[i] = ((i * 7919) % 41) - 20
  for (const [text, from, to] of said) {
    for (let i = from * 8; i < to * 8; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * phrase[text] * i) / 8000))
  }
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, 8000, '16', samples)
  const path = join(fixtureDir, `${name}.wav`)
  writeFileSync(path, wav.toBuffer())
  return path
}

// The caller greets and thanks; the operator's track is shorter (it ends when the operator hangs up).
const tracks: TrackFile[] = [
  { speaker: 'caller', path: partyTrack('mixed-caller', 12_000, [['good afternoon', 300, 1500], ['thank you', 9000, 10_000]]) },
  { speaker: 'operator', path: partyTrack('mixed-operator', 7000, [['you idiot', 4000, 5500]]) }
]

async function transcribe (t: Test, pass: TranscribePass, silenceRms = 0, files = tracks): Promise<Awaited<ReturnType<WorkerTranscriber['transcribe']>>> {
  const transcriber = new WorkerTranscriber({ modelPath: 'none', threads: 1, workers: 1, pass, silenceRms, workerFile: toneWorker })
  t.teardown(() => transcriber.close())
  return await transcriber.transcribe(files, 'en')
}

const said = (r: Awaited<ReturnType<typeof transcribe>>): Record<string, string[]> =>
  ({ caller: (r.tracks.caller ?? []).map((s) => s.text), operator: (r.tracks.operator ?? []).map((s) => s.text) })

t.test('mixed: one pass over the call\'s length, each phrase given to the party who said it, at its time', async (t) => {
  const r = await transcribe(t, 'mixed')
  t.equal(r.passes, 1, 'the engine ran once')
  t.equal(r.heardMs, 12_000, 'it heard the longer track\'s length, not both tracks\'')
  t.same(said(r), { caller: ['good afternoon', 'thank you'], operator: ['you idiot'] })
  const idiot = r.tracks.operator![0]!
  t.ok(Math.abs(idiot.startMs - 4000) <= 40 && Math.abs(idiot.endMs - 5500) <= 40, `at ${idiot.startMs}–${idiot.endMs} ms on the call's clock`)
})

t.test('mixed with silence gating: the mixed track is gated, times and speakers stay right', async (t) => {
  const r = await transcribe(t, 'mixed', 150)
  t.equal(r.passes, 1)
  t.ok(r.heardMs! < 7000, `the mutual silences were left out (heard ${r.heardMs} of 12000 ms)`)
  t.same(said(r), { caller: ['good afternoon', 'thank you'], operator: ['you idiot'] })
  const thanks = r.tracks.caller![1]!
  t.ok(Math.abs(thanks.startMs - 9000) <= 40, `"thank you" at ${thanks.startMs} ms on the call's clock`)
})

t.test('parties: each track heard on its own, as before', async (t) => {
  const r = await transcribe(t, 'parties')
  t.equal(r.passes, 2)
  t.equal(r.heardMs, 19_000)
  t.same(said(r), { caller: ['good afternoon', 'thank you'], operator: ['you idiot'] })
})

t.test('the deadline counts the audio the pass hears: one track\'s length when mixed', async (t) => {
  t.equal(await audioLengthMs(tracks, 'mixed'), 12_000)
  t.equal(await audioLengthMs(tracks, 'parties'), 19_000)
  t.equal(await audioLengthMs(tracks.slice(0, 1), 'mixed'), 12_000, 'one party alone: its own length')
})

t.test('a stereo recording (caller left, operator right) is heard once too when mixed', async (t) => {
  const stereo: TrackFile[] = [{ speaker: 'both', path: stereoCall('mixed', tracks[0]!.path, tracks[1]!.path) }]
  const r = await transcribe(t, 'mixed', 0, stereo)
  t.equal(r.passes, 1)
  t.equal(r.heardMs, 12_000)
  t.same(said(r), { caller: ['good afternoon', 'thank you'], operator: ['you idiot'] })
  t.equal(await audioLengthMs(stereo, 'mixed'), 12_000)
  t.equal(await audioLengthMs(stereo, 'parties'), 24_000)
})
