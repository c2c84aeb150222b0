// Script QA: a rule set (data) checked against a transcript (segments). Pure: the same transcript
// and rules always give the same score and findings, each finding naming the rule and the segment.
//
// Score = max(0, 100 − Σ penalties), where
//   - a required phrase not said (in its window, by its speaker) costs the rule's weight;
//   - a forbidden word costs the rule's weight for each occurrence, at most 3 occurrences per rule;
//   - a language-quality measure outside its bounds costs the rule's weight;
//   - the customer swearing or angry costs nothing: it is an alert for the supervisor.
// Weights default to 10 (required), 30/10/3 (forbidden: severe/warning/info) and 5 (quality).
// The parts live in qa/: words and stems (text), curated lists (lexicons, lexicon), the indexed
// transcript, fillers, quality measures and one check per rule kind.
import type { Segment } from './transcript.js'
import { checkCustomer, checkForbidden, checkQuality, checkRequired } from './qa/checks.js'
import { lexiconIds } from './qa/lexicons.js'
import { defaultQaSettings, measureQuality, type QaSettings } from './qa/quality.js'
import { normaliseWords } from './qa/text.js'
import { TranscriptIndex } from './qa/transcript-index.js'
import type { QaFinding, QaRule, QaScore } from './qa/types.js'

export type * from './qa/types.js'
export type { LexiconId } from './qa/lexicons.js'
export type { FillerPhrase } from './qa/fillers.js'
export { lexiconIds } from './qa/lexicons.js'
export { defaultQaSettings, measureQuality, type QaSettings } from './qa/quality.js'
export { normaliseWords, stemWord } from './qa/text.js'

/** Checks every rule against the transcript and scores it. */
export function scoreCall (segments: readonly Segment[], rules: readonly QaRule[], settings: QaSettings = defaultQaSettings): QaScore {
  const t = new TranscriptIndex(segments)
  const metrics = measureQuality(segments, settings, (i) => t.segmentWords[i]!)
  const findings: QaFinding[] = []
  for (const rule of rules) {
    if (rule.kind === 'required') findings.push(...checkRequired(t, rule))
    else if (rule.kind === 'forbidden') findings.push(...checkForbidden(t, rule))
    else if (rule.kind === 'customer') findings.push(...checkCustomer(t, rule))
    else findings.push(...checkQuality(metrics, rule))
  }
  const penalty = findings.reduce((n, f) => n + f.penalty, 0)
  return { score: Math.max(0, 100 - penalty), findings, metrics }
}

/**
 * The findings that a transcript still growing can already give and that the rest of the call cannot
 * take back: forbidden words and the customer's swearing or anger, in the order said. Each names
 * its segment (`segmentIndex`), so a caller running this on every new window reports a finding once
 * by (ruleId, segmentIndex, message). Required phrases and quality measures wait for the whole call.
 */
export function findingsSoFar (segments: readonly Segment[], rules: readonly QaRule[]): QaFinding[] {
  const t = new TranscriptIndex(segments)
  const out: QaFinding[] = []
  for (const rule of rules) {
    if (rule.kind === 'forbidden') out.push(...checkForbidden(t, rule))
    else if (rule.kind === 'customer') out.push(...checkCustomer(t, rule))
  }
  return out.sort((a, b) => a.segmentIndex! - b.segmentIndex! || a.atMs! - b.atMs!)
}

/** Findings against the operator a supervisor hears about at once. */
export const isAlert = (f: QaFinding): boolean => f.severity === 'severe' && f.kind !== 'customer'

/** The customer swearing or angry: the supervisor hears about it at once; the operator's score is untouched. */
export const isCustomerAlert = (f: QaFinding): boolean => f.kind === 'customer'

/** Checks a rule list from outside (the API): returns the problems, empty when it is usable. */
export function validateRules (rules: readonly QaRule[]): string[] {
  const problems: string[] = []
  const ids = new Set<string>()
  const known = new Set<string>(lexiconIds)
  for (const [i, r] of rules.entries()) {
    if (ids.has(r.ruleId)) problems.push(`rules[${i}]: ruleId ${r.ruleId} is used twice`)
    ids.add(r.ruleId)
    if (r.kind === 'required' && r.phrases.every((p) => normaliseWords(p).length === 0)) problems.push(`rules[${i}] (${r.ruleId}): no phrase has a word`)
    if (r.kind === 'forbidden' || r.kind === 'customer') {
      const lists = r.lexicons ?? []
      for (const id of lists) if (!known.has(id)) problems.push(`rules[${i}] (${r.ruleId}): no word list named ${id} (known: ${lexiconIds.join(', ')})`)
      if ((r.words ?? []).length === 0 && (r.kind === 'customer' || (r.prefixes ?? []).length === 0) && lists.length === 0) problems.push(`rules[${i}] (${r.ruleId}): no words, prefixes or word lists`)
    }
    if (r.kind === 'quality' && r.min === undefined && r.max === undefined) problems.push(`rules[${i}] (${r.ruleId}): needs min or max`)
  }
  return problems
}
