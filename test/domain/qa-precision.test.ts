import t from 'tap'
import { precisionOf, rulePrecision } from '../../src/domain/qa-precision.js'

const rules = [
  { ruleId: 'greeting', title: 'Greets the caller', kind: 'required' },
  { ruleId: 'swearing', title: 'No swearing', kind: 'forbidden' },
  { ruleId: 'goodbye', title: 'Says goodbye', kind: 'required' }
]

t.test('precision is the share of findings nobody marked wrong', async (t) => {
  t.equal(precisionOf(4, 1), 0.75)
  t.equal(precisionOf(3, 0), 1)
  t.equal(precisionOf(2, 2), 0)
})

t.test('a rule that never fired has no precision yet rather than a perfect one', async (t) => {
  t.equal(precisionOf(0, 0), null)
})

t.test('negative or fractional counts are refused with the numbers named', async (t) => {
  t.throws(() => precisionOf(-1, 0), /fired -1/)
  t.throws(() => precisionOf(2, 0.5), /marked wrong 0.5/)
})

t.test('lists every rule of the set in order, summing counts and leaving out rules no longer in it', async (t) => {
  const out = rulePrecision(rules, [
    { ruleId: 'swearing', fired: 3, markedWrong: 1 },
    { ruleId: 'greeting', fired: 2, markedWrong: 0 },
    { ruleId: 'swearing', fired: 1, markedWrong: 1 },
    { ruleId: 'retired', fired: 9, markedWrong: 9 }
  ])
  t.same(out, [
    { ruleId: 'greeting', title: 'Greets the caller', kind: 'required', fired: 2, markedWrong: 0, precision: 1 },
    { ruleId: 'swearing', title: 'No swearing', kind: 'forbidden', fired: 4, markedWrong: 2, precision: 0.5 },
    { ruleId: 'goodbye', title: 'Says goodbye', kind: 'required', fired: 0, markedWrong: 0, precision: null }
  ])
})

t.test('more verdicts than findings never give a negative precision', async (t) => {
  t.same(rulePrecision([rules[0]!], [{ ruleId: 'greeting', fired: 1, markedWrong: 3 }])[0], { ...rules[0], fired: 1, markedWrong: 1, precision: 0 })
})
