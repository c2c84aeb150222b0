import t from 'tap'
import { sipCallerId, sipDisplayName } from '../../src/domain/caller-id.js'

t.test('a plain name passes unchanged', async (t) => {
  t.equal(sipDisplayName('Lead Ivan'), 'Lead Ivan')
  t.equal(sipDisplayName('Иван Петров · 3 calls'), 'Иван Петров · 3 calls')
})

t.test('quotes, backslashes and angle brackets from a web form are removed', async (t) => {
  t.equal(sipDisplayName('Ivan "The Boss" \\o/ <admin@x>'), 'Ivan The Boss o/ admin@x')
})

t.test('line breaks, tabs and other control characters become single spaces', async (t) => {
  t.equal(sipDisplayName('Ivan\r\nVia: SIP/2.0\tevil\u0000x'), 'Ivan Via: SIP/2.0 evil x')
  t.equal(sipDisplayName('a\u2028b\u2029c\u0085d'), 'a b c d')
})

t.test('bidi marks, overrides, isolates and zero-width characters are removed', async (t) => {
  t.equal(sipDisplayName('\u202eIvan\u202c \u200fاحمد\u200e \u2066x\u2069\u200b\ufeff'), 'Ivan احمد x')
})

t.test('whitespace is collapsed and trimmed; nothing left is an empty name', async (t) => {
  t.equal(sipDisplayName('   Ivan    Petrov  '), 'Ivan Petrov')
  t.equal(sipDisplayName('"\u200f" \n'), '')
  t.equal(sipDisplayName(null), '')
  t.equal(sipDisplayName(undefined), '')
})

t.test('the name is capped in characters, never cutting a character in half', async (t) => {
  t.equal(sipDisplayName('x'.repeat(100)), 'x'.repeat(40))
  t.equal(sipDisplayName('y'.repeat(100), 60), 'y'.repeat(60))
  const emoji = '😀'.repeat(50)
  t.equal(sipDisplayName(emoji), '😀'.repeat(40))
  t.equal(sipDisplayName(`${'a'.repeat(39)} b`), 'a'.repeat(39), 'no trailing space after the cut')
})

t.test('a caller id quotes the cleaned name before the number, or is the bare number without one', async (t) => {
  t.equal(sipCallerId('Lead "Ivan"\n', '79031112233'), '"Lead Ivan" <79031112233>')
  t.equal(sipCallerId('\u200f', '+79031112233'), '+79031112233')
  t.equal(sipCallerId(null, '79031112233'), '79031112233')
  t.equal(sipCallerId('Ivan', '7903<1>" 11'), '"Ivan" <7903111>', 'the number keeps no quotes, brackets or spaces')
})
