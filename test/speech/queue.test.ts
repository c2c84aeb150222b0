// The transcription queue in the database: leases, a worker killed with -9, retention, and the
// supervisor's alert on a severe finding.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { Bus, type QaAlert } from '../../src/bus.js'
import { loadConfig } from '../../src/config.js'
import { openDb, type Db } from '../../src/db/open.js'
import { calls, recordings } from '../../src/db/schema.js'
import { SpeechRepo } from '../../src/db/speech-repo.js'
import { removeExpiredRecordings } from '../../src/speech/recording-retention.js'
import { Outbox } from '../../src/notify/outbox.js'
import { TranscriptionStopped } from '../../src/speech/errors.js'
import { WorkerTranscriber, type Transcriber } from '../../src/speech/transcriber.js'
import { TranscriptionRunner } from '../../src/speech/transcription-runner.js'
import { spoken, testModel } from '../helpers/speech.js'
import { until } from '../helpers/world.js'

const silent = pino({ level: 'silent' })
const day = 86_400_000

function seedCall (db: Db, dir: string, callId: string, atMs: number, opts: { files?: boolean } = {}): void {
  db.insert(calls).values({ callId, direction: 'inbound', status: 'answered', channelId: `ch_${callId}`, callerRaw: '+79990000000', did: '74950000000', startedAt: atMs, endedAt: atMs + 60_000 }).run()
  for (const kind of ['caller', 'operator'] as const) {
    const path = `2024/01/01/${callId}-${kind}.wav`
    if (opts.files !== false) {
      mkdirSync(join(dir, '2024/01/01'), { recursive: true })
      copyFileSync(spoken(kind === 'caller' ? 'q-caller' : 'q-operator', kind === 'caller' ? 'Where is my order?' : 'Hello, we deliver tomorrow.', 'en'), join(dir, path))
    }
    db.insert(recordings).values({ recordingId: `rec_${callId}_${kind}`, callId, kind, name: `${callId}-${kind}`, format: 'wav', path, status: 'stored', startedAt: atMs, endedAt: atMs + 60_000 }).run()
  }
}

function runner (db: Db, dir: string, o: { worker: string; now?: () => number; transcriber: Transcriber; bus?: Bus; modelPath: string }): TranscriptionRunner {
  const config = loadConfig({}, { speech: { modelPath: o.modelPath, leaseSeconds: 5, pollMs: 20, backoffBaseMs: 10 } })
  return new TranscriptionRunner({
    repo: new SpeechRepo(db), bus: o.bus ?? new Bus(), log: silent, now: o.now ?? Date.now, newId: (p) => `${p}_${Math.random()}`,
    config: config.speech, recordingsDir: dir, worker: o.worker, openTranscriber: () => o.transcriber
  })
}

t.test('a job claimed by a worker killed with -9 is taken again after its lease and finished', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-queue-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const dbPath = join(dir, 'ringlead.db')
  const modelPath = await testModel()
  const db = openDb(dbPath)
  seedCall(db, dir, 'call_k9', Date.now())
  const repo = new SpeechRepo(db)
  repo.enqueue('stt_k9', 'call_k9', 'en', Date.now())

  const child = spawn(process.execPath, ['--import', 'tsx', 'test/speech/claim-child.ts', dbPath, modelPath, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => { if (b.toString().includes('claimed')) resolve() })
    child.on('exit', (code) => { reject(new Error(`child exited early: ${code}`)) })
  })
  t.match(repo.job('stt_k9'), { state: 'running', claimedBy: 'worker-that-dies', attempts: 1 })
  child.removeAllListeners('exit')
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  t.equal(await gone, null, 'killed by a signal, not exited')

  const transcriber = new WorkerTranscriber({ modelPath, threads: 2, workers: 1 })
  t.teardown(() => transcriber.close())
  let clock = Date.now()
  const r = runner(db, dir, { worker: 'new-daemon', now: () => clock, transcriber, modelPath })
  t.equal(r.tick(), 0, 'still leased to the dead worker')
  clock += 6000
  t.equal(r.tick(), 1, 'lease ran out: taken again')
  await r.idle()
  t.match(repo.job('stt_k9'), { state: 'done', claimedBy: 'new-daemon', attempts: 2, lastError: null })
  t.ok(repo.segments('call_k9').length > 0, 'transcript stored')
  await r.stop()
  db.$client.close()
})

