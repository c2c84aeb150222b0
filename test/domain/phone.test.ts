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
