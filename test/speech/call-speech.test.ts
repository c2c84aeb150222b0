// Calls end to end: recorded by the simulator, transcribed with a generated model, checked, and
// served back through the API (recordings with range requests, per role).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createToken } from '../../src/db/tokens-repo.js'
import { startWorld, until, type World } from '../helpers/world.js'
import { testModel } from '../helpers/speech.js'

// On a loaded machine Asterisk (the simulator) may take a while to finish the files.
const patient = { recordingSettleMs: 15_000 }

const get = async (w: World, url: string, token = w.token, headers: Record<string, string> = {}) =>
  await w.daemon.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } })

async function answeredCall (w: World): Promise<string> {
  const ended = w.ended()
  // Long enough that the party snoops start before the caller hangs up, even on a loaded machine.
  w.sim.placeCall({ from: '+79031112233', did: '74951234567', hangupAfterMs: 800 })
  const e = await ended
  if (e.status !== 'answered') throw new Error(`call ${e.callId} was ${e.status}`)
  return e.callId
}

t.test('an answered call is transcribed per party, scored, searchable, and its recording is served with ranges', async (t) => {
  const w = await startWorld({ speech: { modelPath: await testModel(), language: 'en', pollMs: 50 } }, patient)
  t.teardown(() => w.close())
  w.addCategory('fridges')
  w.addNumber('74951234567', { categoryId: 'fridges' })
  const ana = w.addOperator('101', { skills: { fridges: 5 } })
  const ben = w.addOperator('102', { registered: false })

  const callId = await answeredCall(w)
  await until('transcript stored', () => w.daemon.speechRepo.jobOfCall(callId)?.state === 'done', 60_000)
  const story = (await get(w, `/api/calls/${callId}`)).json()
  t.equal(story.speech.status, 'transcribed')
  // The simulator's tracks are tones whose length follows the machine's timing, and what a
  // random-weight model makes of them (even nothing) varies; decoding of fixed speech is asserted in
  // engine.test.ts, search over a known transcript in queue.test.ts. Here: the pipeline.
  t.match(story.speech.transcript, { language: 'en', engine: 'whisper.cpp (@fugood/whisper.node)', model: 'ggml-random-tiny.bin', segments: Array })
  const segs = story.speech.transcript.segments as Array<{ speaker: string; startMs: number; endMs: number; text: string }>
  t.ok(segs.every((s) => (s.speaker === 'caller' || s.speaker === 'operator') && s.startMs <= s.endMs), 'each segment names its party and an interval')
  t.ok(segs.every((s, i) => i === 0 || segs[i - 1]!.startMs <= s.startMs), 'merged in time order')
  t.match(story.speech.qa, { ruleSetId: 'default', score: Number })
  t.ok(story.speech.qa.findings.some((f: { ruleId: string }) => f.ruleId === 'greeting'), 'nonsense words do not greet: the QA card says so')
  t.equal(w.daemon.speechRepo.transcript(callId)?.text, segs.map((s) => s.text).join('\n'), 'the text indexed for search is the segments\' text')

  const rec = story.recordings.find((r: { kind: string }) => r.kind === 'operator')
  t.match(rec.url, `/api/calls/${callId}/recordings/`)
  const whole = await get(w, rec.url)
  t.equal(whole.statusCode, 200)
  t.equal(whole.headers['accept-ranges'], 'bytes')
  t.equal(whole.rawPayload.subarray(0, 4).toString(), 'RIFF')
  const part = await get(w, rec.url, w.token, { range: 'bytes=4-11' })
  t.equal(part.statusCode, 206)
  t.equal(part.headers['content-range'], `bytes 4-11/${whole.rawPayload.length}`)
  t.same(part.rawPayload, whole.rawPayload.subarray(4, 12))
  t.equal((await get(w, rec.url, w.token, { range: `bytes=${whole.rawPayload.length + 10}-` })).statusCode, 416)

  const own = createToken(w.daemon.db, { name: 'ana', role: 'operator', operatorId: ana }, Date.now()).token
  const other = createToken(w.daemon.db, { name: 'ben', role: 'operator', operatorId: ben }, Date.now()).token
  t.equal((await get(w, rec.url, own)).statusCode, 200, 'the operator on the call may listen')
  t.equal((await get(w, rec.url, other)).statusCode, 403, 'another operator may not')
  t.equal((await get(w, `/api/calls/${callId}/transcript`, other)).statusCode, 403)
  // A known word in the index, to show search answers an operator only for their own calls.
  w.daemon.db.$client.prepare('UPDATE transcripts_fts SET text = ? WHERE call_id = ?').run('доставка завтра', callId)
  const foundBySupervisor = (await get(w, '/api/transcripts/search?q=доставк')).json()
  t.match(foundBySupervisor.items, [{ callId, snippet: '[доставка] завтра' }])
  t.match((await get(w, '/api/transcripts/search?q=доставк', own)).json().items, [{ callId }], 'the operator on the call finds it')
  t.same((await get(w, '/api/transcripts/search?q=доставк', other)).json().items, [], 'another operator does not')
})

