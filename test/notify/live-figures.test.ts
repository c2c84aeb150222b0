// Today's wallboard figures are kept in memory by the events; they must equal a fresh aggregation
// of the database after any mix of calls and lead changes, and across the shop's midnight.
import t from 'tap'
import { todayStats } from '../../src/db/wallboard-stats.js'
import { shopDay } from '../../src/domain/today-figures.js'
import { startWorld, until, type World } from '../helpers/world.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

const zone = 'Europe/Moscow'

const fromDb = (w: World, nowMs: number): ReturnType<typeof todayStats> => todayStats(w.daemon.db, shopDay(nowMs, zone).startMs, nowMs)
const live = (w: World): ReturnType<typeof todayStats> => w.daemon.feed.snapshot().stats

async function answeredCall (w: World, from: string): Promise<void> {
  const ended = w.ended((e) => e.callerRaw === from)
  const caller = w.sim.placeCall({ from, did: '74950000000' })
  await w.hangUpWhenRecorded(caller.channelId)
  await ended
}

async function unansweredCall (w: World, from: string): Promise<void> {
  const ended = w.ended((e) => e.callerRaw === from)
  w.sim.placeCall({ from, did: '74950000000' })
  await ended
}

const leadsOfCalls = (w: World): number => (w.daemon.db.$client.prepare('SELECT count(*) AS n FROM leads WHERE call_id IS NOT NULL').get() as { n: number }).n

t.test('the in-memory figures equal a fresh aggregation after calls, lead changes, deadlines passing and midnight', async (t) => {
  // 09:00 UTC on a Monday: noon in Moscow, within working hours.
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0))
  const w = await startWorld({ leads: { timeZone: zone } }, { clock })
  t.teardown(() => w.close())
  const same = (what: string): void => { t.same(live(w), fromDb(w, clock.now()), what) }
  same('at start')

  const op = w.addOperator('101')
  w.daemon.board.reload()
  await answeredCall(w, '+79031110001')
  await answeredCall(w, '+79031110002')
  w.pause(op)
  w.daemon.board.reload()
  await unansweredCall(w, '+79031110003')
  await until('a lead for each call', () => leadsOfCalls(w) === 3)
  same('after two answered calls and a missed one')
  const stats = live(w)
  t.match(stats, { answered: 2, missed: 1, missedPct: 33.3, openLeads: 3 }, 'the figures count what happened')

  const { leads } = w.daemon
  const a = leads.intake({ channel: 'form', phone: '+79035550001', source: 'site' }, 'test').lead
  const b = leads.intake({ channel: 'form', phone: '+79035550002', source: 'site' }, 'test').lead
  const c = leads.intake({ channel: 'form', phone: '+79035550003', source: 'site' }, 'test').lead
  leads.changeStatus(a.leadId, 'deal', { actor: 'test' })
  leads.changeStatus(b.leadId, 'refused', { actor: 'test', reason: 'price' })
  leads.changeStatus(b.leadId, 'in_progress', { actor: 'test' })
  leads.addNote(c.leadId, 'called, no answer', 'test')
  same('after intake, a deal, a refusal taken back and a note')
  t.equal(live(w).deals, 1)

  await clock.advance(60 * 60_000)
  same('an hour later: deadlines have passed')
  t.ok(live(w).overdueLeads > 0, 'some leads are overdue')

  leads.changeStatus(a.leadId, 'closed', { actor: 'test' })
  same('a deal closed is no longer a deal today')

  // 21:00 UTC is midnight in Moscow; the host's zone plays no part.
  await clock.advance(Date.UTC(2026, 0, 5, 21, 0, 0) - clock.now())
  same('at midnight')
  t.match(live(w), { answered: 0, missed: 0, deals: 0 }, 'a new day starts from zero')
  t.ok(live(w).openLeads > 0, 'open leads stay open across midnight')

  await clock.advance(10 * 60 * 60_000) // 10:00 in Moscow
  w.daemon.board.reload()
  leads.changeStatus(c.leadId, 'deal', { actor: 'test' })
  await unansweredCall(w, '+79031110004')
  await until('the missed call has its lead', () => leadsOfCalls(w) === 4)
  same('the next morning, after a missed call and a deal')
  t.match(live(w), { answered: 0, missed: 1, deals: 1 })
})
