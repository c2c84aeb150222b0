// Long silences left out before whisper (RINGLEAD_SPEECH_TRANSCRIBE_SILENCE_RMS): the worker hears the
// speech only, and the segments it returns are on the track's own clock, inside the speech.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import wavefile from 'wavefile'
import { loadConfig } from '../../src/config.js'
import { defaultGate, speechSpans } from '../../src/domain/silence-gate.js'
import { wavToChannels, whisperSampleRate } from '../../src/speech/audio.js'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { fixtureDir, spoken, testModel } from '../helpers/speech.js'

/** 6 s of silence, the phrase, 8 s of silence, the phrase again, 4 s of silence: one party's track, 8 kHz. */
function trackWithSilences (): string {
  const phrase = wavToChannels(readFileSync(spoken('gate-phrase', 'Здравствуйте, магазин Техника, слушаю вас.', 'ru')))[0]!
  const at8k = phrase.filter((_, i) => i % 2 === 0)
  const silence = (s: number): Int16Array => new Int16Array(8000 * s)
  const parts = [silence(6), at8k, silence(8), at8k, silence(4)]
  const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { samples.set(p, at); at += p.length }
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, 8000, '16', samples)
  const path = join(fixtureDir, 'gate-track.wav')
  writeFileSync(path, wav.toBuffer())
  return path
}

t.test('a track with long silences, default settings: whisper hears its speech only, segment times fall inside the speech', async (t) => {
  const path = trackWithSilences()
  const track = wavToChannels(readFileSync(path))[0]!
  const trackMs = (track.length * 1000) / whisperSampleRate
  const spans = speechSpans(track, whisperSampleRate, { ...defaultGate, silenceRms: 150 }).map((s) => [(s.from * 1000) / whisperSampleRate, (s.to * 1000) / whisperSampleRate] as const)
  t.equal(spans.length, 2, 'the fixture has two stretches of speech')
  const speechMs = spans.reduce((n, [from, to]) => n + to - from, 0)

  // The daemon's default threshold (150, the live alerts' own).
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 2, workers: 1, silenceRms: loadConfig({}).speech.transcribeSilenceRms })
  t.teardown(() => transcriber.close())
  const r = await transcriber.transcribe([{ speaker: 'caller', path }], 'ru')
  t.ok(Math.abs(r.heardMs! - speechMs) <= 1, `whisper heard ${r.heardMs} ms of the ${Math.round(trackMs)} ms track (its speech: ${Math.round(speechMs)} ms)`)
  const segs = r.tracks.caller ?? []
  t.ok(segs.length > 0, 'segments came back')
  for (const s of segs) {
    const inside = (ms: number): boolean => spans.some(([from, to]) => ms >= from - 1 && ms <= to + 1)
    t.ok(s.startMs <= s.endMs && inside(s.startMs) && inside(s.endMs), `${s.startMs}–${s.endMs} ms lies in the speech (${spans.map(([a, b]) => `${a}–${b}`).join(', ')})`)
  }
  t.ok(segs.some((s) => s.startMs >= spans[1]![0] - 1), 'the second stretch is transcribed at its own time on the track')
})
