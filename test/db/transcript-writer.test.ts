// The write that ends a transcription job, through its prepared statements: everything or nothing,
// a second transcription of a call replacing the first, and a lost claim writing nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { openDb, type Db } from '../../src/db/open.js'
import { calls, transcriptionJobs } from '../../src/db/schema.js'
import { SpeechRepo, type QaResultView } from '../../src/db/speech-repo.js'
import type { Segment } from '../../src/domain/transcript.js'

const at = 1_700_000_000_000
const count = (db: Db, sql: string): number => (db.$client.prepare(sql).get() as { n: number }).n

function world (t: Test): { db: Db; repo: SpeechRepo } {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-transcript-writer-'))
  const db = openDb(join(dir, 'db.sqlite'))
  t.teardown(() => { db.$client.close(); rmSync(dir, { recursive: true, force: true }) })
  for (const callId of ['call_1', 'call_2']) {
    db.insert(calls).values({ callId, direction: 'inbound', status: 'answered', channelId: `ch_${callId}`, callerRaw: '+79990000000', did: '74950000000', startedAt: at, endedAt: at + 60_000 }).run()
    db.insert(transcriptionJobs).values({ jobId: `job_${callId}`, callId, state: 'running', claimedBy: 'w1', language: 'en', attempts: 1, nextAttemptAt: at, createdAt: at, updatedAt: at }).run()
  }
  return { db, repo: new SpeechRepo(db) }
}

const qa = (score: number): QaResultView => ({ ruleSetId: 'default', score, findings: [], metrics: { talkShare: 0.5 } as unknown as QaResultView['metrics'], alerts: 0, createdAt: at })
const segs = (...texts: string[]): Segment[] => texts.map((text, i) => ({ speaker: i % 2 === 0 ? 'operator' : 'caller', startMs: i * 1000, endMs: i * 1000 + 900, text }))

t.test('a finished job stores the transcript, its segments in order, the search index and the QA card', async (t) => {
  const { db, repo } = world(t)
  t.equal(repo.finish('job_call_1', 'w1', at + 5, { callId: 'call_1', language: 'en', engine: 'whisper', model: 'base.bin', segments: segs('Hello, shop.', 'Where is my parcel?', 'It comes tomorrow.') }, qa(80)), true)
  t.equal(repo.job('job_call_1')?.state, 'done')
  t.equal(repo.job('job_call_1')?.finishedAt, at + 5)
  t.same(repo.segments('call_1').map((s) => [s.speaker, s.text]), [['operator', 'Hello, shop.'], ['caller', 'Where is my parcel?'], ['operator', 'It comes tomorrow.']])
  t.match(repo.transcript('call_1'), { language: 'en', engine: 'whisper', model: 'base.bin', text: 'Hello, shop.\nWhere is my parcel?\nIt comes tomorrow.', createdAt: at + 5 })
  t.match(repo.search('parc', 10), [{ callId: 'call_1' }])
  t.match(repo.qaResult('call_1'), { ruleSetId: 'default', score: 80, findings: [], metrics: { talkShare: 0.5 } })
  t.equal(repo.job('job_call_2')?.state, 'running', 'the other call untouched')
  t.equal(count(db, 'SELECT count(*) AS n FROM transcript_segments'), 3)
})

t.test('a call transcribed again replaces its transcript, segments, index entry and card', async (t) => {
  const { db, repo } = world(t)
  repo.finish('job_call_1', 'w1', at, { callId: 'call_1', language: 'en', engine: 'whisper', model: 'a.bin', segments: segs('one', 'two', 'three') }, qa(10))
  db.$client.prepare("UPDATE transcription_jobs SET state = 'running', claimed_by = 'w2' WHERE job_id = 'job_call_1'").run()
  t.equal(repo.finish('job_call_1', 'w2', at + 9, { callId: 'call_1', language: 'ru', engine: 'whisper', model: 'b.bin', segments: segs('доставка завтра') }, qa(95)), true)
  t.same(repo.segments('call_1').map((s) => s.text), ['доставка завтра'])
  t.match(repo.transcript('call_1'), { language: 'ru', model: 'b.bin', text: 'доставка завтра' })
  t.same(repo.search('three', 10), [], 'the old text left the index')
  t.match(repo.search('достав', 10), [{ callId: 'call_1' }])
  t.equal(count(db, "SELECT count(*) AS n FROM transcripts_fts WHERE call_id = 'call_1'"), 1)
  t.equal(repo.qaResult('call_1')?.score, 95)
})

t.test('a job no longer held by the worker writes nothing', async (t) => {
  const { db, repo } = world(t)
  t.equal(repo.finish('job_call_1', 'someone-else', at, { callId: 'call_1', language: 'en', engine: 'whisper', model: 'a.bin', segments: segs('hello') }, qa(50)), false, 'another worker holds it')
  db.$client.prepare("UPDATE transcription_jobs SET state = 'pending' WHERE job_id = 'job_call_2'").run()
  t.equal(repo.finish('job_call_2', 'w1', at, { callId: 'call_2', language: 'en', engine: 'whisper', model: 'a.bin', segments: segs('hello') }, qa(50)), false, 'handed back to the queue meanwhile')
  for (const table of ['transcripts', 'transcript_segments', 'transcripts_fts', 'qa_results']) {
    t.equal(count(db, `SELECT count(*) AS n FROM ${table}`), 0, `nothing in ${table}`)
  }
  t.equal(repo.job('job_call_1')?.state, 'running')
})

t.test('a write that fails half-way leaves the job running and nothing stored', async (t) => {
  const { db, repo } = world(t)
  // A trigger refuses the second segment: the transaction fails after the job row has changed.
  db.$client.exec("CREATE TRIGGER refuse BEFORE INSERT ON transcript_segments WHEN NEW.text = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END")
  t.throws(() => repo.finish('job_call_1', 'w1', at, { callId: 'call_1', language: 'en', engine: 'whisper', model: 'a.bin', segments: segs('fine', 'boom') }, qa(50)), /refused/)
  t.equal(repo.job('job_call_1')?.state, 'running')
  t.equal(repo.transcript('call_1'), undefined)
  t.same(repo.segments('call_1'), [])
})

t.test('claims take at most the limit asked, and a bad limit is named', async (t) => {
  const { db, repo } = world(t)
  db.$client.prepare("UPDATE transcription_jobs SET state = 'pending', claimed_by = NULL").run()
  t.equal(repo.claimDue(at, 'w3', 1000, 1).length, 1)
  t.equal(repo.claimDue(at, 'w3', 1000, 2).length, 1, 'one left')
  t.equal(repo.claimDue(at, 'w3', 1000, 2).length, 0)
  t.throws(() => repo.claimDue(at, 'w3', 1000, 1.5), /whole number ≥ 0, not 1.5/)
})
