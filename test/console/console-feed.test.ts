import t from 'tap'
import { Bus } from '../../src/bus.js'
import type { OperatorView } from '../../src/calls/operator-board.js'
import { gradeAt, type BoardGrades, type BoardThresholds } from '../../src/domain/board-grades.js'
import type { TodayStats } from '../../src/domain/today-figures.js'
import { ConsoleFeed, isVisibleTo, type FeedEvent } from '../../src/notify/console-feed.js'

const stats: TodayStats = { answered: 0, missed: 0, missedPct: null, avgAnswerMs: null, openLeads: 0, overdueLeads: 0, deals: 0, serviceLevel: { pct: null, offered: 0, byCategory: {} } }
const defaultThresholds: BoardThresholds = { serviceLevel: { warn: 80, alarm: 60 }, longestWaitMs: { warn: 60_000, alarm: 120_000 }, waiting: { warn: 3, alarm: 6 } }
const waitingCaller = { callId: 'call_w', callerPhone: '+79030000009', categoryId: null, returning: false, arrivedAt: 500, ringingOperatorId: null }

function feedWith (backlog = 100, clock = { ms: 1000 }, o: { thresholds?: BoardThresholds; stats?: () => TodayStats } = {}): { bus: Bus; feed: ConsoleFeed; ops: OperatorView[]; got: FeedEvent[]; boardReads: { whole: number } } {
  const bus = new Bus()
  const ops: OperatorView[] = [
    { operatorId: 'op_1', name: 'Anna', endpoint: 'PJSIP/101', state: 'available', reason: 'free', sinceMs: 0 },
    { operatorId: 'op_2', name: 'Boris', endpoint: 'PJSIP/102', state: 'talking', reason: 'on a call', sinceMs: 0 }
  ]
  const boardReads = { whole: 0 }
  const feed = new ConsoleFeed({
    bus, waiting: () => [], stats: o.stats ?? (() => stats), thresholds: o.thresholds ?? defaultThresholds, now: () => clock.ms, backlog,
    operators: () => { boardReads.whole++; return ops.map((o) => ({ ...o })) }
  })
  feed.start()
  const got: FeedEvent[] = []
  feed.subscribe((e) => got.push(e))
  t.teardown(() => feed.stop())
  return { bus, feed, ops, got, boardReads }
}

t.test('an operator changing state reaches subscribers with consecutive ids', async (t) => {
  const { bus, ops, got } = feedWith()
  ops[0]!.state = 'ringing'
  bus.emit('operator.state', { operatorId: 'op_1', state: 'ringing', reason: 'call', atMs: 1000 })
  ops[0]!.state = 'talking'
  bus.emit('operator.state', { operatorId: 'op_1', state: 'talking', reason: 'call', atMs: 1001 })
  const states = got.filter((e) => e.type === 'operator').map((e) => (e.data as OperatorView).state)
  t.same(states, ['ringing', 'talking'])
  t.same(got.map((e) => e.id), got.map((_, i) => i + 1))
})

t.test('raises "nobody free" when the last free operator gets busy, at most once in five minutes', async (t) => {
  const clock = { ms: 1000 }
  const { bus, ops, got } = feedWith(100, clock)
  bus.emit('queue.changed', { waiting: 1, callers: [waitingCaller] })
  const set = (state: OperatorView['state']): void => { ops[0]!.state = state; bus.emit('operator.state', { operatorId: 'op_1', state, reason: '', atMs: clock.ms }) }
  const alerts = (): number => got.filter((e) => e.type === 'alert' && e.data.kind === 'nobody_free').length
  set('ringing')
  set('talking')
  t.equal(alerts(), 1)
  set('available')
  clock.ms += 60_000
  set('ringing')
  t.equal(alerts(), 1, 'a minute later: not again')
  set('available')
  clock.ms += 5 * 60_000
  set('ringing')
  t.equal(alerts(), 2, 'five minutes later: again')
})