t.test('a failed attempt is retried after a growing delay; the last one leaves the job failed with its error', async (t) => {
  const db = openDb(':memory:')
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-queue-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  seedCall(db, dir, 'call_f', 1000)
  const repo = new SpeechRepo(db)
  repo.enqueue('stt_f', 'call_f', 'ru', 1000)
  let clock = 1000
  const failing: Transcriber = { transcribe: async () => { throw new Error('engine exploded') }, close: async () => {} }
  const config = loadConfig({}, { speech: { modelPath: await testModel(), maxAttempts: 3, backoffBaseMs: 100, backoffMaxMs: 150 } })
  const r = new TranscriptionRunner({ repo, bus: new Bus(), log: silent, now: () => clock, newId: (p) => p, config: config.speech, recordingsDir: dir, worker: 'w', openTranscriber: () => failing })
  const delays: number[] = []
  for (let attempt = 1; attempt <= 3; attempt++) {
    t.equal(r.tick(clock), 1, `attempt ${attempt} claimed`)
    await r.idle()
    const job = repo.job('stt_f')!
    t.equal(job.lastError, 'engine exploded')
    if (attempt < 3) {
      t.equal(job.state, 'pending')
      delays.push(job.nextAttemptAt - clock)
      t.equal(r.tick(job.nextAttemptAt - 1), 0, 'not before its time')
      clock = job.nextAttemptAt
    }
  }
  t.same(delays, [100, 150], 'doubling, capped')
  t.match(repo.job('stt_f'), { state: 'failed', attempts: 3, lastError: 'engine exploded' })
})

t.test('a transcription cut short by a stop goes back to the queue, due at once and without using up an attempt', async (t) => {
  const db = openDb(':memory:')
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-queue-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  seedCall(db, dir, 'call_s', 1000)
  const repo = new SpeechRepo(db)
  repo.enqueue('stt_s', 'call_s', 'ru', 1000)
  let release: (err: Error) => void = () => {}
  const stoppable: Transcriber = {
    transcribe: async () => await new Promise((_resolve, reject) => { release = reject }),
    close: async () => { release(new TranscriptionStopped()) }
  }
  const config = loadConfig({}, { speech: { modelPath: await testModel() } })
  const r = new TranscriptionRunner({ repo, bus: new Bus(), log: silent, now: () => 2000, newId: (p) => p, config: config.speech, recordingsDir: dir, worker: 'w', openTranscriber: () => stoppable })
  t.equal(r.tick(2000), 1)
  t.match(repo.job('stt_s'), { state: 'running', attempts: 1, claimedBy: 'w' })
  await r.stop(0)
  t.match(repo.job('stt_s'), { state: 'pending', attempts: 0, claimedBy: null, leaseUntil: null, nextAttemptAt: 2000, lastError: null })
})

t.test('a severe finding alerts the supervisor at once: a bus event and a call.qa_alert webhook in the outbox', async (t) => {
  const db = openDb(':memory:')
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-queue-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  seedCall(db, dir, 'call_rude', 1000)
  const repo = new SpeechRepo(db)
  repo.enqueue('stt_rude', 'call_rude', 'ru', 1000)
  const bus = new Bus()
  const outbox = new Outbox({ db, config: loadConfig({}, { webhooks: { urls: 'http://127.0.0.1:9/hook' } }).webhooks, log: silent, now: () => 2000 })
  const off = outbox.subscribe(bus)
  t.teardown(off)
  const alerts: QaAlert[] = []
  bus.on('call.qa_alert', (a) => alerts.push(a))
  // The engine's words, as a real model would give them for this call (a random-weight model cannot).
  const transcriber: Transcriber = {
    transcribe: async () => ({
      id: 1, ok: true, language: 'ru', engine: 'fixed',
      tracks: {
        caller: [{ startMs: 3000, endMs: 5000, text: 'Где мой заказ?' }],
        operator: [{ startMs: 500, endMs: 2500, text: 'Здравствуйте, магазин Техника.' }, { startMs: 6000, endMs: 8000, text: 'Да задолбали вы, идиоты.' }]
      }
    }),
    close: async () => {}
  }
  const r = runner(db, dir, { worker: 'w', now: () => 2000, transcriber, bus, modelPath: await testModel() })
  r.tick(2000)
  await r.idle()
  t.equal(alerts.length, 1)
  t.match(alerts[0], { callId: 'call_rude', findings: [{ ruleId: 'rudeness-ru', severity: 'severe', segmentIndex: 2, text: 'Да задолбали вы, идиоты.' }] })
  const hooks = outbox.list().filter((e) => e.type === 'call.qa_alert')
  t.equal(hooks.length, 1, 'webhook queued')
  const qa = repo.qaResult('call_rude')!
  t.equal(qa.alerts, 1)
  t.ok(qa.score < 100)
  t.match(repo.search('идиот', 10), [{ callId: 'call_rude', snippet: /\[идиоты\]/ }], 'full-text search, prefix of an inflected word')
})

