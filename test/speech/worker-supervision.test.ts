// Supervision with real child processes: a worker that hangs is killed at the deadline and replaced,
// one that crashes is replaced and its job retried, then failed with the reason; a model missing its
// blank token (whisper.cpp stalls on it) ends in failed jobs, not a stuck queue.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import t, { type Test } from 'tap'
import { Bus } from '../../src/bus.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDb, type Db } from '../../src/db/open.js'
import { calls, recordings } from '../../src/db/schema.js'
import { SpeechRepo } from '../../src/db/speech-repo.js'
import { ModelLoadFailed, TranscriptionOverDeadline } from '../../src/speech/errors.js'
import { tinyShape, writeRandomWhisperModel } from '../../src/speech/ggml-model.js'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { TranscriptionRunner } from '../../src/speech/transcription-runner.js'
import { fixtureDir, spoken, testModel } from '../helpers/speech.js'
import { VirtualClock } from '../helpers/virtual-clock.js'
import { until } from '../helpers/world.js'

const hangWorker = new URL('./workers/hang-worker.ts', import.meta.url)
const crashWorker = new URL('./workers/crash-worker.ts', import.meta.url)
const audio = (): string => spoken('sup-operator', 'Hello, we deliver tomorrow.', 'en')
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true } catch { return false } }

function seedCall (db: Db, dir: string, callId: string): void {
  db.insert(calls).values({ callId, direction: 'inbound', status: 'answered', channelId: `ch_${callId}`, callerRaw: '+79990000000', did: '74950000000', startedAt: 0, endedAt: 5000 }).run()
  mkdirSync(join(dir, 'rec'), { recursive: true })
  copyFileSync(audio(), join(dir, 'rec', `${callId}.wav`))
  db.insert(recordings).values({ recordingId: `rec_${callId}`, callId, kind: 'operator', name: callId, format: 'wav', path: `rec/${callId}.wav`, status: 'stored', startedAt: 0, endedAt: 5000 }).run()
}

function queue (t: Test, speech: Partial<Config['speech']>, transcriber: WorkerTranscriber, clock?: VirtualClock): { runner: TranscriptionRunner; repo: SpeechRepo; db: Db; dir: string } {
  const db = openDb(':memory:')
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-worker-sup-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const config = loadConfig({}, { speech: { backoffBaseMs: 10, maxAttempts: 2, ...speech } })
  const runner = new TranscriptionRunner({
    repo: new SpeechRepo(db), bus: new Bus(), log: pino({ level: 'silent' }), now: clock === undefined ? Date.now : () => clock.now(), clock,
    newId: (p) => `${p}_${Math.random()}`, config: config.speech, recordingsDir: dir, worker: 'w', openTranscriber: () => transcriber
  })
  t.teardown(async () => { await runner.stop(0); await transcriber.close(0) })
  return { runner, repo: new SpeechRepo(db), db, dir }
}

t.test('a hung worker is killed at the deadline and the next call gets a new one', async (t) => {
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 1, workers: 1, workerFile: hangWorker })
  t.teardown(() => transcriber.close(0))
  const first = new AbortController()
  const call = transcriber.transcribe([{ speaker: 'operator', path: audio() }], 'en', first.signal)
  await until('the worker runs', () => transcriber.processIds.length === 1)
  const [pid] = transcriber.processIds
  first.abort(new TranscriptionOverDeadline(10_000, 2000))
  await t.rejects(call, TranscriptionOverDeadline)
  await until('the hung worker is gone', () => !alive(pid!))
  t.same(transcriber.processIds, [])
  const second = new AbortController()
  const again = transcriber.transcribe([{ speaker: 'operator', path: audio() }], 'en', second.signal)
  await until('a new worker runs', () => transcriber.processIds.length === 1)
  t.not(transcriber.processIds[0], pid)
  second.abort(new Error('enough'))
  await t.rejects(again, /enough/)
})

