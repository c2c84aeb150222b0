// A transcript indexed for the checks: its words in order, by form and by stem, per speaker, and
// the curated lists found in it (each looked up once per transcript, whatever the number of rules).
// Words are positions (0…count−1) into columns of numbers, not objects: an hour holds ~20,000 words
// and one object each, with lists per form and per stem, made the index cost more than all the rules.
// Each distinct form is lowered and stemmed once per transcript.
import type { Segment } from '../transcript.js'
import { compileLexicon, findLexicon, type CompiledLexicon } from './lexicon.js'
import { lexicons, type LexiconId } from './lexicons.js'
import { forEachWrittenWord, isNear, normaliseWord, stemWord } from './text.js'
import type { RuleSpeaker } from './types.js'

const compiled = new Map<LexiconId, CompiledLexicon>()
function lexicon (id: LexiconId): CompiledLexicon {
  let c = compiled.get(id)
  if (c === undefined) compiled.set(id, (c = compileLexicon(lexicons[id])))
  return c
}

/** A phrase word: a stem (any inflection, one misrecognised letter) or, written with `*`, a beginning. */
export type Term = { stem: string; prefix?: undefined } | { prefix: string; stem?: undefined }

const noPositions: readonly number[] = []

/** Lists of positions grouped by a key id, in one array (offsets[id] … offsets[id + 1]). */
class Groups {
  private readonly offsets: Int32Array
  private readonly items: Int32Array
  constructor (keyOf: Int32Array, count: number, keys: number) {
    this.offsets = new Int32Array(keys + 1)
    for (let i = 0; i < count; i++) this.offsets[keyOf[i]! + 1]!++
    for (let k = 0; k < keys; k++) this.offsets[k + 1]! += this.offsets[k]!
    const next = this.offsets.slice(0, keys)
    this.items = new Int32Array(count)
    for (let i = 0; i < count; i++) this.items[next[keyOf[i]!]!++] = i
  }

  /** Positions with this key, ascending. */
  of (key: number): Int32Array { return this.items.subarray(this.offsets[key]!, this.offsets[key + 1]!) }
}

/** Words of one speaker (or both), in time order, with where each term occurs. */
export class WordView {
  private readonly termPositions = new Map<string, number[]>()

  /** `positions[p]`: the transcript position of the view's word p; `placeOf` the reverse (−1: not in the view). */
  constructor (readonly positions: Int32Array, private readonly placeOf: Int32Array, private readonly t: TranscriptIndex) {}

  get length (): number { return this.positions.length }

  /** Sorted places (in this view) of the words that count as the term. */
  where (term: Term): number[] {
    const key = term.prefix !== undefined ? `*${term.prefix}` : term.stem
    let out = this.termPositions.get(key)
    if (out === undefined) {
      const stems = term.prefix !== undefined ? this.t.stemsOfWordsStartingWith(term.prefix) : this.t.near(term.stem)
      out = []
      for (const s of stems) {
        for (const i of this.t.withStem(s)) {
          const p = this.placeOf[i]!
          if (p >= 0) out.push(p)
        }
      }
      out.sort((a, b) => a - b)
      this.termPositions.set(key, out)
    }
    return out
  }

  /** Sentence number of the view's word p. */
  sentenceAt (p: number): number { return this.t.sentenceOf[this.positions[p]!]! }

