// Precision and recall of the default rule set, per rule type, over the labelled corpus of calls in
// Russian and English (test/fixtures/qa-corpus). Target: ≥ 0.95 each.
import t from 'tap'
import { defaultRuleSet } from '../../src/speech/default-rule-set.js'
import { formatTable, loadCorpus, measureCorpus, ruleTypes } from '../helpers/qa-corpus.js'

const calls = loadCorpus()

t.test('the corpus: at least 100 calls in both languages, every rule type both firing and not', async (t) => {
  t.ok(calls.length >= 100, `${calls.length} calls`)
  t.ok(calls.some((c) => c.id.startsWith('ru-')) && calls.some((c) => c.id.startsWith('en-')), 'Russian and English')
  t.equal(new Set(calls.map((c) => c.id)).size, calls.length, 'ids are unique')
  for (const type of ruleTypes) {
    const positives = calls.filter((c) => c.fires.includes(type)).length
    t.ok(positives >= 10 && calls.length - positives >= 10, `${type}: ${positives} calls where it should fire`)
  }
})

t.test('precision and recall per rule type ≥ 0.95', async (t) => {
  const r = measureCorpus(calls, defaultRuleSet.rules)
  t.comment(`\n${formatTable(r, calls.length)}`)
  for (const m of r.misses) t.comment(m)
  for (const f of r.figures) {
    t.ok(f.precision >= 0.95, `${f.type} precision ${f.precision.toFixed(3)}`)
    t.ok(f.recall >= 0.95, `${f.type} recall ${f.recall.toFixed(3)}`)
  }
})
