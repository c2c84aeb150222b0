// Finding the words of a curated list in a transcript: stems, exact forms, Russian roots behind their
// prefixes, and the few words that count only when said to someone.
import type { LexiconSpec } from './lexicons.js'
import { normaliseWord, normaliseWords, stemWord } from './text.js'

/** One word of the transcript, with where it was said. */
export interface Word {
  norm: string
  stem: string
  /** As written by the recogniser (case kept). */
  written: string
  /** First word of its segment or after . ! ? … */
  startsSentence: boolean
  /** Number of its sentence in the transcript. */
  sentence: number
  /** Position in the transcript's word list. */
  index: number
  segmentIndex: number
  speaker: 'caller' | 'operator'
  atMs: number
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

/** Whether the word, matched by letters, also stands where it counts. */
function inContext (e: Entry, words: readonly Word[], w: Word): boolean {
  if (e.context === null) return true
  const before = (k: number): Word | undefined => { const p = words[w.index - k]; return p?.segmentIndex === w.segmentIndex ? p : undefined }
  if (e.context === 'insult') return w.written === w.written.toLowerCase() && insultLead.has(before(1)?.norm ?? '')
  const after = words[w.index + 1]
  if (after?.segmentIndex === w.segmentIndex && (after.norm === 'ты' || after.norm === 'вы')) return true
  return [1, 2, 3].some((k) => addressed.has(before(k)?.norm ?? ''))
}

/** Capitalised inside a sentence: a name or a title («Идиот» Достоевского, Mr. Dick), not an insult. */
const isName = (w: Word): boolean => !w.startsSentence && w.written[0] !== w.written[0]!.toLowerCase()

function phraseWordMatches (p: PhraseWord, w: Word): boolean {
  return p.exact !== null ? w.norm === p.exact : w.stem === p.stem
}

/**
 * The words of the transcript that the list finds, in the order said (for a phrase, its first word).
 * `byNorm` and `byStem` list the transcript's words by their normalised form and by their stem.
 */
export function findLexicon (lex: CompiledLexicon, words: readonly Word[], byNorm: ReadonlyMap<string, readonly Word[]>, byStem: ReadonlyMap<string, readonly Word[]>): Word[] {
  const hits = new Set<Word>()
  for (const [norm, occurrences] of byNorm) {
    const e = matchWord(lex, norm)
    if (e === null) continue
    for (const w of occurrences) if (inContext(e, words, w) && !(lex.skipNames && isName(w))) hits.add(w)
  }
  for (const phrase of lex.phrases) {
    const first = phrase[0]!
    for (const w of (first.exact !== null ? byNorm.get(first.exact) : byStem.get(first.stem)) ?? []) {
      let at = w.index
      const ok = phrase.slice(1).every((p) => {
        for (let k = at + 1; k <= at + 3 && k < words.length && words[k]!.segmentIndex === w.segmentIndex; k++) {
          if (phraseWordMatches(p, words[k]!)) { at = k; return true }
        }
        return false
      })
      if (ok) hits.add(w)
    }
  }
  return [...hits].sort((a, b) => a.index - b.index)
}