  /** First place whose word is at or after `ms`. */
  indexAt (ms: number): number {
    let lo = 0
    let hi = this.positions.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.t.atMsOf[this.positions[mid]!]! < ms) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

export class TranscriptIndex {
  /** Number of words. */
  readonly count: number
  readonly endMs: number
  /** Per word (by position): its form's id, segment, sentence number, time, start in its segment's text. */
  readonly normIdOf: Int32Array
  readonly segmentOf: Int32Array
  readonly sentenceOf: Int32Array
  readonly atMsOf: Float64Array
  /** Per word: 1 when it opens a sentence (first of its segment or after . ! ? …). */
  readonly startsSentenceOf: Uint8Array
  private readonly startOf: Int32Array
  private readonly lengthOf: Int32Array
  /** Distinct normalised forms (by id), their stems' ids, and the distinct stems (by id). */
  readonly norms: string[] = []
  private readonly stemIdOfNorm: number[] = []
  private readonly stems: string[] = []
  private readonly normIds = new Map<string, number>()
  private readonly stemIds = new Map<string, number>()
  private readonly byNorm: Groups
  private readonly byStem: Groups
  /** Distinct stems by their first two letters, for tolerant lookup. */
  private readonly stemsByOpening = new Map<string, string[]>()
  private readonly nearCache = new Map<string, Set<string>>()
  private readonly views = new Map<RuleSpeaker, WordView>()
  private readonly found = new Map<LexiconId, number[]>()
  /** Distinct forms by their first letter, and the forms found for each beginning asked for. */
  private readonly normsByInitial = new Map<string, string[]>()
  private readonly startingWith = new Map<string, string[]>()
  /** Normalised words of each segment. */
  readonly segmentWords: string[][] = []

  constructor (readonly segments: readonly Segment[]) {
    const normIdOf: number[] = []
    const segmentOf: number[] = []
    const sentenceOf: number[] = []
    const atMsOf: number[] = []
    const startsSentenceOf: number[] = []
    const startOf: number[] = []
    const lengthOf: number[] = []
    const written = new Map<string, number>()
    let endMs = 0
    let sentence = -1
    for (let segmentIndex = 0; segmentIndex < segments.length; segmentIndex++) {
      const seg = segments[segmentIndex]!
      const first = normIdOf.length
      const norms: string[] = []
      this.segmentWords.push(norms)
      forEachWrittenWord(seg.text, (w, startsSentence, start) => {
        if (startsSentence) sentence++
        let id = written.get(w)
        if (id === undefined) written.set(w, (id = this.normId(normaliseWord(w))))
        norms.push(this.norms[id]!)
        normIdOf.push(id)
        segmentOf.push(segmentIndex)
        sentenceOf.push(sentence)
        startsSentenceOf.push(startsSentence ? 1 : 0)
        startOf.push(start)
        lengthOf.push(w.length)
      })
      // Word times are spread evenly over the segment: whisper gives segment times only.
      const n = normIdOf.length - first
      const span = Math.max(0, seg.endMs - seg.startMs)
      for (let k = 0; k < n; k++) atMsOf.push(seg.startMs + Math.round((span * k) / Math.max(1, n)))
      endMs = Math.max(endMs, seg.endMs)
    }
    this.endMs = endMs
    this.count = normIdOf.length
    this.normIdOf = Int32Array.from(normIdOf)
    this.segmentOf = Int32Array.from(segmentOf)
    this.sentenceOf = Int32Array.from(sentenceOf)
    this.atMsOf = Float64Array.from(atMsOf)
    this.startsSentenceOf = Uint8Array.from(startsSentenceOf)
    this.startOf = Int32Array.from(startOf)
    this.lengthOf = Int32Array.from(lengthOf)
    this.byNorm = new Groups(this.normIdOf, this.count, this.norms.length)
    const stemIdOf = new Int32Array(this.count)
    for (let i = 0; i < this.count; i++) stemIdOf[i] = this.stemIdOfNorm[this.normIdOf[i]!]!
    this.byStem = new Groups(stemIdOf, this.count, this.stems.length)
  }

  private normId (norm: string): number {
    let id = this.normIds.get(norm)
    if (id !== undefined) return id
    id = this.norms.length
    this.normIds.set(norm, id)
    this.norms.push(norm)
    const same = this.normsByInitial.get(norm[0]!)
    if (same === undefined) this.normsByInitial.set(norm[0]!, [norm])
    else same.push(norm)
    const stem = stemWord(norm)
    let stemId = this.stemIds.get(stem)
    if (stemId === undefined) {
      this.stemIds.set(stem, (stemId = this.stems.length))
      this.stems.push(stem)
      const opening = stem.slice(0, 2)
      const same = this.stemsByOpening.get(opening)
      if (same === undefined) this.stemsByOpening.set(opening, [stem])
      else same.push(stem)
    }
    this.stemIdOfNorm.push(stemId)
    return id
  }

