import t from 'tap'
import { dialplanValueProblem, dialplanValueProblems, splitDialplanNumbers } from '../../src/domain/dialplan-values.js'

t.test('values that fit their kind go into the dialplan as they are', async (t) => {
  t.equal(dialplanValueProblem('did', '+74951234567'), null)
  t.equal(dialplanValueProblem('endpoint', 'PJSIP/101'), null)
  t.equal(dialplanValueProblem('endpoint', 'Local/101@operators'), null)
  t.equal(dialplanValueProblem('arg', 'Яндекс Директ'), null, 'letters of any script')
  t.equal(dialplanValueProblem('arg', ''), null, 'an empty argument')
})

t.test('characters that would rewrite the dialplan are refused with the reason', async (t) => {
  t.match(dialplanValueProblem('arg', 'a;b'), /";" \(it starts a comment/)
  t.match(dialplanValueProblem('arg', 'a,b'), /"," \(it splits the application's arguments\)/)
  t.match(dialplanValueProblem('arg', 'a\nb'), /a line break/)
  t.match(dialplanValueProblem('arg', '${SHELL(rm)}'), /"\$" \(it starts a dialplan expression\)/)
  t.match(dialplanValueProblem('endpoint', 'PJSIP/101&PJSIP/102'), /"&" \(it joins dial strings\)/)
  t.match(dialplanValueProblem('arg', 'a\u0007b'), /control character U\+0007/)
  t.equal(dialplanValueProblem('did', '12'), null)
  t.match(dialplanValueProblem('did', '1'), /must be digits/)
})

t.test('every problem names where the value comes from and the value', async (t) => {
  t.same(dialplanValueProblems([
    { kind: 'did', value: '74951234567', where: 'tracking number 74951234567:' },
    { kind: 'arg', value: 'x;y', where: 'tracking number 74951234567 source' }
  ]), ['tracking number 74951234567 source "x;y": contains ";" (it starts a comment in the dialplan); allowed: letters, digits, spaces and _ . : @ + / -'])
})

t.test('a tracking number with a value that cannot go in is left out with its reasons; the others are kept', async (t) => {
  const good = { did: '74951110001', source: 'google-ads', categoryId: 'ovens' }
  const split = splitDialplanNumbers([good, { did: '74951110002', source: 'ads;evil', categoryId: 'a,b' }, { did: '7495\n1', source: '', categoryId: '' }])
  t.same(split.kept, [good])
  t.same(split.skipped, [
    { did: '74951110002', problems: ['source "ads;evil": contains ";" (it starts a comment in the dialplan); allowed: letters, digits, spaces and _ . : @ + / -', 'categoryId "a,b": contains "," (it splits the application\'s arguments); allowed: letters, digits, spaces and _ . : @ + / -'] },
    { did: '7495\n1', problems: ['did "7495\\n1": contains a line break (it would end the dialplan line); allowed: digits with an optional leading +'] }
  ])
})
