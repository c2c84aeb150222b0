// One check per rule kind, each over the indexed transcript.
import type { Speaker } from '../transcript.js'
import type { LexiconId } from './lexicons.js'
import { normaliseWord, normaliseWords, stemWord, lowerBound } from './text.js'
import type { Term, TranscriptIndex, WordView } from './transcript-index.js'
import type { CustomerSignalRule, ForbiddenWordsRule, QaFinding, QaMetrics, QualityRule, RequiredPhraseRule, RuleSpeaker, Severity } from './types.js'

const defaultWeight = { required: 10, quality: 5 }
const forbiddenWeight: Record<Severity, number> = { severe: 30, warning: 10, info: 3 }
const maxCountedOccurrences = 3

const speaks = (speaker: RuleSpeaker, who: Speaker): boolean => speaker === 'any' || speaker === who

const phraseCache = new Map<string, Term[]>()
function phraseTerms (phrase: string): Term[] {
  let s = phraseCache.get(phrase)
  if (s === undefined) {
    s = phrase.split(/\s+/).flatMap((raw): Term[] => {
      const words = normaliseWords(raw)
      if (raw.endsWith('*') && words.length === 1) return [{ prefix: words[0]! }]
      return words.map((w) => ({ stem: stemWord(w) }))
    })
    if (phraseCache.size > 100_000) phraseCache.clear()
    phraseCache.set(phrase, s)
  }
  return s
}

/** True when the sorted list has a value in [from, to). */
function hasIn (sorted: readonly number[], from: number, to: number): boolean {
  const i = lowerBound(sorted, from)
  return i < sorted.length && sorted[i]! < to
}

/**
 * Whether the phrase was said between word indexes [lo, hi) of the view: all its words, in any
 * order, within a few words of each other, each word matching in any inflection or with one
 * misrecognised letter.
 */
function isPhraseSaid (view: WordView, lo: number, hi: number, phrase: string, accept: (p: number) => boolean): boolean {
  const terms = phraseTerms(phrase)
  if (terms.length === 0) return false
  const lists = terms.map((s) => view.where(s))
  if (lists.some((l) => l.length === 0)) return false
  const span = terms.length + 2
  const [first, ...rest] = lists
  for (const p of first!) {
    if (p < lo) continue
    if (p >= hi) break
    if (rest.every((l) => hasIn(l, Math.max(lo, p - span + 1), Math.min(hi, p + span))) && accept(p)) return true
  }
  return false
}

/** Whether the sentence of the view's word p has one of the words (stems, or beginnings written with `*`). */
const sentencesWith = new WeakMap<WordView, WeakMap<readonly string[], Set<number>>>()
function sentenceHasAny (view: WordView, words: readonly string[]): (p: number) => boolean {
  // Rules copied from one set share the list: its sentences are found once per transcript.
  let byList = sentencesWith.get(view)
  if (byList === undefined) sentencesWith.set(view, (byList = new WeakMap()))
  let sentences = byList.get(words)
  if (sentences === undefined) {
    sentences = new Set<number>()
    for (const term of words.flatMap(phraseTerms)) for (const p of view.where(term)) sentences.add(view.sentenceAt(p))
    byList.set(words, sentences)
  }
  const found = sentences
  return (p) => found.has(view.sentenceAt(p))
}

export function checkRequired (t: TranscriptIndex, rule: RequiredPhraseRule): QaFinding[] {
  const from = rule.lastMs !== undefined ? t.endMs - rule.lastMs : rule.fromMs ?? 0
  const to = rule.lastMs !== undefined ? Number.POSITIVE_INFINITY : rule.toMs ?? Number.POSITIVE_INFINITY
  const view = t.view(rule.speaker)
  const lo = view.indexAt(from)
  const hi = to === Number.POSITIVE_INFINITY ? view.length : view.indexAt(to + 1)
  const accept = rule.withAny === undefined ? () => true : sentenceHasAny(view, rule.withAny)
  for (const phrase of rule.phrases) if (isPhraseSaid(view, lo, hi, phrase, accept)) return []
  const where = rule.lastMs !== undefined ? `in the last ${rule.lastMs / 1000} s` : to === Number.POSITIVE_INFINITY ? (from > 0 ? `after ${from / 1000} s` : 'during the call') : `between ${from / 1000} s and ${to / 1000} s`
  const shown = rule.phrases.slice(0, 4).map((p) => `"${p}"`).join(' or ') + (rule.phrases.length > 4 ? ` (or ${rule.phrases.length - 4} more)` : '')
  return [{
    ruleId: rule.ruleId, kind: 'required', severity: 'warning', title: rule.title,
    message: `${rule.speaker === 'any' ? 'nobody' : `the ${rule.speaker}`} did not say ${shown} ${where}`,
    segmentIndex: null, atMs: null, speaker: null, text: null, penalty: rule.weight ?? defaultWeight.required
  }]
}