const send = async (w: World, method: 'PUT' | 'DELETE' | 'GET', url: string, body?: unknown, token = w.token) =>
  await w.daemon.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) })

t.test('without a model calls are still recorded and queued (in the category\'s language), and /health and the call say transcription waits for a model', async (t) => {
  const w = await startWorld({ speech: { modelPath: '', pollMs: 50 } }, patient)
  t.teardown(() => w.close())
  w.addCategory('fridges')
  w.addNumber('74951234567', { categoryId: 'fridges' })
  w.addOperator('101')
  t.equal((await send(w, 'PUT', '/api/categories/fridges/speech-language', { language: 'ru' })).statusCode, 200)
  t.equal((await send(w, 'PUT', '/api/tracking-numbers/70000000000/speech-language', { language: 'en' })).statusCode, 404)
  const callId = await answeredCall(w)
  t.equal(w.daemon.speechRepo.jobOfCall(callId)?.language, 'ru', 'the category names the language')
  const story = (await get(w, `/api/calls/${callId}`)).json()
  // A party track can miss its snoop on a loaded machine; the call is queued on what was stored.
  t.ok(story.recordings.some((r: { status: string }) => r.status === 'stored'), 'recorded')
  t.match(story.speech, { status: /queued; transcription waits for a model/, job: { state: 'pending' }, transcript: null })
  const health = (await w.daemon.app.inject({ method: 'GET', url: '/api/health' })).json()
  t.match(health.transcription, { state: 'waiting for a model', reason: /RINGLEAD_SPEECH_MODEL_PATH/, jobs: { pending: 1 } })
  const golden = await send(w, 'PUT', `/api/calls/${callId}/golden`, { golden: true })
  t.match(golden.json(), { callId, golden: true, recordings: story.recordings.length })
  t.ok((await get(w, `/api/calls/${callId}`)).json().recordings.every((r: { golden: boolean }) => r.golden), 'marked for the golden fund')
})

t.test('a model that cannot load: retried with backoff, then failed with its error shown; retry through the API', async (t) => {
  const w = await startWorld({ speech: { modelPath: '/dev/null', pollMs: 20, maxAttempts: 2, backoffBaseMs: 20 } }, patient)
  t.teardown(() => w.close())
  w.addOperator('101')
  const callId = await answeredCall(w)
  await until('job failed', () => w.daemon.speechRepo.jobOfCall(callId)?.state === 'failed', 30_000)
  const job = w.daemon.speechRepo.jobOfCall(callId)!
  t.equal(job.attempts, 2)
  t.match(job.lastError, /Failed to initialize whisper context/)
  const s = (await get(w, `/api/calls/${callId}/transcript`)).json()
  t.match(s.status, /failed after 2 attempts: Failed to initialize whisper context/)
  const jobs = (await get(w, '/api/speech/jobs?state=failed')).json()
  t.match(jobs, { counts: { failed: 1 }, items: [{ jobId: job.jobId, lastError: /Failed/ }] })
  const retried = await w.daemon.app.inject({ method: 'POST', url: `/api/speech/jobs/${job.jobId}/retry`, headers: { authorization: `Bearer ${w.token}` } })
  t.equal(retried.statusCode, 200)
  t.equal(retried.json().attempts, 0)
})