t.test('"nobody free" waits for a caller: with nobody waiting there is nothing to say', async (t) => {
  const { bus, ops, got } = feedWith()
  const alerts = (): number => got.filter((e) => e.type === 'alert' && e.data.kind === 'nobody_free').length
  ops[0]!.state = 'talking'
  bus.emit('operator.state', { operatorId: 'op_1', state: 'talking', reason: '', atMs: 1000 })
  t.equal(alerts(), 0, 'everyone busy, nobody waiting: no alert')
  bus.emit('queue.changed', { waiting: 1, callers: [waitingCaller] })
  t.equal(alerts(), 1, 'a caller arrives while nobody is free')
  t.match(got.at(-1), { type: 'alert', data: { kind: 'nobody_free', text: '1' } })
})

t.test('a pause reason reaches the wallboards, also when only the reason changes', async (t) => {
  const { bus, ops, got } = feedWith()
  Object.assign(ops[0]!, { state: 'paused', pausedReason: 'lunch', sinceMs: 900 })
  bus.emit('operator.state', { operatorId: 'op_1', state: 'paused', reason: 'paused', atMs: 1000 })
  bus.emit('catalog.changed', { what: 'operators' })
  t.match(got.at(-1), { type: 'operator', data: { operatorId: 'op_1', state: 'paused', pausedReason: 'lunch', sinceMs: 900 } })
  ops[0]!.pausedReason = 'meeting'
  bus.emit('catalog.changed', { what: 'operators' })
  t.match(got.at(-1), { type: 'operator', data: { operatorId: 'op_1', state: 'paused', pausedReason: 'meeting' } })
  ops[1]!.skills = ['ovens']
  bus.emit('catalog.changed', { what: 'operators' })
  t.match(got.at(-1), { type: 'operator', data: { operatorId: 'op_2', skills: ['ovens'] } }, 'a new skill: the view per category hears of it')
  const before = got.length
  bus.emit('catalog.changed', { what: 'operators' })
  t.equal(got.length, before, 'nothing changed: nothing sent')
})

t.test('a QA alert from the speech checks becomes a wallboard alert', async (t) => {
  const { bus, feed, got } = feedWith()
  bus.emit('call.qa_alert', {
    callId: 'call_1', score: 40, atMs: 1,
    findings: [{ ruleId: 'profanity', kind: 'forbidden', severity: 'severe', title: 'Profanity', message: 'a forbidden word', segmentIndex: 3, atMs: 42_000, speaker: 'operator', text: 'damn', penalty: 30 }]
  })
  t.match(got.at(-1), { type: 'alert', data: { kind: 'qa', callId: 'call_1', text: 'Profanity: «damn»' } })
  t.match(feed.snapshot().alerts, [{ kind: 'qa' }])
})

t.test('the customer swearing becomes a wallboard alert of its own kind, for supervisors and that call\'s operator', async (t) => {
  const { bus, feed, got } = feedWith()
  bus.emit('call.customer_alert', {
    callId: 'call_2', score: 100, atMs: 1,
    findings: [{ ruleId: 'customer-upset', kind: 'customer', severity: 'warning', title: 'The customer swears or is angry', message: 'the caller said "безобразие"', segmentIndex: 1, atMs: 4000, speaker: 'caller', text: 'Это безобразие!', penalty: 0 }]
  })
  t.match(got.at(-1), { type: 'alert', data: { kind: 'customer', callId: 'call_2', text: 'The customer swears or is angry: «Это безобразие!»' } })
  const alert = got.at(-1)!
  t.ok(isVisibleTo(alert, { role: 'supervisor', operatorId: null }))
  t.notOk(isVisibleTo(alert, { role: 'operator', operatorId: 'someone-else' }), 'not another operator')
  t.match(feed.snapshot().alerts, [{ kind: 'customer' }])
})