t.test('the customer swearing alerts the supervisor (call.customer_alert, bus and webhook) and costs the operator nothing', async (t) => {
  const db = openDb(':memory:')
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-queue-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  seedCall(db, dir, 'call_angry', 1000)
  const repo = new SpeechRepo(db)
  repo.enqueue('stt_angry', 'call_angry', 'ru', 1000)
  const bus = new Bus()
  const outbox = new Outbox({ db, config: loadConfig({}, { webhooks: { urls: 'http://127.0.0.1:9/hook' } }).webhooks, log: silent, now: () => 2000 })
  const off = outbox.subscribe(bus)
  t.teardown(off)
  const operatorAlerts: QaAlert[] = []
  const customerAlerts: QaAlert[] = []
  bus.on('call.qa_alert', (a) => operatorAlerts.push(a))
  bus.on('call.customer_alert', (a) => customerAlerts.push(a))
  const words = (caller: string) => ({
    transcribe: async () => ({
      id: 1, ok: true, language: 'ru', engine: 'fixed',
      tracks: {
        caller: [{ startMs: 3000, endMs: 5000, text: caller }],
        operator: [{ startMs: 500, endMs: 2500, text: 'Здравствуйте, магазин Техника.' }, { startMs: 6000, endMs: 8000, text: 'Понимаю вас, сейчас проверю доставку.' }]
      }
    }),
    close: async () => {}
  }) satisfies Transcriber
  const r = runner(db, dir, { worker: 'w', now: () => 2000, transcriber: words('Да вы охуели, неделю заказ везёте!'), bus, modelPath: await testModel() })
  r.tick(2000)
  await r.idle()
  t.equal(operatorAlerts.length, 0, 'nothing against the operator')
  t.equal(customerAlerts.length, 1)
  t.match(customerAlerts[0], { callId: 'call_angry', findings: [{ ruleId: 'customer-upset', kind: 'customer', speaker: 'caller', segmentIndex: 1, penalty: 0 }] })
  t.equal(outbox.list().filter((e) => e.type === 'call.customer_alert').length, 1, 'webhook queued')
  const angry = repo.qaResult('call_angry')!

  seedCall(db, dir, 'call_calm', 1000)
  repo.enqueue('stt_calm', 'call_calm', 'ru', 1000)
  const calm = runner(db, dir, { worker: 'w', now: () => 2000, transcriber: words('Добрый день, где мой заказ?'), bus, modelPath: await testModel() })
  calm.tick(2000)
  await calm.idle()
  t.equal(customerAlerts.length, 1, 'a calm customer raises nothing')
  t.equal(angry.score, repo.qaResult('call_calm')!.score, 'the same operator words score the same, however the customer spoke')
})

t.test('retention removes old recordings but never golden ones or those still queued for transcription', async (t) => {
  const db = openDb(':memory:')
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-retention-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const now = 100 * day
  seedCall(db, dir, 'old', now - 40 * day)
  seedCall(db, dir, 'golden', now - 40 * day)
  seedCall(db, dir, 'queued', now - 40 * day)
  seedCall(db, dir, 'failedjob', now - 40 * day)
  seedCall(db, dir, 'fresh', now - 5 * day)
  const repo = new SpeechRepo(db)
  repo.setGolden('golden', true)
  repo.enqueue('stt_q', 'queued', 'ru', now)
  repo.enqueue('stt_x', 'failedjob', 'ru', now)
  repo.claimDue(now, 'w', 1000, 10)
  repo.fail('stt_x', 'w', now, 'no', null)
  repo.fail('stt_q', 'w', now, 'try later', now + 1000)
  const removed = await removeExpiredRecordings(repo, dir, 30, now, silent)
  t.equal(removed, 4, 'old and failedjob, two tracks each')
  const exists = (callId: string): boolean => existsSync(join(dir, `2024/01/01/${callId}-caller.wav`))
  t.same(['old', 'golden', 'queued', 'failedjob', 'fresh'].map(exists), [false, true, true, false, true])
  t.match(repo.recording('rec_old_caller'), { deletedAt: now, error: 'removed by the retention policy' })
  t.equal(await removeExpiredRecordings(repo, dir, 30, now, silent), 0, 'nothing twice')
  t.equal(await removeExpiredRecordings(repo, dir, 0, now + 1000 * day, silent), 0, '0 days keeps everything')
})
