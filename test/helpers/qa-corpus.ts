// The labelled QA corpus (test/fixtures/qa-corpus/*.json): calls written as people talk on them,
// each with the rule types that should fire. Times are not written: a line lasts as long as its
// words take at 150 words a minute, with a short gap between turns.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { scoreCall, type QaRule } from '../../src/domain/qa.js'
import type { Segment } from '../../src/domain/transcript.js'

export const ruleTypes = ['missing-greeting', 'missing-offer', 'missing-goodbye', 'profanity', 'rudeness', 'customer-upset', 'fillers', 'talk-listen'] as const
export type RuleType = typeof ruleTypes[number]

/** Which rule of the default set stands for each type. */
const typeOfRule: Record<string, RuleType> = {
  'greeting': 'missing-greeting', 'offers-delivery': 'missing-offer', 'goodbye': 'missing-goodbye',
  'profanity-ru': 'profanity', 'profanity-en': 'profanity', 'rudeness-ru': 'rudeness', 'rudeness-en': 'rudeness',
  'customer-upset': 'customer-upset', 'fillers': 'fillers', 'talk-listen': 'talk-listen'
}

export interface CorpusCall { id: string; file: string; fires: RuleType[]; segments: Segment[]; note?: string }

const dir = join(import.meta.dirname, '..', 'fixtures', 'qa-corpus')
const wordsPerSecond = 2.5
const gapMs = 400

export function toSegments (lines: readonly string[], where: string): Segment[] {
  let at = 0
  return lines.map((line, i) => {
    const m = /^([OC]): (.+)$/.exec(line)
    if (m === null) throw new Error(`${where} line ${i + 1}: expected "O: …" or "C: …", got ${JSON.stringify(line)}`)
    const words = m[2]!.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length
    const startMs = at
    const endMs = startMs + Math.max(600, Math.round((words / wordsPerSecond) * 1000))
    at = endMs + gapMs
    return { speaker: m[1] === 'O' ? 'operator' : 'caller', startMs, endMs, text: m[2]! }
  })
}

export function loadCorpus (): CorpusCall[] {
  const out: CorpusCall[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const calls = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Array<{ id: string; fires: string[]; call: string[]; note?: string }>
    for (const c of calls) {
      const bad = c.fires.filter((f) => !(ruleTypes as readonly string[]).includes(f))
      if (bad.length > 0) throw new Error(`${file} ${c.id}: unknown rule type ${bad.join(', ')}`)
      out.push({ id: c.id, file, fires: c.fires as RuleType[], segments: toSegments(c.call, `${file} ${c.id}`), ...(c.note === undefined ? {} : { note: c.note }) })
    }
  }
  return out
}

export interface TypeFigures { type: RuleType; positives: number; tp: number; fp: number; fn: number; precision: number; recall: number }
export interface CorpusResult { figures: TypeFigures[]; misses: string[] }

/** Runs the rules over every call and counts, per rule type, what fired against what should have. */
export function measureCorpus (calls: readonly CorpusCall[], rules: readonly QaRule[]): CorpusResult {
  const counts = new Map<RuleType, { tp: number; fp: number; fn: number; positives: number }>(ruleTypes.map((t) => [t, { tp: 0, fp: 0, fn: 0, positives: 0 }]))
  const misses: string[] = []
  for (const call of calls) {
    const scored = scoreCall(call.segments, rules)
    const fired = new Set(scored.findings.map((f) => typeOfRule[f.ruleId]).filter((t) => t !== undefined))
    for (const type of ruleTypes) {
      const c = counts.get(type)!
      const expected = call.fires.includes(type)
      const got = fired.has(type)
      if (expected) c.positives++
      if (expected && got) c.tp++
      else if (!expected && got) { c.fp++; misses.push(`${call.id}: ${type} fired (${scored.findings.filter((f) => typeOfRule[f.ruleId] === type).map((f) => f.message).join('; ')})`) }
      else if (expected && !got) { c.fn++; misses.push(`${call.id}: ${type} did not fire`) }
    }
  }
  const figures = ruleTypes.map((type) => {
    const c = counts.get(type)!
    return { type, ...c, precision: c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp), recall: c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn) }
  })
  return { figures, misses }
}

export function formatTable (r: CorpusResult, calls: number): string {
  const rows = r.figures.map((f) => `| ${f.type} | ${f.positives} | ${f.tp} | ${f.fp} | ${f.fn} | ${f.precision.toFixed(3)} | ${f.recall.toFixed(3)} |`)
  return [`${calls} calls`, '| rule type | should fire | fired right | fired wrongly | missed | precision | recall |', '|---|---|---|---|---|---|---|', ...rows].join('\n')
}
