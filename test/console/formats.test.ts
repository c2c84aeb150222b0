// The shared formats every console page uses: the ones pages used to build for themselves (money
// in the currency's own minor units, its sign, a QA score, a call position, a moment to the minute)
// written as those pages wrote them.
import t from 'tap'
import { formatsFor } from '../../src/http/console/formats.js'

const zone = 'Europe/Moscow'
const en = formatsFor('en', zone)
const ru = formatsFor('ru', zone)
const nbsp = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ')

t.test('money: minor units of the currency, with its sign as each language writes it', async (t) => {
  t.equal(nbsp(en.money(149_950, 'RUB')), 'RUB 1,499.50')
  t.equal(nbsp(ru.money(149_950, 'RUB')), '1 499,50 ₽')
  t.equal(nbsp(en.money(1500, 'JPY')), 'JPY 1,500', 'a yen has no minor unit: 1,500 is 1,500 yen, not 15')
  t.equal(nbsp(en.money(1500, 'KWD')), 'KWD 1.500', 'a dinar has three')
  t.equal(en.money(null, 'RUB'), '—')
  t.equal(en.currencySign('RUB'), 'RUB')
  t.equal(ru.currencySign('RUB'), '₽')
})

t.test('a QA score keeps the precision of its weights', async (t) => {
  t.equal(en.score(85), '85')
  t.equal(en.score(97.25), '97.25')
  t.equal(ru.score(97.25), '97,25')
  t.equal(en.score(null), '—')
})

t.test('a position in a call: m:ss, h:mm:ss past an hour', async (t) => {
  t.equal(en.clock(0), '0:00')
  t.equal(en.clock(65_400), '1:05')
  t.equal(ru.clock(3_725_000), '1:02:05')
  t.equal(en.clock(-5), '0:00')
})

t.test('moments to the minute in the shop\'s zone: medium (month in words) and minutes (digits)', async (t) => {
  const ms = Date.UTC(2026, 0, 5, 6, 7) // 09:07 in Moscow
  t.equal(en.dateTime(ms, 'medium'), '5 Jan 2026, 09:07')
  t.equal(ru.dateTime(ms, 'medium'), '5 янв. 2026 г., 09:07')
  t.equal(en.dateTime(ms, 'minutes'), '05/01/2026, 09:07')
  t.equal(ru.dateTime(ms, 'minutes'), '05.01.2026, 09:07')
  t.equal(en.dateTime(ms, 'hm'), '09:07')
})
