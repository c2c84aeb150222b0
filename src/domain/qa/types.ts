// The shapes of script QA: rules (data, stored per category), findings and measures.
import type { Speaker } from '../transcript.js'
import type { LexiconId } from './lexicons.js'

export type Severity = 'info' | 'warning' | 'severe'
export type RuleSpeaker = Speaker | 'any'

export interface RequiredPhraseRule {
  kind: 'required'
  ruleId: string
  title: string
  speaker: RuleSpeaker
  /** Synonyms: any one of them said counts. A word ending in `*` matches every word it begins. */
  phrases: string[]
  /** Window from the start of the call, in ms. */
  fromMs?: number
  toMs?: number
  /** Window counted back from the end of the call instead ("says goodbye" in the last 20 s). */
  lastMs?: number
  /** When given, a phrase counts only in a sentence that also has one of these words ("доставка" with "можем", "завтра", "бесплатно"). */
  withAny?: string[]
  weight?: number
}

export interface ForbiddenWordsRule {
  kind: 'forbidden'
  ruleId: string
  title: string
  speaker: RuleSpeaker
  /** Curated built-in lists (inflections, prefixed forms and look-alikes handled). */
  lexicons?: LexiconId[]
  /** Dictionary forms; every inflected form matches (same stem). */
  words: string[]
  /** Word beginnings for derived words (a word starting with one matches). */
  prefixes?: string[]
  /** Words that look like a match and are not (checked on the normalised word). */
  except?: string[]
  severity: Severity
  weight?: number
}

/**
 * The customer swearing, insulting or angry: an alert for the supervisor. Its findings have kind
 * `customer` and cost the operator nothing.
 */
export interface CustomerSignalRule {
  kind: 'customer'
  ruleId: string
  title: string
  lexicons?: LexiconId[]
  words?: string[]
}

export type QualityMetric = 'fillersPerMinute' | 'talkListenRatio' | 'longestMonologueMs' | 'longSilences' | 'interruptions' | 'wordsPerMinute'

export interface QualityRule {
  kind: 'quality'
  ruleId: string
  title: string
  metric: QualityMetric
  min?: number
  max?: number
  /** Checked only when the two parties spoke at least this long in all (a ratio of a few seconds says nothing). */
  minSpeechMs?: number
  weight?: number
}

export type QaRule = RequiredPhraseRule | ForbiddenWordsRule | CustomerSignalRule | QualityRule

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

export interface QaMetrics {
  fillersPerMinute: number
  talkListenRatio: number
  longestMonologueMs: number
  longSilences: number
  interruptions: number
  wordsPerMinute: number
  /** Both parties' speech, in ms. */
  speechMs: number
}

export interface QaScore { score: number; findings: QaFinding[]; metrics: QaMetrics }
