import t from 'tap'
import { normalisePhone } from '../../src/domain/phone.js'

t.test('normalises the ways carriers send Russian numbers to E.164', async (t) => {
  for (const raw of ['+79031112233', '89031112233', '79031112233', '9031112233', '+7 (903) 111-22-33']) {
    t.equal(normalisePhone(raw, 'RU').e164, '+79031112233', raw)
  }
})

t.test('keeps withheld and garbage caller ids as given, with the problem named', async (t) => {
  t.same(normalisePhone('anonymous', 'RU'), { e164: null, raw: 'anonymous', problem: 'caller id withheld' })
  t.same(normalisePhone(undefined, 'RU'), { e164: null, raw: '', problem: 'caller id withheld' })
  t.same(normalisePhone('<script>', 'RU'), { e164: null, raw: '<script>', problem: 'not a phone number' })
  t.equal(normalisePhone('12', 'RU').e164, null)
})

t.test('an answer asked again is the same, and a number\'s E.164 form normalises to itself', async (t) => {
  const inputs = ['89031112233', '+7 (903) 111-22-34', '9031112235', '(212) 555-0100', '+44 20 7946 0958', 'anonymous', '12', '442079460959']
  for (const region of ['RU', 'US', 'GB']) {
    for (const raw of inputs) {
      const first = normalisePhone(raw, region)
      t.same(normalisePhone(raw, region), first, `${region} ${raw}`)
      t.ok(Object.isFrozen(first), 'shared answers cannot be changed by a caller')
      if (first.e164 !== null) t.same(normalisePhone(first.e164, region), { e164: first.e164, raw: first.e164 }, `${region} ${first.e164}`)
    }
  }
  // Past the memo's bound the oldest are worked out again, with the same answers.
  for (let i = 0; i < 6000; i++) normalisePhone(`+7903${String(i).padStart(7, '0')}`, 'RU')
  t.equal(normalisePhone('89031112233', 'RU').e164, '+79031112233')
})
