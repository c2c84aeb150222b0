// Script QA: a rule set (data) checked against a transcript (segments). Pure: the same transcript
// and rules always give the same score and findings, each finding naming the rule and the segment.
//
// Score = max(0, 100 − Σ penalties), where
//   - a required phrase not said (in its window, by its speaker) costs the rule's weight;
//   - a forbidden word costs the rule's weight for each occurrence, at most 3 occurrences per rule;
//   - a language-quality measure outside its bounds costs the rule's weight.
// Weights default to 10 (required), 30/10/3 (forbidden: severe/warning/info) and 5 (quality).
import { stemmer as stemRu } from '@orama/stemmers/russian'
import { stemmer as stemEn } from '@orama/stemmers/english'
import type { Segment, Speaker } from './transcript.js'

export type Severity = 'info' | 'warning' | 'severe'
export type RuleSpeaker = Speaker | 'any'

export interface RequiredPhraseRule {
  kind: 'required'
  ruleId: string
  title: string
  speaker: RuleSpeaker
  /** Synonyms: any one of them said counts. */
  phrases: string[]
  /** Window from the start of the call, in ms. */
  fromMs?: number
  toMs?: number
  /** Window counted back from the end of the call instead ("says goodbye" in the last 20 s). */
  lastMs?: number
  weight?: number
}

export interface ForbiddenWordsRule {
  kind: 'forbidden'
  ruleId: string
  title: string
  speaker: RuleSpeaker
  /** Dictionary forms; every inflected form matches (same stem). */
  words: string[]
  /** Word beginnings for derived words (a word starting with one matches). */
  prefixes?: string[]
  /** Words that look like a match and are not (checked on the normalised word). */
  except?: string[]
  severity: Severity
  weight?: number
}

export type QualityMetric = 'fillersPerMinute' | 'talkListenRatio' | 'longestMonologueMs' | 'longSilences' | 'interruptions' | 'wordsPerMinute'

export interface QualityRule {
  kind: 'quality'
  ruleId: string
  title: string
  metric: QualityMetric
  min?: number
  max?: number
  weight?: number
}

export type QaRule = RequiredPhraseRule | ForbiddenWordsRule | QualityRule

export interface QaSettings {
  /** Filler words and phrases, counted in the operator's speech. */
  fillers: string[]
  /** A gap with nobody speaking longer than this is a long silence. */
  silenceMs: number
  /** Same-speaker segments closer than this form one monologue. */
  monologueGapMs: number
  /** The operator starting to speak this far inside the caller's segment is an interruption. */
  interruptionOverlapMs: number
}

export const defaultQaSettings: QaSettings = {
  fillers: ['ну', 'типа', 'как бы', 'это самое', 'короче', 'э', 'эм', 'um', 'uh', 'er', 'like', 'you know'],
  silenceMs: 5000,
  monologueGapMs: 1500,
  interruptionOverlapMs: 300
}

export interface QaMetrics {
  fillersPerMinute: number
  talkListenRatio: number
  longestMonologueMs: number
  longSilences: number
  interruptions: number
  wordsPerMinute: number
}

export interface QaFinding {
  ruleId: string
  kind: QaRule['kind']
  severity: Severity
  title: string
  message: string
  /** Index in the transcript of the segment that caused it; null for something missing or call-wide. */
  segmentIndex: number | null
  atMs: number | null
  speaker: Speaker | null
  text: string | null
  penalty: number
}

export interface QaScore { score: number; findings: QaFinding[]; metrics: QaMetrics }

// ---- words ----

interface Word { norm: string; stem: string; segmentIndex: number; speaker: Speaker; atMs: number }

const cyrillic = /[а-я]/

/** Lower case, ё as е, letters and digits only. */
export function normaliseWords (text: string): string[] {
  return text.toLowerCase().replace(/ё/g, 'е').split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')
}

const stemCache = new Map<string, string>()
export function stemWord (word: string): string {
  let s = stemCache.get(word)
  if (s === undefined) {
    s = cyrillic.test(word) ? stemRu(word) : stemEn(word)
    if (stemCache.size > 100_000) stemCache.clear()
    stemCache.set(word, s)
  }
  return s
}

