// Calls through the speech part without a working model: waiting for one, a model that fails,
// an unwritable recordings directory; languages, the golden fund and rule sets over the API.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createToken } from '../../src/accounts/token-service.js'
import { testModel } from '../helpers/speech.js'
import { startWorld, until, type World } from '../helpers/world.js'

// On a loaded machine Asterisk (the simulator) may take a while to finish the files.
const patient = { recordingSettleMs: 15_000 }

const get = async (w: World, url: string, token = w.token, headers: Record<string, string> = {}) =>
  await w.daemon.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } })

async function answeredCall (w: World): Promise<string> {
  const ended = w.ended()
  const call = w.sim.placeCall({ from: '+79031112233', did: '74951234567' })
  // The caller hangs up once every party is recorded, however long that takes on a loaded machine.
  await w.hangUpWhenRecorded(call.channelId)
  const e = await ended
  if (e.status !== 'answered') throw new Error(`call ${e.callId} was ${e.status}`)
  return e.callId
}

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

t.test('a model that cannot load: said once in /health and on the call, the job waits unattempted until the model file changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-badmodel-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  // Whole and ggml-shaped (the header check passes), but with a tensor whisper.cpp does not know: only loading fails.
  const modelPath = join(dir, 'ggml-model.bin')
  const bytes = readFileSync(await testModel())
  const at = bytes.indexOf('encoder.ln_post.weight')
  bytes.write('encoder.ln_pxst.weight', at)
  writeFileSync(modelPath, bytes)
  const w = await startWorld({ speech: { modelPath, pollMs: 20, maxAttempts: 2, backoffBaseMs: 20, modelCheckMs: 100 } }, patient)
  t.teardown(() => w.close())
  w.addOperator('101')
  const callId = await answeredCall(w)
  await until('the model failed to load', () => w.daemon.transcription.status().state === 'model failed to load', 30_000)
  const health = (await get(w, '/api/health')).json()
  t.match(health.transcription, { state: 'model failed to load', model: 'ggml-model.bin', reason: /^transcription: model failed to load: Failed to initialize whisper context/, jobs: { pending: 1, failed: 0 } })
  t.match(w.daemon.speechRepo.jobOfCall(callId), { state: 'pending', attempts: 0, lastError: null }, 'the attempt was not counted')
  t.match((await get(w, `/api/calls/${callId}/transcript`)).json().status, /^queued; transcription waits for a model \(transcription: model failed to load/)

  const fixed = join(dir, '.incoming')
  copyFileSync(await testModel(), fixed)
  renameSync(fixed, modelPath)
  await until('transcribed on the replaced model', () => w.daemon.speechRepo.jobOfCall(callId)?.state === 'done', 60_000)
  t.match(w.daemon.speechRepo.jobOfCall(callId), { attempts: 1 })
  t.match((await get(w, '/api/health')).json().transcription, { state: 'ready', model: 'ggml-model.bin', stuck: 0, lastFailure: null })
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
  t.equal(health.recordingProblems, 2, 'one a party')
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
