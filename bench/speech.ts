// Speech figures (transcription speed is in speech-engine.ts): QA over a one-hour transcript with 500 rules, and call setup with 10,000 transcription jobs queued.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDb } from '../src/db/open.js'
import { calls, recordings, transcriptionJobs } from '../src/db/schema.js'
import { scoreCall, type QaRule } from '../src/domain/qa.js'
import type { Segment } from '../src/domain/transcript.js'
import { writeRandomWhisperModel } from '../src/speech/ggml-model.js'
import { defaultRuleSet } from '../src/speech/default-rule-set.js'
import { corpusFigures } from './qa-corpus.js'
import { startBenchWorld } from './bench-world.js'
import { percentiles, seeded } from './stats.js'
import { toneWav } from './tone-wav.js'

const ms = (n: number): string => n.toFixed(2)


const words = ['здравствуйте', 'заказ', 'доставка', 'холодильник', 'цена', 'скидка', 'гарантия', 'hello', 'order', 'delivery', 'price', 'ну', 'типа', 'спасибо', 'завтра', 'курьер']

/** A one-hour call: 1,800 segments of 2 s, the parties taking turns, 12 words each, from a vocabulary of ~3,000 words. */
function hourTranscript (): Segment[] {
  const random = seeded(11)
  const syllables = ['ка', 'ло', 'ми', 'ре', 'ту', 'на', 'со', 'ви', 'да', 'пе', 'го', 'ру', 'ст', 'ба', 'ле']
  const vocabulary = [...words, ...Array.from({ length: 3000 }, (_, i) => syllables[i % 15]! + syllables[Math.floor(i / 15) % 15]! + syllables[Math.floor(i / 225) % 15]! + ['ами', 'ой', 'ы', 'ать', ''][i % 5])]
  const segs: Segment[] = []
  for (let i = 0; i < 1800; i++) {
    const text = Array.from({ length: 12 }, () => random() < 0.3 ? words[Math.floor(random() * words.length)] : vocabulary[Math.floor(random() * vocabulary.length)]).join(' ')
    segs.push({ speaker: i % 2 === 0 ? 'operator' : 'caller', startMs: i * 2000, endMs: i * 2000 + 1900, text })
  }
  return segs
}

function fiveHundredRules (): QaRule[] {
  const rules: QaRule[] = []
  const base = defaultRuleSet.rules
  for (let i = 0; rules.length < 500; i++) {
    const r = base[i % base.length]!
    if (r.kind === 'required') rules.push({ ...r, ruleId: `r${i}`, phrases: [...r.phrases, `${words[i % words.length]} ${words[(i * 7) % words.length]}`, `фраза${i} номер${i}`] })
    else if (r.kind === 'forbidden') rules.push({ ...r, ruleId: `r${i}`, words: [...r.words, `слово${i}`] })
    else rules.push({ ...r, ruleId: `r${i}` })
  }
  return rules
}

export function benchQa (runs = 20): Record<string, string> {
  const segs = hourTranscript()
  const rules = fiveHundredRules()
  scoreCall(segs, rules) // warm-up
  const times: number[] = []
  let findings = 0
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    findings = scoreCall(segs, rules).findings.length
    times.push(performance.now() - t0)
  }
  const p = percentiles(times)
  return {
    'transcript': `1 hour, ${segs.length} segments, ${segs.length * 12} words, ${new Set(segs.flatMap((s) => s.text.split(' '))).size} distinct`,
    'rules': `${rules.length} (required phrases with synonyms, forbidden word lists, quality measures)`,
    'findings': String(findings),
    'scoreCall p50 / max ms (target ≤ 50)': `${ms(p.p50)} / ${ms(p.max)}`,
    ...corpusFigures()
  }
}

async function setupP99 (queued: number, modelPath: string, track: Buffer): Promise<{ p50: number; p99: number; calls: number; done: number }> {
  const w = await startBenchWorld({
    operators: 200,
    behaviour: { kind: 'answer', afterMs: 20, hangupAfterMs: 1000 },
    config: { speech: { modelPath, concurrency: 1, pollMs: 200 } },
    seed: (dbPath, dir) => { seedTranscriptionBacklog(dbPath, dir, track, queued) }
  })
  try {
    const load = { cmd: 'closed' as const, concurrency: 20, staggerMs: 1000, thinkMs: 100, dids: w.dids, callerHangupAfterMs: 30_000 }
    await w.sim.load({ ...load, durationMs: 2000 }, 60_000)
    const r = await w.sim.load({ ...load, durationMs: 12_000 }, 90_000)
    const p = percentiles(r.setupMs)
    return { p50: p.p50, p99: p.p99, calls: r.placed, done: w.daemon.speechRepo.counts().done }
  } finally {
    await w.close()
  }
}

export async function benchQueue (): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-speech-bench-'))
  try {
    const modelPath = join(dir, 'ggml-random.bin')
    await writeRandomWhisperModel(modelPath)
    const track = toneWav(8000, 5, 5)
    const empty = await setupP99(0, modelPath, track)
    const full = await setupP99(10_000, modelPath, track)
    return {
      'load': '20 callers in a closed loop for 12 s, 1 s talk, 200 operators; transcription on (concurrency 1, random-weight model)',
      'setup p50 / p99 ms, queue empty': `${ms(empty.p50)} / ${ms(empty.p99)} (${empty.calls} calls)`,
      'setup p50 / p99 ms, 10,000 jobs queued and one transcribing': `${ms(full.p50)} / ${ms(full.p99)} (${full.calls} calls, ${full.done} jobs done meanwhile)`
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url.endsWith(process.argv[1]?.split('/').pop() ?? '-')) {
  const { printFigures } = await import('./stats.js')
  printFigures('speech: QA, one hour, 500 rules', benchQa())
  printFigures('speech: call setup with 10,000 queued jobs', await benchQueue())
  process.exit(0)
}

/**
 * A database with `count` answered calls of yesterday, each with its recording (`track`) and a
 * transcription job: pending (a backlog to work through) or, for the same database with nothing
 * to do, done.
 */
export function seedTranscriptionBacklog (dbPath: string, dir: string, track: Buffer, count: number, state: 'pending' | 'done' = 'pending'): void {
  if (count === 0) return
  writeFileSync(join(dir, 'track.wav'), track)
  const db = openDb(dbPath)
  const now = Date.now()
  db.$client.transaction(() => {
    for (let i = 0; i < count; i++) {
      const callId = `old_${i}`
      db.insert(calls).values({ callId, direction: 'inbound', status: 'answered', channelId: `ch_${i}`, callerRaw: '+79990000000', did: '74950000000', startedAt: now - 86_400_000, endedAt: now - 86_400_000 }).run()
      db.insert(recordings).values({ recordingId: `rec_${i}`, callId, kind: 'caller', name: `${callId}-caller`, format: 'wav', path: '../track.wav', status: 'stored', startedAt: now, endedAt: now }).run()
      db.insert(transcriptionJobs).values({ jobId: `stt_${i}`, callId, state, language: 'en', attempts: state === 'done' ? 1 : 0, nextAttemptAt: now, createdAt: now, updatedAt: now, finishedAt: state === 'done' ? now : null }).run()
    }
  })()
  db.$client.close()
}