/** True when a and b differ by at most one edit (a small misrecognition), for stems long enough to tell. */
function isNear (a: string, b: string): boolean {
  if (a === b) return true
  if (Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  let j = 0
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++
  return a.length - i - j <= 1 && b.length - i - j <= 1
}

/** Words of one speaker (or both), in time order, with where each stem occurs. */
class WordView {
  private readonly positions = new Map<string, number[]>()
  private readonly nearPositions = new Map<string, number[]>()

  constructor (readonly words: Word[], private readonly t: Transcript) {
    words.forEach((w, i) => {
      let list = this.positions.get(w.stem)
      if (list === undefined) this.positions.set(w.stem, (list = []))
      list.push(i)
    })
  }

  /** Sorted positions of the words that count as `stem`. */
  where (stem: string): number[] {
    let out = this.nearPositions.get(stem)
    if (out === undefined) {
      out = [...this.t.near(stem)].flatMap((s) => this.positions.get(s) ?? []).sort((a, b) => a - b)
      this.nearPositions.set(stem, out)
    }
    return out
  }

  /** First index whose word is at or after `ms`. */
  indexAt (ms: number): number {
    let lo = 0
    let hi = this.words.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.words[mid]!.atMs < ms) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** True when the sorted list has a value in [from, to). */
function hasIn (sorted: readonly number[], from: number, to: number): boolean {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < from) lo = mid + 1
    else hi = mid
  }
  return lo < sorted.length && sorted[lo]! < to
}

class Transcript {
  readonly words: Word[] = []
  readonly endMs: number
  /** Distinct stems by length, for tolerant lookup. */
  private readonly byLength = new Map<number, Set<string>>()
  private readonly nearCache = new Map<string, Set<string>>()
  /** Words by their normalised form, for forbidden words and prefixes. */
  readonly byNorm = new Map<string, Word[]>()
  readonly byStem = new Map<string, Word[]>()
  private readonly views = new Map<RuleSpeaker, WordView>()
  private sortedNorms: string[] | null = null

  constructor (readonly segments: readonly Segment[]) {
    let endMs = 0
    segments.forEach((seg, segmentIndex) => {
      const norms = normaliseWords(seg.text)
      const span = Math.max(0, seg.endMs - seg.startMs)
      norms.forEach((norm, k) => {
        const stem = stemWord(norm)
        // Word times are spread evenly over the segment: whisper gives segment times only.
        const word = { norm, stem, segmentIndex, speaker: seg.speaker, atMs: seg.startMs + Math.round((span * k) / Math.max(1, norms.length)) }
        this.words.push(word)
        push(this.byNorm, norm, word)
        push(this.byStem, stem, word)
        let set = this.byLength.get(stem.length)
        if (set === undefined) this.byLength.set(stem.length, (set = new Set()))
        set.add(stem)
      })
      endMs = Math.max(endMs, seg.endMs)
    })
    this.endMs = endMs
  }

  view (speaker: RuleSpeaker): WordView {
    let v = this.views.get(speaker)
    if (v === undefined) {
      const words = this.words.filter((w) => speaker === 'any' || w.speaker === speaker).sort((a, b) => a.atMs - b.atMs)
      this.views.set(speaker, (v = new WordView(words, this)))
    }
    return v
  }

  /** Distinct words starting with `prefix` (binary search over the sorted distinct words). */
  wordsStartingWith (prefix: string): string[] {
    const sorted = (this.sortedNorms ??= [...this.byNorm.keys()].sort())
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid]! < prefix) lo = mid + 1
      else hi = mid
    }
    const out: string[] = []
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++) out.push(sorted[i]!)
    return out
  }

  /** Stems in this transcript that count as `stem` (itself, or one edit away). */
  near (stem: string): Set<string> {
    let out = this.nearCache.get(stem)
    if (out !== undefined) return out
    out = new Set<string>()
    for (const len of [stem.length - 1, stem.length, stem.length + 1]) {
      for (const s of this.byLength.get(len) ?? []) if (isNear(stem, s)) out.add(s)
    }
    this.nearCache.set(stem, out)
    return out
  }
}

const phraseCache = new Map<string, string[]>()
function phraseStems (phrase: string): string[] {
  let s = phraseCache.get(phrase)
  if (s === undefined) {
    s = normaliseWords(phrase).map(stemWord)
    if (phraseCache.size > 100_000) phraseCache.clear()
    phraseCache.set(phrase, s)
  }
  return s
}

