// A rule set body checked outside a route (the console's JSON textarea) as PUT /api/qa/rule-sets/:id
// checks it, with one refinement: a rule with a known `kind` is checked against that kind only, so
// the problem names the rule's own field (`rules.2.severity`) rather than "must be one of four shapes".
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { InputProblem } from '../errors.js'
import { describeErrors } from '../validation.js'
import { RuleSetBody } from './speech.js'

export const ruleSetIdPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/

const body = TypeCompiler.Compile(RuleSetBody)
const kinds = new Map(((RuleSetBody.properties.rules.items as unknown as { anyOf: TSchema[] }).anyOf)
  .map((schema) => [String((schema as unknown as { properties: { kind: { const: string } } }).properties.kind.const), TypeCompiler.Compile(schema)]))

/** The problems of a rule set body, each naming its path; empty when the PUT route would take it. */
export function ruleSetProblems (value: unknown): InputProblem[] {
  if (body.Check(value)) return []
  const problems = describeErrors(body.Errors(value), 'body')
  const rules = (value as { rules?: unknown } | null)?.rules
  if (!Array.isArray(rules)) return problems
  // Replace "rules.N: must be …or…" by what is wrong inside rule N when its kind is known.
  return problems.flatMap((p) => {
    const m = /^rules\.(\d+)$/.exec(p.field)
    const rule = m === null ? undefined : rules[Number(m[1])] as { kind?: unknown } | undefined
    const check = typeof rule?.kind === 'string' ? kinds.get(rule.kind) : undefined
    if (check === undefined) return [m === null ? p : { field: p.field, message: `must be an object whose kind is one of ${[...kinds.keys()].join(', ')}` }]
    return describeErrors(check.Errors(rule), p.field).map((inner) => ({ ...inner, field: inner.field === p.field ? p.field : `${p.field}.${inner.field}` }))
  })
}