  norm (i: number): string { return this.norms[this.normIdOf[i]!]! }
  stem (i: number): string { return this.stems[this.stemIdOfNorm[this.normIdOf[i]!]!]! }
  speaker (i: number): Segment['speaker'] { return this.segments[this.segmentOf[i]!]!.speaker }
  /** The word as written by the recogniser (case kept, ё as е). */
  written (i: number): string {
    const text = this.segments[this.segmentOf[i]!]!.text
    return text.slice(this.startOf[i]!, this.startOf[i]! + this.lengthOf[i]!).replace(/ё/g, 'е').replace(/Ё/g, 'Е')
  }

  /** Positions of the words with this normalised form (ascending). */
  withNorm (norm: string): ArrayLike<number> & Iterable<number> {
    const id = this.normIds.get(norm)
    return id === undefined ? noPositions : this.byNorm.of(id)
  }

  /** Positions of the words with this stem (ascending). */
  withStem (stem: string): ArrayLike<number> & Iterable<number> {
    const id = this.stemIds.get(stem)
    return id === undefined ? noPositions : this.byStem.of(id)
  }

  view (speaker: RuleSpeaker): WordView {
    let v = this.views.get(speaker)
    if (v === undefined) {
      const chosen: number[] = []
      let sorted = true
      for (let i = 0; i < this.count; i++) {
        if (speaker !== 'any' && this.speaker(i) !== speaker) continue
        if (chosen.length > 0 && this.atMsOf[chosen[chosen.length - 1]!]! > this.atMsOf[i]!) sorted = false
        chosen.push(i)
      }
      // In time order; words said at the same moment keep their order in the transcript.
      if (!sorted) chosen.sort((a, b) => this.atMsOf[a]! - this.atMsOf[b]! || a - b)
      const positions = Int32Array.from(chosen)
      const placeOf = new Int32Array(this.count).fill(-1)
      for (let p = 0; p < positions.length; p++) placeOf[positions[p]!] = p
      this.views.set(speaker, (v = new WordView(positions, placeOf, this)))
    }
    return v
  }

  /** Positions of the words of a curated list said in this transcript (by anyone), in the order said. */
  lexiconHits (id: LexiconId): number[] {
    let hits = this.found.get(id)
    if (hits === undefined) this.found.set(id, (hits = findLexicon(lexicon(id), this)))
    return hits
  }

  /** Distinct words starting with `prefix`. */
  wordsStartingWith (prefix: string): string[] {
    let out = this.startingWith.get(prefix)
    if (out === undefined) {
      const candidates = prefix === '' ? this.norms : this.normsByInitial.get(prefix[0]!) ?? []
      this.startingWith.set(prefix, (out = candidates.filter((n) => n.startsWith(prefix))))
    }
    return out
  }

  stemsOfWordsStartingWith (prefix: string): Set<string> {
    return new Set(this.wordsStartingWith(prefix).map((n) => this.stems[this.stemIdOfNorm[this.normIds.get(n)!]!]!))
  }

  /** Stems in this transcript that count as `stem` (itself, or one edit away: same first two letters, see isNear). */
  near (stem: string): Set<string> {
    let out = this.nearCache.get(stem)
    if (out !== undefined) return out
    out = new Set<string>()
    if (this.stemIds.has(stem)) out.add(stem)
    for (const s of this.stemsByOpening.get(stem.slice(0, 2)) ?? []) if (isNear(stem, s)) out.add(s)
    this.nearCache.set(stem, out)
    return out
  }
}
