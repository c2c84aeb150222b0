// The queue's supervision on virtual time: a deadline per job from its audio's length, leases that
// stop at the deadline, what /api/health says about stuck and failed work, a model that will not load
// (the queue waits instead of burning attempts), and a model swapped without a restart.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import t, { type Test } from 'tap'
import { Bus } from '../../src/bus.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDb, type Db } from '../../src/db/open.js'
import { calls, recordings } from '../../src/db/schema.js'
import { SpeechRepo } from '../../src/db/speech-repo.js'
import { ModelLoadFailed, TranscriptionStopped } from '../../src/speech/errors.js'
import { writeRandomWhisperModel } from '../../src/speech/ggml-model.js'
import { writeChoice } from '../../src/speech/model-folder.js'
import type { Transcriber, Transcription } from '../../src/speech/transcriber.js'
import { TranscriptionRunner } from '../../src/speech/transcription-runner.js'
import { memoryLog } from '../helpers/agi-peer.js'
import { testModel } from '../helpers/speech.js'
import { VirtualClock } from '../helpers/virtual-clock.js'
import { until } from '../helpers/world.js'

/** A call whose two party tracks are `seconds` long each (silence: only the length matters here). */
function seedCall (db: Db, dir: string, callId: string, seconds: number): void {
  db.insert(calls).values({ callId, direction: 'inbound', status: 'answered', channelId: `ch_${callId}`, callerRaw: '+79990000000', did: '74950000000', startedAt: 0, endedAt: seconds * 1000 }).run()
  mkdirSync(join(dir, 'rec'), { recursive: true })
  for (const kind of ['caller', 'operator'] as const) {
    const path = `rec/${callId}-${kind}.wav`
    execFileSync('sox', ['-n', '-r', '8000', '-b', '16', '-c', '1', join(dir, path), 'trim', '0', String(seconds)])
    db.insert(recordings).values({ recordingId: `rec_${callId}_${kind}`, callId, kind, name: `${callId}-${kind}`, format: 'wav', path, status: 'stored', startedAt: 0, endedAt: seconds * 1000 }).run()
  }
}

/** A transcriber whose calls wait until the test answers them; `heedAbort: false` makes one that ignores its deadline. */
class FakeTranscriber implements Transcriber {
  readonly calls: Array<{ answer: () => void; stop: () => void; signal: AbortSignal | undefined }> = []
  closed = false
  constructor (private readonly o: { heedAbort?: boolean; fail?: Error } = {}) {}
  async transcribe (_tracks: unknown, language: string, signal?: AbortSignal): Promise<Transcription> {
    if (this.o.fail !== undefined) throw this.o.fail
    return await new Promise((resolve, reject) => {
      const reply: Transcription = { id: 0, ok: true, language, engine: 'fake', tracks: { operator: [{ startMs: 0, endMs: 900, text: 'Hello, thank you for calling.' }] } }
      this.calls.push({ answer: () => { resolve(reply) }, stop: () => { reject(new TranscriptionStopped()) }, signal })
      if (this.o.heedAbort !== false) signal?.addEventListener('abort', () => { reject(signal.reason) })
    })
  }

  /** As the real one: the calls in hand may finish; with no grace they end as stopped. */
  async close (graceMs = 60_000): Promise<void> {
    this.closed = true
    if (graceMs === 0) for (const c of this.calls) c.stop()
  }
}

interface Setup { db: Db; repo: SpeechRepo; dir: string; clock: VirtualClock; runner: TranscriptionRunner; opened: string[]; logs: ReturnType<typeof memoryLog> }

async function setup (t: Test, speech: Partial<Config['speech']>, transcriberFor: (path: string) => Transcriber): Promise<Setup> {
  const db = openDb(':memory:')
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-supervision-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const clock = new VirtualClock()
  const logs = memoryLog()
  const opened: string[] = []
  const config = loadConfig({}, { speech: { leaseSeconds: 5, backoffBaseMs: 1000, maxAttempts: 2, modelCheckMs: 1000, ...speech } })
  const runner = new TranscriptionRunner({
    repo: new SpeechRepo(db), bus: new Bus(), log: logs.log, now: () => clock.now(), clock, newId: (p) => `${p}_${Math.random()}`,
    config: config.speech, recordingsDir: dir, worker: 'w', openTranscriber: (path) => { opened.push(path); return transcriberFor(path) }
  })
  t.teardown(() => runner.stop(0))
  return { db, repo: new SpeechRepo(db), dir, clock, runner, opened, logs }
}

