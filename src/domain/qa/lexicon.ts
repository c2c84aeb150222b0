// Finding the words of a curated list in a transcript: stems, exact forms, Russian roots behind their
// prefixes, and the few words that count only when said to someone.
import type { LexiconSpec } from './lexicons.js'
import { normaliseWord, normaliseWords, stemWord } from './text.js'

/**
 * What matching a lexicon reads of a transcript's word index (transcript-index.ts's TranscriptIndex
 * has it): named here so that the index may import this module without a cycle.
 */
export interface WordIndex {
  readonly count: number
  readonly norms: readonly string[]
  readonly segmentOf: Int32Array
  readonly startsSentenceOf: Uint8Array
  norm (i: number): string
  stem (i: number): string
  written (i: number): string
  withNorm (norm: string): ArrayLike<number> & Iterable<number>
  withStem (stem: string): ArrayLike<number> & Iterable<number>
}

type Context = 'you' | 'insult' | null
interface Entry { mode: 'stem' | 'exact' | 'root' | 'inside'; value: string; context: Context }
interface PhraseWord { exact: string | null; stem: string }

export interface CompiledLexicon {
  stems: Map<string, Entry>
  exact: Map<string, Entry>
  roots: Entry[]
  inside: Entry[]
  phrases: PhraseWord[][]
  except: Set<string>
  skipNames: boolean
  /** norm → the entry it matches by itself, null for none. */
  cache: Map<string, Entry | null>
}

const ruPrefixes = ['недо', 'пере', 'долбо', 'долба', 'пре', 'при', 'про', 'раз', 'рас', 'под', 'над', 'обо', 'от', 'об', 'вы', 'вз', 'вс', 'из', 'ис',
  'до', 'за', 'на', 'по', 'ни', 'не', 'без', 'бес', 'у', 'о', 'с', 'в']
const vowels = new Set('аеиоуыэюяё')
const cyrillic = /[а-я]/

export function compileLexicon (spec: LexiconSpec): CompiledLexicon {
  const out: CompiledLexicon = { stems: new Map(), exact: new Map(), roots: [], inside: [], phrases: [], except: new Set(spec.except.map(normaliseWord)), skipNames: spec.skipNames === true, cache: new Map() }
  for (const raw of spec.words) {
    const [body, ctx] = raw.split('@') as [string, string | undefined]
    const context: Context = ctx === 'you' || ctx === 'insult' ? ctx : null
    const mark = body[0]!
    const value = normaliseWord(mark === '=' || mark === '^' || mark === '*' ? body.slice(1) : body)
    if (mark === '=') out.exact.set(value, { mode: 'exact', value, context })
    else if (mark === '^') out.roots.push({ mode: 'root', value, context })
    else if (mark === '*') out.inside.push({ mode: 'inside', value, context })
    else out.stems.set(stemWord(value), { mode: 'stem', value, context })
  }
  for (const phrase of spec.phrases) {
    out.phrases.push(phrase.split(/\s+/).map((w) => {
      const exact = w.startsWith('=') ? normaliseWord(w.slice(1)) : null
      const norm = exact ?? normaliseWords(w)[0] ?? w
      return { exact, stem: stemWord(norm) }
    }))
  }
  return out
}

/** The remainders of a Russian word once up to two known prefixes are taken off (the word itself first). */
function withoutPrefixes (word: string, depth = 0, out: string[] = [word]): string[] {
  if (depth >= 2) return out
  for (const p of ruPrefixes) {
    if (!word.startsWith(p) || word.length - p.length < 3) continue
    let rest = word.slice(p.length)
    const consonantEnd = !vowels.has(p[p.length - 1]!)
    if (rest[0] === 'ъ' || rest[0] === 'ь') {
      if (!consonantEnd) continue
      rest = rest.slice(1)
    } else if (consonantEnd && vowels.has(rest[0]!)) continue // себе, вебинар: no hard sign, no prefix
    out.push(rest)
    withoutPrefixes(rest, depth + 1, out)
  }
  return out
}

/** The entry this word matches by its letters alone, or null. */
export function matchWord (lex: CompiledLexicon, norm: string): Entry | null {
  const cached = lex.cache.get(norm)
  if (cached !== undefined) return cached
  let found: Entry | null = null
  if (!lex.except.has(norm)) {
    found = lex.exact.get(norm) ?? lex.stems.get(stemWord(norm)) ?? lex.inside.find((e) => norm.includes(e.value)) ?? null
    if (found === null && (lex.roots.length > 0 || lex.exact.size > 0)) {
      const rests = cyrillic.test(norm) ? withoutPrefixes(norm) : [norm]
      for (const rest of rests) {
        found = lex.roots.find((e) => rest.startsWith(e.value)) ?? (rest !== norm ? lex.exact.get(rest) ?? null : null)
        if (found !== null) break
      }
    }
  }
  if (lex.cache.size > 50_000) lex.cache.clear()
  lex.cache.set(norm, found)
  return found
}

const addressed = new Set(['ты', 'вы', 'you', 'your', 'youre'])
const insultLead = new Set(['a', 'you', 'such', 'total', 'big', 'little'])

/** Whether the word at position i, matched by letters, also stands where it counts. */
function inContext (e: Entry, t: WordIndex, i: number): boolean {
  if (e.context === null) return true
  const segment = t.segmentOf[i]!
  const before = (k: number): string => i - k >= 0 && t.segmentOf[i - k] === segment ? t.norm(i - k) : ''
  if (e.context === 'insult') { const w = t.written(i); return w === w.toLowerCase() && insultLead.has(before(1)) }
  if (i + 1 < t.count && t.segmentOf[i + 1] === segment && (t.norm(i + 1) === 'ты' || t.norm(i + 1) === 'вы')) return true
  return [1, 2, 3].some((k) => addressed.has(before(k)))
}

/** Capitalised inside a sentence: a name or a title («Идиот» Достоевского, Mr. Dick), not an insult. */
const isName = (t: WordIndex, i: number): boolean => { const w = t.written(i); return t.startsSentenceOf[i] === 0 && w[0] !== w[0]!.toLowerCase() }

function phraseWordMatches (p: PhraseWord, t: WordIndex, i: number): boolean {
  return p.exact !== null ? t.norm(i) === p.exact : t.stem(i) === p.stem
}

/** Positions of the words of the transcript that the list finds, in the order said (for a phrase, its first word). */
export function findLexicon (lex: CompiledLexicon, t: WordIndex): number[] {
  const hits = new Set<number>()
  for (const norm of t.norms) {
    const e = matchWord(lex, norm)
    if (e === null) continue
    for (const i of t.withNorm(norm)) if (inContext(e, t, i) && !(lex.skipNames && isName(t, i))) hits.add(i)
  }
  for (const phrase of lex.phrases) {
    const first = phrase[0]!
    for (const i of first.exact !== null ? t.withNorm(first.exact) : t.withStem(first.stem)) {
      let at = i
      const ok = phrase.slice(1).every((p) => {
        for (let k = at + 1; k <= at + 3 && k < t.count && t.segmentOf[k] === t.segmentOf[i]; k++) {
          if (phraseWordMatches(p, t, k)) { at = k; return true }
        }
        return false
      })
      if (ok) hits.add(i)
    }
  }
  return [...hits].sort((a, b) => a - b)
}