t.test('replays what a reconnecting client missed, and asks for a snapshot when that has left the log', async (t) => {
  const { bus, feed, ops } = feedWith(3)
  for (let i = 0; i < 5; i++) {
    ops[1]!.state = i % 2 === 0 ? 'wrap_up' : 'talking'
    bus.emit('operator.state', { operatorId: 'op_2', state: ops[1]!.state, reason: '', atMs: i })
  }
  const last = feed.snapshot().lastEventId
  t.same(feed.since(last)?.map((e) => e.id), [])
  t.same(feed.since(last - 2)?.map((e) => e.id), [last - 1, last])
  t.equal(feed.since(last - 4), null, 'the log keeps only the last 3')
  t.equal(feed.since(last + 10), null, 'an id from before a restart')
  for (let i = 5; i < 50; i++) {
    ops[1]!.state = i % 2 === 0 ? 'wrap_up' : 'talking'
    bus.emit('operator.state', { operatorId: 'op_2', state: ops[1]!.state, reason: '', atMs: i })
  }
  const later = feed.snapshot().lastEventId
  t.same(feed.since(later - 3)?.map((e) => e.id), [later - 2, later - 1, later], 'many events on: still the last 3')
  t.equal(feed.since(later - 4), null)
})

t.test('the customer-card event is addressed to the operator whose phone rings', async (t) => {
  const { bus, got } = feedWith()
  bus.emit('call.offered', { callId: 'call_9', operatorId: 'op_1', customerId: 'cus_1', direction: 'inbound' })
  t.match(got.at(-1), { type: 'offered', operatorId: 'op_1', data: { callId: 'call_9', customerId: 'cus_1' } })
})

t.test('a state change reads only that operator, never the whole board', async (t) => {
  const { bus, ops, got, boardReads } = feedWith()
  const before = boardReads.whole
  for (const state of ['ringing', 'talking', 'wrap_up', 'available'] as const) {
    ops[0]!.state = state
    bus.emit('operator.state', { operatorId: 'op_1', state, reason: '', atMs: 1000 })
  }
  t.equal(boardReads.whole, before, 'no pass over the board')
  t.same(got.filter((e) => e.type === 'operator').map((e) => (e.data as OperatorView).state), ['ringing', 'talking', 'wrap_up', 'available'])
})

t.test('operators added or removed in the catalog are sent, and a removed one no longer counts as free', async (t) => {
  const { bus, ops, got } = feedWith()
  bus.emit('queue.changed', { waiting: 1, callers: [waitingCaller] })
  ops.push({ operatorId: 'op_3', name: 'Vera', endpoint: 'PJSIP/103', state: 'available', reason: 'free', sinceMs: 0 })
  bus.emit('catalog.changed', { what: 'operators' })
  t.match(got.at(-1), { type: 'operator', data: { operatorId: 'op_3', state: 'available' } })
  ops.splice(2, 1)
  bus.emit('catalog.changed', { what: 'operators' })
  ops[0]!.state = 'talking'
  bus.emit('operator.state', { operatorId: 'op_1', state: 'talking', reason: '', atMs: 1000 })
  t.match(got.at(-1), { type: 'alert', data: { kind: 'nobody_free' } }, 'op_3 is gone: nobody is free')
})

t.test('the snapshot is the feed\'s own view, kept from the events: operators\' states and the waiting line', async (t) => {
  const clock = { ms: 1000 }
  const { bus, feed, boardReads } = feedWith(100, clock)
  const before = boardReads.whole
  bus.emit('operator.state', { operatorId: 'op_1', state: 'ringing', reason: 'call', atMs: 1500 })
  bus.emit('operator.state', { operatorId: 'op_1', state: 'ringing', reason: 'queue', atMs: 1600 })
  const caller = { callId: 'call_1', callerPhone: '+79030000001', categoryId: null, returning: false, arrivedAt: 500, ringingOperatorId: null }
  bus.emit('queue.changed', { waiting: 1, callers: [caller] })
  bus.emit('queue.ringing', { callId: 'call_1', operatorId: 'op_1' })
  clock.ms = 2000
  const snap = feed.snapshot()
  t.match(snap.operators, [{ operatorId: 'op_1', name: 'Anna', state: 'ringing', reason: 'queue', sinceMs: 1500 }, { operatorId: 'op_2', state: 'talking' }])
  t.same(snap.waiting, [{ ...caller, ringingOperatorId: 'op_1', position: 1, waitedMs: 1500 }])
  t.equal(boardReads.whole, before, 'the board is not read for a snapshot')
})