t.test('an unwritable recordings directory: the call completes, the failure is counted and the API says why', async (t) => {
  const base = join((await import('node:os')).tmpdir(), `ringlead-ro-${process.pid}`)
  mkdirSync(base, { recursive: true })
  const blocker = join(base, 'not-a-dir')
  writeFileSync(blocker, 'a file where the directory should be')
  chmodSync(base, 0o555)
  t.teardown(() => { chmodSync(base, 0o755) })
  const w = await startWorld({ recordings: { dir: join(blocker, 'recordings') }, speech: { modelPath: '' } }, patient)
  t.teardown(() => w.close())
  w.addOperator('101')
  const callId = await answeredCall(w)
  const story = (await get(w, `/api/calls/${callId}`)).json()
  t.equal(story.call.status, 'answered', 'the call itself completed')
  for (const r of story.recordings) {
    t.not(r.status, 'stored')
    t.match(r.error, /not copied: .*(ENOTDIR|EACCES|EEXIST)/)
    t.equal(r.url, null)
    const res = await get(w, `/api/calls/${callId}/recordings/${r.recordingId}`)
    t.equal(res.statusCode, 410)
    t.match(res.json().message, /is missing \(done\): not copied/)
  }
  const health = (await w.daemon.app.inject({ method: 'GET', url: '/api/health' })).json()
  t.equal(health.recordingProblems, 3)
  t.match(story.speech.status, /not queued/)
})

t.test('rule sets are data: stored per category through the API, checked on the way in, listed for the console', async (t) => {
  const w = await startWorld({ speech: { modelPath: '' } }, patient)
  t.teardown(() => w.close())
  w.addCategory('fridges')
  const op = w.addOperator('101')
  const rules = [
    { kind: 'required', ruleId: 'hello', title: 'Greets', speaker: 'operator', toMs: 15000, phrases: ['добрый день'] },
    { kind: 'forbidden', ruleId: 'swear', title: 'Profanity', speaker: 'operator', words: ['сука'], severity: 'severe' }
  ]
  const put = await send(w, 'PUT', '/api/qa/rule-sets/fridges-script', { name: 'Fridges', categoryId: 'fridges', rules })
  t.equal(put.statusCode, 200, put.body)
  t.equal(w.daemon.speechRepo.ruleSetFor('fridges')?.ruleSetId, 'fridges-script')
  t.equal(w.daemon.speechRepo.ruleSetFor('ovens'), undefined, 'no default stored: the built-in one applies')
  const bad = await send(w, 'PUT', '/api/qa/rule-sets/broken', { name: 'Broken', categoryId: null, rules: [{ kind: 'quality', ruleId: 'q', title: 'q', metric: 'interruptions' }] })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /needs min or max/)
  t.equal((await send(w, 'PUT', '/api/qa/rule-sets/another', { name: 'Again', categoryId: 'fridges', rules: [] })).statusCode, 409)
  const list = (await send(w, 'GET', '/api/qa/rule-sets')).json()
  t.match(list, { items: [{ ruleSetId: 'fridges-script', rules: [{ ruleId: 'hello' }, { ruleId: 'swear' }] }], fallback: { ruleSetId: 'default' } })
  const operatorToken = createToken(w.daemon.db, { name: 'op', role: 'operator', operatorId: op }, Date.now()).token
  t.equal((await send(w, 'PUT', '/api/qa/rule-sets/fridges-script', { name: 'Mine', categoryId: 'fridges', rules: [] }, operatorToken)).statusCode, 403)
  t.equal((await send(w, 'DELETE', '/api/qa/rule-sets/fridges-script')).statusCode, 204)
  t.equal((await send(w, 'DELETE', '/api/qa/rule-sets/fridges-script')).statusCode, 404)
})