t.test('a transcription past its deadline (factor × audio length) is cut off and retried, then fails with the reason', async (t) => {
  const fake = new FakeTranscriber()
  const s = await setup(t, { modelPath: await testModel(), deadlineFactor: 2, deadlineMinSeconds: 5 }, () => fake)
  seedCall(s.db, s.dir, 'call_long', 20)
  s.repo.enqueue('stt_long', 'call_long', 'en', s.clock.now())
  t.equal(s.runner.tick(), 1)
  await until('the transcription started', () => fake.calls.length === 1)
  // Two tracks of 20 s: 40 s of audio, × 2 = 80 s.
  for (let i = 0; i < 79; i++) {
    await s.clock.advance(1000)
    s.runner.keepLeases() // what the lease keeper does while the daemon runs
  }
  t.match(s.repo.job('stt_long'), { state: 'running' }, 'within its deadline')
  t.match(s.runner.health(), { state: 'ready', stuck: 0, lastFailure: null })
  await s.clock.advance(2000)
  await s.runner.idle()
  t.match(s.repo.job('stt_long'), { state: 'pending', attempts: 1, lastError: 'transcription took longer than its deadline of 80 s (for 40 s of audio); its worker was killed' })
  t.ok(fake.calls[0]!.signal?.aborted, 'the transcriber was told to stop (the worker kills its process)')

  await s.clock.advance(1000)
  t.equal(s.runner.tick(), 1, 'retried after the backoff')
  await until('the second attempt started', () => fake.calls.length === 2)
  await s.clock.advance(81_000)
  await s.runner.idle()
  t.match(s.repo.job('stt_long'), { state: 'failed', attempts: 2, lastError: /longer than its deadline of 80 s/ })
  t.match(s.runner.health(), { stuck: 0, lastFailure: { jobId: 'stt_long', state: 'failed', error: /deadline of 80 s/ } })
})

t.test('heard in one mixed pass, a call\'s two tracks count once toward its deadline', async (t) => {
  const fake = new FakeTranscriber()
  const s = await setup(t, { modelPath: await testModel(), deadlineFactor: 2, deadlineMinSeconds: 5, transcribePass: 'mixed' }, () => fake)
  seedCall(s.db, s.dir, 'call_mixed', 20)
  s.repo.enqueue('stt_mixed', 'call_mixed', 'en', s.clock.now())
  s.runner.tick()
  await until('the transcription started', () => fake.calls.length === 1)
  await s.clock.advance(39_000)
  t.notOk(fake.calls[0]!.signal?.aborted, 'within its deadline')
  await s.clock.advance(2000)
  t.ok(fake.calls[0]!.signal?.aborted, 'cut off past 2 × 20 s, not 2 × 40 s')
  if (fake.calls[0]!.signal?.aborted !== true) fake.calls[0]!.stop()
  await s.runner.idle()
  t.match(s.repo.job('stt_mixed'), { state: 'pending', lastError: /deadline of 40 s \(for 20 s of audio\)/ })
})

t.test('a short call gets the minimum deadline', async (t) => {
  const fake = new FakeTranscriber()
  const s = await setup(t, { modelPath: await testModel(), deadlineFactor: 2, deadlineMinSeconds: 30 }, () => fake)
  seedCall(s.db, s.dir, 'call_short', 1)
  s.repo.enqueue('stt_short', 'call_short', 'en', s.clock.now())
  s.runner.tick()
  await until('the transcription started', () => fake.calls.length === 1)
  await s.clock.advance(29_000)
  t.match(s.repo.job('stt_short'), { state: 'running' })
  await s.clock.advance(2000)
  await s.runner.idle()
  t.match(s.repo.job('stt_short'), { state: 'pending', lastError: /deadline of 30 s \(for 2 s of audio\)/ })
})

t.test('a job its transcriber will not let go of shows as stuck, and its lease is not kept past the deadline', async (t) => {
  const fake = new FakeTranscriber({ heedAbort: false })
  const s = await setup(t, { modelPath: await testModel(), deadlineFactor: 1, deadlineMinSeconds: 10 }, () => fake)
  seedCall(s.db, s.dir, 'call_hung', 2)
  s.repo.enqueue('stt_hung', 'call_hung', 'en', s.clock.now())
  s.runner.tick()
  await until('the transcription started', () => fake.calls.length === 1)
  const started = s.clock.now()
  await s.clock.advance(11_000)
  t.match(s.runner.health(), { stuck: 1 }, 'over its deadline and still in hand')
  for (let i = 0; i < 10; i++) {
    await s.clock.advance(2000)
    s.runner.keepLeases()
  }
  t.ok(s.repo.job('stt_hung')!.leaseUntil! <= started + 10_000 + 5000, 'the lease ends one lease after the deadline')
  t.match(s.runner.health(), { stuck: 1 }, 'counted once, in hand and with its lease run out')
  fake.calls[0]!.answer()
  await s.runner.idle()
})