function push<K, V> (map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

// ---- rules ----

const defaultWeight = { required: 10, quality: 5 }
const forbiddenWeight: Record<Severity, number> = { severe: 30, warning: 10, info: 3 }
const maxCountedOccurrences = 3

const speaks = (rule: { speaker: RuleSpeaker }, speaker: Speaker): boolean => rule.speaker === 'any' || rule.speaker === speaker

/**
 * Whether the phrase was said between word indexes [lo, hi) of the view: all its words, in any
 * order, within a few words of each other, each word matching in any inflection or with one
 * misrecognised letter.
 */
function isPhraseSaid (view: WordView, lo: number, hi: number, phrase: string): boolean {
  const stems = phraseStems(phrase)
  if (stems.length === 0) return false
  const lists = stems.map((s) => view.where(s))
  if (lists.some((l) => l.length === 0)) return false
  const span = stems.length + 2
  const [first, ...rest] = lists
  for (const p of first!) {
    if (p < lo) continue
    if (p >= hi) break
    if (rest.every((l) => hasIn(l, Math.max(lo, p - span + 1), Math.min(hi, p + span)))) return true
  }
  return false
}

function checkRequired (t: Transcript, rule: RequiredPhraseRule): QaFinding[] {
  const from = rule.lastMs !== undefined ? t.endMs - rule.lastMs : rule.fromMs ?? 0
  const to = rule.lastMs !== undefined ? Number.POSITIVE_INFINITY : rule.toMs ?? Number.POSITIVE_INFINITY
  const view = t.view(rule.speaker)
  const lo = view.indexAt(from)
  const hi = to === Number.POSITIVE_INFINITY ? view.words.length : view.indexAt(to + 1)
  for (const phrase of rule.phrases) if (isPhraseSaid(view, lo, hi, phrase)) return []
  const where = rule.lastMs !== undefined ? `in the last ${rule.lastMs / 1000} s` : to === Number.POSITIVE_INFINITY ? (from > 0 ? `after ${from / 1000} s` : 'during the call') : `between ${from / 1000} s and ${to / 1000} s`
  return [{
    ruleId: rule.ruleId, kind: 'required', severity: 'warning', title: rule.title,
    message: `${rule.speaker === 'any' ? 'nobody' : `the ${rule.speaker}`} did not say ${rule.phrases.map((p) => `"${p}"`).join(' or ')} ${where}`,
    segmentIndex: null, atMs: null, speaker: null, text: null, penalty: rule.weight ?? defaultWeight.required
  }]
}

function checkForbidden (t: Transcript, rule: ForbiddenWordsRule): QaFinding[] {
  const except = new Set((rule.except ?? []).map((w) => w.toLowerCase().replace(/ё/g, 'е')))
  const hits = new Set<Word>()
  for (const w of rule.words) for (const word of t.byStem.get(stemWord(normaliseWords(w)[0] ?? w)) ?? []) hits.add(word)
  for (const p of rule.prefixes ?? []) {
    const prefix = p.toLowerCase().replace(/ё/g, 'е')
    for (const norm of t.wordsStartingWith(prefix)) for (const word of t.byNorm.get(norm)!) hits.add(word)
  }
  const weight = rule.weight ?? forbiddenWeight[rule.severity]
  const out: QaFinding[] = []
  // In the order said.
  const said = [...hits].sort((a, b) => a.segmentIndex - b.segmentIndex || a.atMs - b.atMs)
  for (const w of said) {
    if (!speaks(rule, w.speaker) || except.has(w.norm)) continue
    out.push({
      ruleId: rule.ruleId, kind: 'forbidden', severity: rule.severity, title: rule.title,
      message: `the ${w.speaker} said "${w.norm}"`,
      segmentIndex: w.segmentIndex, atMs: w.atMs, speaker: w.speaker, text: t.segments[w.segmentIndex]!.text,
      penalty: out.length < maxCountedOccurrences ? weight : 0
    })
  }
  return out
}

/** Language-quality measures of the operator's speech. */
export function measureQuality (segments: readonly Segment[], settings: QaSettings = defaultQaSettings): QaMetrics {
  const talk = (who: Speaker): number => segments.filter((s) => s.speaker === who).reduce((n, s) => n + (s.endMs - s.startMs), 0)
  const operatorMs = talk('operator')
  const callerMs = talk('caller')
  const operatorWords = segments.filter((s) => s.speaker === 'operator').map((s) => normaliseWords(s.text))
  const joined = operatorWords.map((w) => ` ${w.join(' ')} `)
  let fillers = 0
  for (const filler of settings.fillers) {
    const needle = ` ${normaliseWords(filler).join(' ')} `
    for (const text of joined) for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) fillers++
  }
  const minutes = operatorMs / 60_000
  let longest = 0
  let run: { speaker: Speaker; startMs: number; endMs: number } | null = null
  let silences = 0
  let interruptions = 0
  let lastEnd: number | null = null
  const open: Segment[] = []
  for (const s of segments) {
    if (run !== null && run.speaker === s.speaker && s.startMs - run.endMs <= settings.monologueGapMs) run.endMs = Math.max(run.endMs, s.endMs)
    else run = { speaker: s.speaker, startMs: s.startMs, endMs: s.endMs }
    longest = Math.max(longest, run.endMs - run.startMs)
    if (lastEnd !== null && s.startMs - lastEnd > settings.silenceMs) silences++
    lastEnd = Math.max(lastEnd ?? 0, s.endMs)
    if (s.speaker === 'operator' && open.some((c) => c.speaker === 'caller' && s.startMs >= c.startMs + settings.interruptionOverlapMs && s.startMs < c.endMs)) interruptions++
    open.push(s)
    while (open.length > 0 && open[0]!.endMs <= s.startMs) open.shift()
  }
  const wordCount = operatorWords.reduce((n, w) => n + w.length, 0)
  const round = (n: number): number => Math.round(n * 100) / 100
  return {
    fillersPerMinute: minutes > 0 ? round(fillers / minutes) : 0,
    talkListenRatio: callerMs > 0 ? round(operatorMs / callerMs) : operatorMs > 0 ? Number.POSITIVE_INFINITY : 0,
    longestMonologueMs: longest,
    longSilences: silences,
    interruptions,
    wordsPerMinute: minutes > 0 ? round(wordCount / minutes) : 0
  }
}

