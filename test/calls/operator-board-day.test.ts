// The board's "today" is the shop's day, whatever time zone the host runs in.
import t from 'tap'
import { Bus } from '../../src/bus.js'
import { OperatorBoard } from '../../src/calls/operator-board.js'

// The host in New York, the shop in Vladivostok (UTC+10): their midnights are 15 hours apart.
process.env.TZ = 'America/New_York'
const shopMidnight = Date.UTC(2026, 2, 9, 14, 0) // 10 March 00:00 in Vladivostok
const hostMidnight = Date.UTC(2026, 2, 10, 4, 0) // 10 March 00:00 in New York

t.test('today starts at the shop\'s midnight, not the host\'s', async (t) => {
  t.equal(new Date(hostMidnight).getHours(), 0, 'the host runs in another zone')
  let nowMs = shopMidnight + 3 * 3_600_000
  const asked: number[] = []
  const board = new OperatorBoard({
    loadOperators: () => [{ operatorId: 'op_1', name: 'Ana', endpoint: 'PJSIP/101', isManager: false, paused: false, pausedReason: null, skills: {} }],
    statsSince: (sinceMs) => { asked.push(sinceMs); return new Map([['op_1', { answeredCalls: 4, talkMs: 60_000 }]]) },
    bus: new Bus(), now: () => nowMs, wrapUpMs: 0, timeZone: 'Asia/Vladivostok'
  })
  board.reload()
  t.same(asked, [shopMidnight], 'the stored figures are read from the shop\'s midnight')
  const today = (): number => board.snapshot(nowMs)[0]!.today.answeredCalls
  t.equal(today(), 4)
  nowMs = shopMidnight + 24 * 3_600_000 - 1
  t.equal(today(), 4, 'the same shop day, though the host\'s day turned meanwhile')
  nowMs = shopMidnight + 24 * 3_600_000
  t.equal(today(), 0, 'the shop\'s midnight starts a new day')
})