t.test('a model that fails to load is reported once, and the jobs wait for another model without using attempts', async (t) => {
  const models = mkdtempSync(join(tmpdir(), 'ringlead-models-'))
  t.teardown(() => { rmSync(models, { recursive: true, force: true }) })
  copyFileSync(await testModel(), join(models, 'ggml-a.bin'))
  let broken = true
  const good = new FakeTranscriber()
  const s = await setup(t, { modelPath: '', modelsDir: models },
    (path) => (broken ? new FakeTranscriber({ fail: new ModelLoadFailed(path, 'Failed to initialize whisper context') }) : good))
  for (const id of ['a', 'b']) {
    seedCall(s.db, s.dir, `call_${id}`, 1)
    s.repo.enqueue(`stt_${id}`, `call_${id}`, 'en', s.clock.now())
  }
  t.equal(s.runner.tick(), 1)
  await until('the job was handed back', () => s.repo.job('stt_a')?.state === 'pending')
  await s.runner.idle()
  t.match(s.repo.job('stt_a'), { state: 'pending', attempts: 0, lastError: null })
  t.same(s.runner.status(), {
    state: 'model failed to load', model: 'ggml-a.bin',
    reason: 'transcription: model failed to load: Failed to initialize whisper context; calls are queued until the model changes'
  })
  for (let i = 0; i < 5; i++) {
    await s.clock.advance(2000)
    t.equal(s.runner.tick(), 0, 'nothing claimed while the model is the same')
  }
  t.match(s.repo.counts(), { pending: 2, running: 0, failed: 0 })
  t.equal(s.logs.entries.filter((e) => String(e.msg).startsWith('transcription: model failed to load')).length, 1, 'said once')

  broken = false
  const next = join(models, '.incoming')
  await writeRandomWhisperModel(next, { state: 64, heads: 2, audioLayers: 1, textLayers: 1, seed: 8 })
  renameSync(next, join(models, 'ggml-a.bin'))
  await s.clock.advance(2000)
  t.equal(s.runner.tick(), 1, 'the model changed: work goes on')
  await until('transcribing on the new model', () => good.calls.length === 1)
  good.calls[0]!.answer()
  await until('the first job done', () => s.repo.job('stt_a')?.state === 'done' || s.repo.job('stt_b')?.state === 'done')
  t.match(s.runner.status(), { state: 'ready', model: 'ggml-a.bin', why: /the only model in/ })
})

t.test('a file in the models folder that is no model is reported without starting a worker', async (t) => {
  const models = mkdtempSync(join(tmpdir(), 'ringlead-models-'))
  t.teardown(() => { rmSync(models, { recursive: true, force: true }) })
  writeFileSync(join(models, 'ggml-base.bin'), '<html>404 not found</html>')
  const s = await setup(t, { modelPath: '', modelsDir: models }, () => new FakeTranscriber())
  seedCall(s.db, s.dir, 'call_x', 1)
  s.repo.enqueue('stt_x', 'call_x', 'en', s.clock.now())
  t.equal(s.runner.tick(), 0)
  t.same(s.opened, [])
  t.match(s.runner.health(), { state: 'model failed to load', reason: /^transcription: model failed to load: not a ggml model \(magic 0x6d74683c/ })
})

t.test('a model chosen while a job runs: that job finishes on the old model, the next one loads the new', async (t) => {
  const models = mkdtempSync(join(tmpdir(), 'ringlead-models-'))
  t.teardown(() => { rmSync(models, { recursive: true, force: true }) })
  copyFileSync(await testModel(), join(models, 'ggml-old.bin'))
  copyFileSync(await testModel(), join(models, 'ggml-new.bin'))
  writeChoice(models, 'ggml-old.bin')
  const fakes = new Map<string, FakeTranscriber>()
  const s = await setup(t, { modelPath: '', modelsDir: models, concurrency: 2 }, (path) => {
    const f = new FakeTranscriber()
    fakes.set(path, f)
    return f
  })
  seedCall(s.db, s.dir, 'call_1', 1)
  seedCall(s.db, s.dir, 'call_2', 1)
  s.repo.enqueue('stt_1', 'call_1', 'en', s.clock.now())
  t.equal(s.runner.tick(), 1)
  const old = fakes.get(join(models, 'ggml-old.bin'))!
  await until('job 1 on the old model', () => old.calls.length === 1)

  writeChoice(models, 'ggml-new.bin')
  await s.clock.advance(1000)
  s.repo.enqueue('stt_2', 'call_2', 'en', s.clock.now())
  t.equal(s.runner.tick(), 1)
  t.same(s.opened, [join(models, 'ggml-old.bin'), join(models, 'ggml-new.bin')])
  const fresh = fakes.get(join(models, 'ggml-new.bin'))!
  await until('job 2 on the new model', () => fresh.calls.length === 1)
  t.equal(old.calls.length, 1, 'the old model took no new job')
  fresh.calls[0]!.answer()
  old.calls[0]!.answer()
  await s.runner.idle()
  t.equal(s.repo.transcript('call_1')?.model, 'ggml-old.bin')
  t.equal(s.repo.transcript('call_2')?.model, 'ggml-new.bin')
  t.ok(old.closed, 'the old model was closed (the real one lets its job in hand finish first)')
  t.notOk(fresh.closed)
  t.match(s.runner.status(), { state: 'ready', model: 'ggml-new.bin', why: 'chosen with `ringlead speech models use ggml-new.bin`' })
})
