// A transcript indexed for the checks: its words in order, by form and by stem, per speaker, and
// the curated lists found in it (each looked up once per transcript, whatever the number of rules).
import type { Segment } from '../transcript.js'
import { compileLexicon, findLexicon, type CompiledLexicon, type Word } from './lexicon.js'
import { lexicons, type LexiconId } from './lexicons.js'
import { isNear, lowerBound, normaliseWord, stemWord, writtenWords } from './text.js'
import type { RuleSpeaker } from './types.js'

const compiled = new Map<LexiconId, CompiledLexicon>()
function lexicon (id: LexiconId): CompiledLexicon {
  let c = compiled.get(id)
  if (c === undefined) compiled.set(id, (c = compileLexicon(lexicons[id])))
  return c
}

/** A phrase word: a stem (any inflection, one misrecognised letter) or, written with `*`, a beginning. */
export type Term = { stem: string; prefix?: undefined } | { prefix: string; stem?: undefined }

/** Words of one speaker (or both), in time order, with where each term occurs. */
export class WordView {
  private readonly positions = new Map<string, number[]>()
  private readonly termPositions = new Map<string, number[]>()

  constructor (readonly words: Word[], private readonly t: TranscriptIndex) {
    words.forEach((w, i) => {
      let list = this.positions.get(w.stem)
      if (list === undefined) this.positions.set(w.stem, (list = []))
      list.push(i)
    })
  }

  /** Sorted positions (in this view) of the words that count as the term. */
  where (term: Term): number[] {
    const key = term.prefix !== undefined ? `*${term.prefix}` : term.stem
    let out = this.termPositions.get(key)
    if (out === undefined) {
      const stems = term.prefix !== undefined ? this.t.stemsOfWordsStartingWith(term.prefix) : this.t.near(term.stem)
      out = [...stems].flatMap((s) => this.positions.get(s) ?? []).sort((a, b) => a - b)
      this.termPositions.set(key, out)
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

export class TranscriptIndex {
  readonly words: Word[] = []
  readonly endMs: number
  readonly byNorm = new Map<string, Word[]>()
  readonly byStem = new Map<string, Word[]>()
  /** Distinct stems by length, for tolerant lookup. */
  private readonly byLength = new Map<number, Set<string>>()
  private readonly nearCache = new Map<string, Set<string>>()
  private readonly views = new Map<RuleSpeaker, WordView>()
  private readonly found = new Map<LexiconId, Word[]>()
  private sortedNorms: string[] | null = null
  /** Normalised words of each segment. */
  readonly segmentWords: string[][] = []

  constructor (readonly segments: readonly Segment[]) {
    let endMs = 0
    let sentence = -1
    segments.forEach((seg, segmentIndex) => {
      const written = writtenWords(seg.text)
      const norms: string[] = []
      this.segmentWords.push(norms)
      const span = Math.max(0, seg.endMs - seg.startMs)
      written.forEach(({ word: w, startsSentence }, k) => {
        if (startsSentence) sentence++
        const norm = normaliseWord(w)
        norms.push(norm)
        const stem = stemWord(norm)
        // Word times are spread evenly over the segment: whisper gives segment times only.
        const word: Word = { norm, stem, written: w, startsSentence, sentence, index: this.words.length, segmentIndex, speaker: seg.speaker, atMs: seg.startMs + Math.round((span * k) / Math.max(1, written.length)) }
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

  /** Words of a curated list said in this transcript (by anyone), in the order said. */
  lexiconHits (id: LexiconId): Word[] {
    let hits = this.found.get(id)
    if (hits === undefined) this.found.set(id, (hits = findLexicon(lexicon(id), this.words, this.byNorm, this.byStem)))
    return hits
  }

  /** Distinct words starting with `prefix` (binary search over the sorted distinct words). */
  wordsStartingWith (prefix: string): string[] {
    const sorted = (this.sortedNorms ??= [...this.byNorm.keys()].sort())
    const out: string[] = []
    for (let i = lowerBound(sorted, prefix); i < sorted.length && sorted[i]!.startsWith(prefix); i++) out.push(sorted[i]!)
    return out
  }

  stemsOfWordsStartingWith (prefix: string): Set<string> {
    return new Set(this.wordsStartingWith(prefix).map((n) => this.byNorm.get(n)![0]!.stem))
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

function push<K, V> (map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}
