// The talk of the calls answered since a moment, read once at start for a waiting caller's expected
// wait: the right rows, and by the start time's index, so the read does not grow with the calls ever
// answered (the status index would walk all of them).
import t from 'tap'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { openDb } from '../../src/db/open.js'
import { calls } from '../../src/db/schema.js'
import { preparedDuring } from '../helpers/prepared-sql.js'

t.test('answered calls since the moment, with their talk; not the others, not earlier ones', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => { db.$client.close() })
  const repo = new CallsRepo(db)
  const call = (callId: string, status: 'answered' | 'missed' | 'talking', startedAt: number, talkMs: number | null): void => {
    db.insert(calls).values({ callId, direction: 'inbound', status, channelId: `ch-${callId}`, callerRaw: '+79030000001', did: '74950000000', startedAt, talkMs }).run()
  }
  call('old', 'answered', 1000, 50_000)
  call('a', 'answered', 10_000, 60_000)
  call('b', 'answered', 20_000, 90_000)
  call('m', 'missed', 15_000, 0)
  call('live', 'talking', 25_000, null)
  t.same(repo.answeredTalkSince(5000).sort((x, y) => x.startedAt - y.startedAt), [{ startedAt: 10_000, talkMs: 60_000 }, { startedAt: 20_000, talkMs: 90_000 }])
  t.same(repo.answeredTalkSince(30_000), [])

  // The statement the repo runs, as SQLite is given it, and how SQLite plans it.
  const sqlite = db.$client
  const seen = preparedDuring(db, () => { repo.answeredTalkSince(0) })
  const query = seen.find((s) => /from "calls"/i.test(s) && /talk_ms/.test(s))
  if (query === undefined) { t.fail(`the repo's query was not seen among ${JSON.stringify(seen)}`); return }
  const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${query}`).all(0) as Array<{ detail: string }>
  t.match(plan.map((r) => r.detail).join('; '), /USING INDEX calls_(started|report_source)/, 'a range of the start time\'s index')
  t.notMatch(plan.map((r) => r.detail).join('; '), /calls_status/)
})
