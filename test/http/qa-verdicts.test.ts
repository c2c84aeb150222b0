// A supervisor marks a QA finding wrong and takes it back; the rule's precision follows.
import t from 'tap'
import { securityWorld, type Credential } from '../security/helpers.js'

t.test('QA finding verdicts and rule precision', async (t) => {
  const w = await securityWorld()
  t.teardown(() => w.close())
  const cred = (name: string): Credential => w.credentials.find((c) => c.name === name)!
  const supervisor = cred('supervisor session')
  const url = (callId: string, index: number | string): string => `/api/calls/${callId}/qa/findings/${index}/verdict`
  const greeting = async (): Promise<{ fired: number; markedWrong: number; precision: number | null }> => {
    const res = await w.inject(cred('supervisor token'), { method: 'GET', url: '/api/qa/rule-precision' })
    t.equal(res.statusCode, 200)
    const set = res.json().ruleSets.find((s: { ruleSetId: string }) => s.ruleSetId === 'default')
    return set.rules.find((r: { ruleId: string }) => r.ruleId === 'greeting')
  }

  await t.test('the transcription\'s state is named for the console to put in words, with its reason', async (t) => {
    const failed = (await w.inject(supervisor, { method: 'GET', url: `/api/calls/${w.ben.callId}/transcript` })).json()
    t.match(failed, { state: 'failed', reason: 'seed' }, 'a job that failed for good, with its last error')
    const none = (await w.inject(supervisor, { method: 'GET', url: `/api/calls/${w.ana.callId}/transcript` })).json()
    t.match(none, { state: 'none', reason: null }, 'no job: nothing was queued')
  })

  await t.test('precision counts every stored finding of the rule before any verdict', async (t) => {
    t.match(await greeting(), { title: String, fired: 2, markedWrong: 0, precision: 1 })
  })

  await t.test('a supervisor marks a finding wrong: the call\'s QA card shows who, the rule\'s precision drops', async (t) => {
    const res = await w.inject(supervisor, { method: 'POST', url: url(w.ana.callId, 0), payload: { verdict: 'wrong', note: 'she did say hello' } })
    t.equal(res.statusCode, 200, res.body)
    t.match(res.json(), { callId: w.ana.callId, findingIndex: 0, ruleId: 'greeting', verdict: 'wrong', note: 'she did say hello', markedBy: String })
    t.notMatch(res.json().markedBy, /^user:/, 'the marker is named, not an id')
    const card = (await w.inject(supervisor, { method: 'GET', url: `/api/calls/${w.ana.callId}/transcript` })).json()
    t.match(card.qa.findings[0], { ruleId: 'greeting', verdict: { verdict: 'wrong', note: 'she did say hello' } })
    t.match(await greeting(), { fired: 2, markedWrong: 1, precision: 0.5 })
  })

  await t.test('the verdict is taken back with DELETE, and precision is as before', async (t) => {
    t.equal((await w.inject(supervisor, { method: 'DELETE', url: url(w.ana.callId, 0) })).statusCode, 204)
    t.match(await greeting(), { fired: 2, markedWrong: 0, precision: 1 })
    const again = await w.inject(supervisor, { method: 'DELETE', url: url(w.ana.callId, 0) })
    t.equal(again.statusCode, 404, 'nothing left to take back')
    const card = (await w.inject(supervisor, { method: 'GET', url: `/api/calls/${w.ana.callId}/transcript` })).json()
    t.equal(card.qa.findings[0].verdict, null)
  })

  await t.test('bad input is refused naming the field', async (t) => {
    const badVerdict = await w.inject(supervisor, { method: 'POST', url: url(w.ana.callId, 0), payload: { verdict: 'right' } })
    t.equal(badVerdict.statusCode, 400)
    t.match(badVerdict.json().message, /verdict/)
    const badIndex = await w.inject(supervisor, { method: 'POST', url: url(w.ana.callId, 'first'), payload: { verdict: 'wrong' } })
    t.equal(badIndex.statusCode, 400)
    t.match(badIndex.json().message, /findingIndex/)
    const longNote = await w.inject(supervisor, { method: 'POST', url: url(w.ana.callId, 0), payload: { verdict: 'wrong', note: 'x'.repeat(501) } })
    t.equal(longNote.statusCode, 400)
    t.match(longNote.json().message, /note/)
    const extra = await w.inject(supervisor, { method: 'POST', url: url(w.ana.callId, 0), payload: { verdict: 'wrong', score: 100 } })
    t.equal(extra.statusCode, 400)
    t.match(extra.json().message, /score/)
  })

  await t.test('a finding or call that does not exist is a 404 naming it', async (t) => {
    const noFinding = await w.inject(supervisor, { method: 'POST', url: url(w.ana.callId, 7), payload: { verdict: 'wrong' } })
    t.equal(noFinding.statusCode, 404)
    t.match(noFinding.json().message, `${w.ana.callId}#7`)
    const noCall = await w.inject(supervisor, { method: 'POST', url: url('call_nope', 0), payload: { verdict: 'wrong' } })
    t.equal(noCall.statusCode, 404)
    t.match(noCall.json().message, 'call_nope')
  })

  await t.test('an operator may not judge findings, not even on their own call, nor read precision', async (t) => {
    for (const name of ['operator token', 'operator session']) {
      t.equal((await w.inject(cred(name), { method: 'POST', url: url(w.ana.callId, 0), payload: { verdict: 'wrong' } })).statusCode, 403, name)
      t.equal((await w.inject(cred(name), { method: 'DELETE', url: url(w.ana.callId, 0) })).statusCode, 403, name)
      t.equal((await w.inject(cred(name), { method: 'GET', url: '/api/qa/rule-precision' })).statusCode, 403, name)
    }
    t.match(await greeting(), { markedWrong: 0 }, 'nothing was marked')
  })
})