t.test('the queue kills a hung worker at the job\'s deadline (virtual time), retries, then fails the job with the reason', async (t) => {
  const clock = new VirtualClock()
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 1, workers: 1, workerFile: hangWorker })
  const q = queue(t, { modelPath: await testModel(), deadlineMinSeconds: 60 }, transcriber, clock)
  seedCall(q.db, q.dir, 'call_h')
  q.repo.enqueue('stt_h', 'call_h', 'en', clock.now())
  const pids: number[] = []
  for (let attempt = 1; attempt <= 2; attempt++) {
    t.equal(q.runner.tick(), 1, `attempt ${attempt} claimed`)
    await until('the worker runs', () => transcriber.processIds.length === 1)
    pids.push(transcriber.processIds[0]!)
    await clock.advance(61_000)
    await q.runner.idle()
    await until('the hung worker is gone', () => !alive(pids.at(-1)!))
  }
  t.not(pids[0], pids[1], 'a new worker for the retry')
  t.match(q.repo.job('stt_h'), { state: 'failed', attempts: 2, lastError: /longer than its deadline of 60 s/ })
  t.match(q.runner.health(), { stuck: 0, lastFailure: { jobId: 'stt_h', error: /deadline/ } })
})

t.test('a worker that crashes is replaced for the retry; the job then fails with the reason', async (t) => {
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 1, workers: 1, workerFile: crashWorker })
  const q = queue(t, { modelPath: await testModel() }, transcriber)
  seedCall(q.db, q.dir, 'call_c')
  q.repo.enqueue('stt_c', 'call_c', 'en', Date.now())
  q.runner.tick()
  await until('the job failed for good', () => { q.runner.tick(); return q.repo.job('stt_c')?.state === 'failed' })
  t.match(q.repo.job('stt_c'), { attempts: 2, lastError: 'transcription worker exited with code 3' })
})

t.test('a model missing its blank token ends in failed jobs with a reason, not a stuck queue', async (t) => {
  const model = join(fixtureDir, 'ggml-no-blank.bin')
  await writeRandomWhisperModel(model, { ...tinyShape, withoutBlankToken: true })
  // The prebuilt binding stalls on such a model (the native build of whisper.cpp 1.9.1 aborts instead:
  // the job fails with "exited with SIGABRT"): the stall is the case for the deadline.
  const transcriber = new WorkerTranscriber({ modelPath: model, threads: 1, workers: 1, engine: 'prebuilt' })
  // Real time: the worker really stalls; the 1 s deadline is what ends each attempt.
  const q = queue(t, { modelPath: model, deadlineMinSeconds: 1, deadlineFactor: 0.1 }, transcriber)
  for (const id of ['a', 'b']) {
    seedCall(q.db, q.dir, `call_${id}`)
    q.repo.enqueue(`stt_${id}`, `call_${id}`, 'en', Date.now())
  }
  await until('both jobs failed', () => { q.runner.tick(); return q.repo.counts().failed === 2 }, 120_000)
  t.match(q.repo.counts(), { pending: 0, running: 0, failed: 2 })
  t.match(q.repo.job('stt_a'), { attempts: 2, lastError: /longer than its deadline of 1 s/ })
  t.match(q.runner.health(), { state: 'ready', stuck: 0, lastFailure: { error: /deadline/ }, modelWarnings: [/lacks the blank token/] })
})

t.test('a worker that cannot load the model says so apart from other errors', async (t) => {
  const bad = join(fixtureDir, 'sup-not-a-model.bin')
  writeFileSync(bad, 'this is not a ggml file')
  const transcriber = new WorkerTranscriber({ modelPath: bad, threads: 1, workers: 1 })
  t.teardown(() => transcriber.close())
  const err = await transcriber.transcribe([{ speaker: 'operator', path: audio() }], 'en').catch((e: unknown) => e)
  t.type(err, ModelLoadFailed)
  t.match(err, { modelPath: bad, why: /Failed to initialize whisper context/ })
})