// A rule word's stem, kept across calls: the same rule set is checked against every call.
const ruleWordStems = new Map<string, string>()
function ruleWordStem (word: string): string {
  let s = ruleWordStems.get(word)
  if (s === undefined) {
    s = stemWord(normaliseWords(word)[0] ?? word)
    if (ruleWordStems.size > 100_000) ruleWordStems.clear()
    ruleWordStems.set(word, s)
  }
  return s
}

/** Positions of the words of the rule's own lists and of its curated lists said in the transcript, in the order said. */
function wordsFound (t: TranscriptIndex, rule: { lexicons?: readonly LexiconId[]; words?: readonly string[]; prefixes?: readonly string[]; except?: readonly string[] }): number[] {
  const except = new Set((rule.except ?? []).map(normaliseWord))
  const hits = new Set<number>()
  for (const id of rule.lexicons ?? []) for (const i of t.lexiconHits(id)) hits.add(i)
  for (const w of rule.words ?? []) for (const i of t.withStem(ruleWordStem(w))) hits.add(i)
  for (const p of rule.prefixes ?? []) {
    for (const norm of t.wordsStartingWith(normaliseWord(p))) for (const i of t.withNorm(norm)) hits.add(i)
  }
  return [...hits].filter((i) => !except.has(t.norm(i))).sort((a, b) => a - b)
}

export function checkForbidden (t: TranscriptIndex, rule: ForbiddenWordsRule): QaFinding[] {
  const weight = rule.weight ?? forbiddenWeight[rule.severity]
  const out: QaFinding[] = []
  for (const i of wordsFound(t, rule)) {
    const speaker = t.speaker(i)
    if (!speaks(rule.speaker, speaker)) continue
    const segmentIndex = t.segmentOf[i]!
    out.push({
      ruleId: rule.ruleId, kind: 'forbidden', severity: rule.severity, title: rule.title,
      message: `the ${speaker} said "${t.norm(i)}"`,
      segmentIndex, atMs: t.atMsOf[i]!, speaker, text: t.segments[segmentIndex]!.text,
      penalty: out.length < maxCountedOccurrences ? weight : 0
    })
  }
  return out
}

/** The customer's swearing or anger: one finding per segment, for the supervisor; no penalty. */
export function checkCustomer (t: TranscriptIndex, rule: CustomerSignalRule): QaFinding[] {
  const out: QaFinding[] = []
  let lastSegment = -1
  for (const i of wordsFound(t, rule)) {
    const segmentIndex = t.segmentOf[i]!
    if (t.speaker(i) !== 'caller' || segmentIndex === lastSegment) continue
    lastSegment = segmentIndex
    out.push({
      ruleId: rule.ruleId, kind: 'customer', severity: 'warning', title: rule.title,
      message: `the caller said "${t.norm(i)}"`,
      segmentIndex, atMs: t.atMsOf[i]!, speaker: 'caller', text: t.segments[segmentIndex]!.text, penalty: 0
    })
  }
  return out
}

export function checkQuality (metrics: QaMetrics, rule: QualityRule): QaFinding[] {
  if (rule.minSpeechMs !== undefined && metrics.speechMs < rule.minSpeechMs) return []
  const value = metrics[rule.metric]
  const low = rule.min !== undefined && value < rule.min
  const high = rule.max !== undefined && value > rule.max
  if (!low && !high) return []
  return [{
    ruleId: rule.ruleId, kind: 'quality', severity: 'info', title: rule.title,
    message: `${rule.metric} is ${value}, ${high ? `above the maximum ${rule.max}` : `below the minimum ${rule.min}`}`,
    segmentIndex: null, atMs: null, speaker: 'operator', text: null, penalty: rule.weight ?? defaultWeight.quality
  }]
}
