// Speech fixtures made at test time: a random-weight Whisper model written by the project's own
// generator, and spoken audio from espeak-ng and sox (never downloaded).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeRandomWhisperModel } from '../../src/speech/ggml-model.js'

const dir = mkdtempSync(join(tmpdir(), 'ringlead-speech-'))

let model: Promise<string> | null = null
/** Path of a tiny Whisper-shaped model (random weights), written once per test process. */
export function testModel (): Promise<string> {
  model ??= (async () => {
    const path = join(dir, 'ggml-random-tiny.bin')
    await writeRandomWhisperModel(path)
    return path
  })()
  return model
}

/** Speaks `text` into an 8 kHz mono WAV (the rate Asterisk records at). */
export function spoken (name: string, text: string, voice: 'ru' | 'en'): string {
  const raw = join(dir, `${name}-raw.wav`)
  const out = join(dir, `${name}.wav`)
  if (!existsSync(out)) {
    execFileSync('espeak-ng', ['-v', voice, '-s', '160', '-w', raw, text])
    execFileSync('sox', [raw, '-r', '8000', '-b', '16', '-c', '1', out])
  }
  return out
}

/** A two-party call as one stereo file: the caller on the left, the operator on the right. */
export function stereoCall (name: string, caller: string, operator: string): string {
  const out = join(dir, `${name}-stereo.wav`)
  if (!existsSync(out)) execFileSync('sox', ['-M', caller, operator, out])
  return out
}

export const fixtureDir = dir