function checkQuality (metrics: QaMetrics, rule: QualityRule): QaFinding[] {
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

/** Checks every rule against the transcript and scores it. */
export function scoreCall (segments: readonly Segment[], rules: readonly QaRule[], settings: QaSettings = defaultQaSettings): QaScore {
  const t = new Transcript(segments)
  const metrics = measureQuality(segments, settings)
  const findings: QaFinding[] = []
  for (const rule of rules) {
    if (rule.kind === 'required') findings.push(...checkRequired(t, rule))
    else if (rule.kind === 'forbidden') findings.push(...checkForbidden(t, rule))
    else findings.push(...checkQuality(metrics, rule))
  }
  const penalty = findings.reduce((n, f) => n + f.penalty, 0)
  return { score: Math.max(0, 100 - penalty), findings, metrics }
}

/** Findings a supervisor hears about at once. */
export const isAlert = (f: QaFinding): boolean => f.severity === 'severe'

/** Checks a rule list from outside (the API): returns the problems, empty when it is usable. */
export function validateRules (rules: readonly QaRule[]): string[] {
  const problems: string[] = []
  const ids = new Set<string>()
  for (const [i, r] of rules.entries()) {
    if (ids.has(r.ruleId)) problems.push(`rules[${i}]: ruleId ${r.ruleId} is used twice`)
    ids.add(r.ruleId)
    if (r.kind === 'required' && r.phrases.every((p) => normaliseWords(p).length === 0)) problems.push(`rules[${i}] (${r.ruleId}): no phrase has a word`)
    if (r.kind === 'forbidden' && r.words.length === 0 && (r.prefixes ?? []).length === 0) problems.push(`rules[${i}] (${r.ruleId}): no words or prefixes`)
    if (r.kind === 'quality' && r.min === undefined && r.max === undefined) problems.push(`rules[${i}] (${r.ruleId}): needs min or max`)
  }
  return problems
}