t.test('a joining or leaving caller reaches the wallboards; a ring for a waiting caller only updates the view', async (t) => {
  const { bus, got } = feedWith()
  const caller = { callId: 'call_1', callerPhone: null, categoryId: null, returning: false, arrivedAt: 500, ringingOperatorId: null }
  bus.emit('queue.changed', { waiting: 1, callers: [caller] })
  bus.emit('queue.ringing', { callId: 'call_1', operatorId: 'op_1' })
  bus.emit('queue.changed', { waiting: 0, callers: [] })
  t.same(got.filter((e) => e.type === 'queue').map((e) => (e.data as unknown[]).length), [1, 0])
})

t.test('the feed grades the figures: a caller waiting past the thresholds, overall and for their category, sent once per change', async (t) => {
  const thresholds: BoardThresholds = { serviceLevel: { warn: 80, alarm: 60 }, longestWaitMs: { warn: 1000, alarm: 2000 }, waiting: { warn: 0, alarm: 1 } }
  const { bus, feed, got } = feedWith(100, { ms: 1000 }, { thresholds })
  const calm = { serviceLevel: 'ok', waiting: 'ok', longestWait: [{ fromMs: 0, grade: 'ok' }] }
  t.same(feed.snapshot().grades, { all: calm, byCategory: {}, quiet: calm }, 'nobody waits, no call yet')
  const caller = { ...waitingCaller, categoryId: 'ovens', arrivedAt: 500 }
  bus.emit('queue.changed', { waiting: 1, callers: [caller] })
  const waiting = { serviceLevel: 'ok', waiting: 'warn', longestWait: [{ fromMs: 500, grade: 'ok' }, { fromMs: 1501, grade: 'warn' }, { fromMs: 2501, grade: 'alarm' }] }
  const sent = got.filter((e) => e.type === 'grades')
  t.same(sent.map((e) => e.data), [{ all: waiting, byCategory: { ovens: waiting }, quiet: calm }])
  t.same(got.slice(-2).map((e) => e.type), ['queue', 'grades'], 'right after the line it grades')
  t.equal(gradeAt((sent[0]!.data as BoardGrades).all.longestWait, 2600), 'alarm', 'two seconds after the caller arrived: red')
  bus.emit('queue.changed', { waiting: 1, callers: [{ ...caller, ringingOperatorId: 'op_1' }] })
  t.equal(got.filter((e) => e.type === 'grades').length, 1, 'the same grades are not sent again')
  t.same(feed.snapshot().grades.byCategory.ovens, waiting, 'a new wallboard gets them in its snapshot')
})

t.test('a service level fallen below its alarm arrives graded after the stats', async (t) => {
  let now = stats
  const { feed, got } = feedWith(100, { ms: 1000 }, { stats: () => now })
  now = { ...stats, serviceLevel: { pct: 50, offered: 2, byCategory: { ovens: { pct: 90, offered: 1 }, sinks: { pct: 0, offered: 1 } } } }
  feed.statsChanged()
  await new Promise((resolve) => { setImmediate(resolve) })
  t.same(got.slice(-2).map((e) => e.type), ['stats', 'grades'])
  const grades = got.at(-1)!.data as BoardGrades
  t.equal(grades.all.serviceLevel, 'alarm')
  t.equal(grades.byCategory.ovens?.serviceLevel, 'ok')
  t.equal(grades.byCategory.sinks?.serviceLevel, 'alarm')
})
