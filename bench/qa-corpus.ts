// Precision and recall of the default rule set per rule type over the labelled corpus
// (test/fixtures/qa-corpus), and the time to check one call. Part of step 11; alone:
// node --import tsx bench/qa-corpus.ts
import { performance } from 'node:perf_hooks'
import { scoreCall } from '../src/domain/qa.js'
import { defaultRuleSet } from '../src/speech/default-rule-set.js'
import { formatTable, loadCorpus, measureCorpus } from '../test/helpers/qa-corpus.js'

export function corpusFigures (): Record<string, string> {
  const calls = loadCorpus()
  const r = measureCorpus(calls, defaultRuleSet.rules)
  const t0 = performance.now()
  for (const c of calls) scoreCall(c.segments, defaultRuleSet.rules)
  const perCall = (performance.now() - t0) / calls.length
  const out: Record<string, string> = { 'corpus': `${calls.length} labelled calls (ru, en)`, 'scoreCall per corpus call ms': perCall.toFixed(3) }
  for (const f of r.figures) out[`${f.type} precision / recall (${f.positives} should fire)`] = `${f.precision.toFixed(3)} / ${f.recall.toFixed(3)}`
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const calls = loadCorpus()
  const r = measureCorpus(calls, defaultRuleSet.rules)
  console.log(formatTable(r, calls.length))
  for (const m of r.misses) console.log(m)
}
