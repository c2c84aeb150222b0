// How far each QA rule can be trusted: of the findings it raised, the share supervisors did not mark
// wrong. Pure: counts in, figures out.

export interface RuleRef { ruleId: string; title: string; kind: string }
export interface RuleCounts { ruleId: string; fired: number; markedWrong: number }

export interface RulePrecision extends RuleRef {
  fired: number
  markedWrong: number
  /** (fired − marked wrong) / fired, 0…1; null when the rule never fired (nothing to judge yet). */
  precision: number | null
}

/** Precision of one rule from its counts; null when it never fired. */
export function precisionOf (fired: number, markedWrong: number): number | null {
  if (!Number.isInteger(fired) || fired < 0 || !Number.isInteger(markedWrong) || markedWrong < 0) {
    throw new RangeError(`counts must be whole and not negative: fired ${fired}, marked wrong ${markedWrong}`)
  }
  if (fired === 0) return null
  return (fired - Math.min(markedWrong, fired)) / fired
}

/**
 * Every rule of the set in its order, with its counts (zero when it never fired). Counts of rules
 * no longer in the set are left out: they describe rules nobody can tune any more.
 */
export function rulePrecision (rules: readonly RuleRef[], counts: readonly RuleCounts[]): RulePrecision[] {
  const byRule = new Map<string, { fired: number; markedWrong: number }>()
  for (const c of counts) {
    const sum = byRule.get(c.ruleId) ?? { fired: 0, markedWrong: 0 }
    byRule.set(c.ruleId, { fired: sum.fired + c.fired, markedWrong: sum.markedWrong + c.markedWrong })
  }
  return rules.map((r) => {
    const c = byRule.get(r.ruleId) ?? { fired: 0, markedWrong: 0 }
    const markedWrong = Math.min(c.markedWrong, c.fired)
    return { ruleId: r.ruleId, title: r.title, kind: r.kind, fired: c.fired, markedWrong, precision: precisionOf(c.fired, markedWrong) }
  })
}
