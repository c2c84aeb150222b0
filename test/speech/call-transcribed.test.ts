// A call end to end: recorded by the simulator, transcribed with a generated model, checked, and
// served back through the API (recordings with range requests, per role).
import t from 'tap'
import { createToken } from '../../src/accounts/token-service.js'
import { startWorld, until, type World } from '../helpers/world.js'
import { testModel } from '../helpers/speech.js'
import { describeEngine } from '../../src/speech/engine.js'

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

t.test('an answered call is transcribed per party, scored, searchable, and its recording is served with ranges', async (t) => {
  const w = await startWorld({ speech: { modelPath: await testModel(), language: 'en', pollMs: 50 } }, patient)
  t.teardown(() => w.close())
  w.addCategory('fridges')
  w.addNumber('74951234567', { categoryId: 'fridges' })
  const ana = w.addOperator('101', { skills: { fridges: 5 } })
  const ben = w.addOperator('102', { registered: false })

  const callId = await answeredCall(w)
  await until('transcript stored', () => w.daemon.speechRepo.jobOfCall(callId)?.state === 'done', 100_000)
  const story = (await get(w, `/api/calls/${callId}`)).json()
  t.equal(story.speech.status, 'transcribed')
  // The simulator's tracks are tones whose length follows the machine's timing; a random-weight
  // model turns them into noise words ("da", "rive", "li"), different from run to run but never none:
  // a pipeline that lost the audio or the words would store zero segments. Decoding of fixed speech
  // is asserted in engine.test.ts, search over a known transcript in queue.test.ts. Here: the pipeline.
  t.match(story.speech.transcript, { language: 'en', engine: describeEngine().name, model: 'ggml-random-tiny.bin', segments: Array })
  const segs = story.speech.transcript.segments as Array<{ speaker: string; startMs: number; endMs: number; text: string }>
  t.ok(segs.length > 0, `the tracks gave segments (${segs.length})`)
  t.ok(segs.every((s) => s.text.trim() !== ''), 'each segment has words')
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

