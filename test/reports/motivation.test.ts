import t from 'tap'
import { motivationRow, parseTiers, tierPercent } from '../../src/domain/kpi-motivation.js'

const tiers = [{ share: 0.5, percent: 5 }, { share: 0.7, percent: 7 }, { share: 0.9, percent: 10 }]
const day = Date.parse('2026-11-10T07:00:00Z') // 10:00 in Moscow

t.test('reads tiers from share:percent pairs, in order of share', async (t) => {
  t.same(parseTiers('0.7:7, 0.5:5,0.9:10'), { ok: true, tiers })
  t.same(parseTiers(''), { ok: true, tiers: [] })
  t.match(parseTiers('half:5'), { ok: false, problem: /share:percent/ })
  t.match(parseTiers('1.5:5'), { ok: false, problem: /fraction/ })
  t.match(parseTiers('0.5:5,0.5:6'), { ok: false, problem: /two tiers/ })
})

t.test('the percent is the highest tier the share reaches', async (t) => {
  t.equal(tierPercent(tiers, 0.49), 0)
  t.equal(tierPercent(tiers, 0.5), 5)
  t.equal(tierPercent(tiers, 0.89), 7)
  t.equal(tierPercent(tiers, 1), 10)
})

t.test('pays base per day plus the tier\'s percent of same-day deal revenue, and shows the formula', async (t) => {
  const deals = [
    { createdAt: day, dealAt: day + 3_600_000, dealAmount: 100_000 },
    { createdAt: day, dealAt: day + 2 * 3_600_000, dealAmount: 50_000 },
    // a deal the next day: not same-day, not in the bonus
    { createdAt: day, dealAt: day + 86_400_000, dealAmount: 900_000 }
  ]
  const row = motivationRow({ operatorId: 'ana', name: 'Ana', leadCount: 4, deals }, { tiers, basePayPerDay: 150_000, days: 30, timeZone: 'Europe/Moscow', currency: 'RUB' })
  t.same({ ...row, formula: undefined }, {
    operatorId: 'ana', name: 'Ana', basePay: 4_500_000, sameDayDeals: 2, leadCount: 4, basePayPerDay: 150_000, days: 30, sameDayShare: 0.5, sameDayRevenue: 150_000,
    percent: 5, bonus: 7500, total: 4_507_500, formula: undefined
  })
  t.equal(row.formula, 'base 1500.00 RUB × 30 d = 45000.00 RUB; same-day deals 2 of 4 leads = 50.0% → 5%; bonus 1500.00 RUB × 5% = 75.00 RUB; total 45000.00 RUB + 75.00 RUB = 45075.00 RUB')
})

t.test('same day means the shop\'s calendar day, not 24 hours', async (t) => {
  const lateEvening = Date.parse('2026-11-10T20:30:00Z') // 23:30 in Moscow
  const deals = [{ createdAt: lateEvening, dealAt: lateEvening + 3_600_000, dealAmount: 1000 }] // 00:30 the next day
  const moscow = motivationRow({ operatorId: 'ana', name: 'Ana', leadCount: 1, deals }, { tiers, basePayPerDay: 0, days: 1, timeZone: 'Europe/Moscow', currency: 'RUB' })
  const utc = motivationRow({ operatorId: 'ana', name: 'Ana', leadCount: 1, deals }, { tiers, basePayPerDay: 0, days: 1, timeZone: 'UTC', currency: 'RUB' })
  t.equal(moscow.sameDayDeals, 0)
  t.equal(utc.sameDayDeals, 1)
  t.equal(utc.bonus, 100)
})

t.test('an operator without leads gets the base pay and no bonus', async (t) => {
  const row = motivationRow({ operatorId: 'ben', name: 'Ben', leadCount: 0, deals: [] }, { tiers, basePayPerDay: 1000, days: 2, timeZone: 'UTC', currency: 'RUB' })
  t.match(row, { basePay: 2000, sameDayShare: 0, percent: 0, bonus: 0, total: 2000 })
})

t.test('local day numbers follow the zone across a daylight-saving change', async (t) => {
  const { localDayOf, isSameLocalDay } = await import('../../src/domain/kpi-period.js')
  const dayOf = localDayOf('Europe/Berlin')
  // Berlin leaves summer time on 2026-10-25 at 03:00 local (01:00 UTC).
  const samples = [Date.parse('2026-10-24T21:59:00Z'), Date.parse('2026-10-24T22:00:00Z'), Date.parse('2026-10-25T00:59:00Z'),
    Date.parse('2026-10-25T01:00:00Z'), Date.parse('2026-10-25T22:59:00Z'), Date.parse('2026-10-25T23:00:00Z')]
  for (const a of samples) {
    for (const b of samples) t.equal(dayOf(a) === dayOf(b), isSameLocalDay(a, b, 'Europe/Berlin'), `${new Date(a).toISOString()} ~ ${new Date(b).toISOString()}`)
  }
})
