// Filler words counted by phrase and by the words around them: "типа" fills, "какого типа" asks a
// type; "как бы" fills, "как бы вам удобно" does not; "like" fills after "was"/"it's", the verb
// ("would you like", "I'd like") does not.
import { normaliseWords } from './text.js'

export interface FillerPhrase {
  phrase: string
  /** Not a filler right after one of these words. */
  notAfter?: string[]
  /** Not a filler right before one of these words. */
  notBefore?: string[]
  /** Not a filler before a word with one of these endings (это самое дешёвое). */
  notBeforeEnding?: string[]
  /** A filler only at the start of a segment or right after one of these words. */
  onlyAfter?: string[]
}

const pronouns = ['вам', 'вас', 'вы', 'тебе', 'тебя', 'ты', 'нам', 'нас', 'мы', 'мне', 'меня', 'я', 'ему', 'его', 'ей', 'ее', 'им', 'их', 'они', 'он', 'она', 'то']
const determinersRu = ['какого', 'такого', 'этого', 'того', 'одного', 'другого', 'нового', 'старого', 'любого', 'разного', 'всякого', 'определенного',
  'данного', 'вашего', 'нашего', 'моего', 'твоего', 'первого', 'второго', 'третьего', 'то', 'двух', 'трех', 'всех', 'разных', 'каких', 'таких', 'этих', 'одного']
const determinersEn = ['what', 'which', 'this', 'that', 'any', 'every', 'some', 'a', 'the', 'one', 'same', 'other', 'each', 'no', 'these', 'those', 'our',
  'your', 'my', 'their', 'his', 'her', 'its', 'different', 'all', 'new', 'right', 'wrong', 'best', 'first', 'only', 'certain', 'another', 'particular']

export const defaultFillers: FillerPhrase[] = [
  { phrase: 'ну' },
  { phrase: 'типа', notAfter: determinersRu },
  { phrase: 'как бы', notBefore: pronouns },
  { phrase: 'это самое', notBeforeEnding: ['ый', 'ое', 'ая', 'ий', 'ие', 'ые', 'ую', 'ого', 'ому', 'ей', 'ой'] },
  { phrase: 'короче', notAfter: ['гораздо', 'намного', 'немного', 'чуть', 'еще', 'значительно', 'будет', 'был', 'была', 'было', 'стал', 'стала', 'немножко'], notBefore: ['чем'] },
  { phrase: 'так сказать' },
  ...['э', 'ээ', 'эээ', 'эм', 'мм', 'ммм', 'um', 'umm', 'uh', 'uhm', 'er', 'erm', 'hmm'].map((phrase) => ({ phrase })),
  { phrase: 'like', onlyAfter: ['is', 'was', 'were', 'are', 's', 're', 'm', 'and', 'so', 'but', 'um', 'uh', 'er', 'like', 'just'], notBefore: ['to', 'i', 'we'] },
  { phrase: 'you know', notAfter: ['do', 'did', 'if', 'as', 'don', 'didn', 'would', 'to', 'let', 'want', 'will', 'll', 'd', 'what'],
    notBefore: ['what', 'how', 'where', 'when', 'which', 'who', 'whether', 'if', 'about', 'the', 'that', 'him', 'her', 'them', 'it', 'anyone', 'someone', 'my', 'your', 'our'] },
  { phrase: 'kind of', notAfter: determinersEn },
  { phrase: 'sort of', notAfter: determinersEn }
]

interface Compiled { words: string[]; notAfter: Set<string>; notBefore: Set<string>; endings: string[]; onlyAfter: Set<string> | null }
const compiledCache = new WeakMap<readonly (string | FillerPhrase)[], Map<string, Compiled[]>>()

/** The fillers by their first word. */
function compile (fillers: readonly (string | FillerPhrase)[]): Map<string, Compiled[]> {
  let c = compiledCache.get(fillers)
  if (c === undefined) {
    const list = fillers.map((f) => {
      const spec = typeof f === 'string' ? { phrase: f } : f
      return {
        words: normaliseWords(spec.phrase), notAfter: new Set(spec.notAfter), notBefore: new Set(spec.notBefore),
        endings: spec.notBeforeEnding ?? [], onlyAfter: spec.onlyAfter === undefined ? null : new Set(spec.onlyAfter)
      }
    }).filter((f) => f.words.length > 0)
    c = new Map()
    for (const f of list) {
      const same = c.get(f.words[0]!)
      if (same === undefined) c.set(f.words[0]!, [f])
      else same.push(f)
    }
    compiledCache.set(fillers, c)
  }
  return c
}

/** Filler phrases in one segment's words, each checked against the words around it. */
export function countFillers (words: readonly string[], fillers: readonly (string | FillerPhrase)[]): number {
  let n = 0
  const byFirst = compile(fillers)
  for (let i = 0; i < words.length; i++) {
    for (const f of byFirst.get(words[i]!) ?? []) {
      if (i + f.words.length > words.length || !f.words.every((w, k) => words[i + k] === w)) continue
      const before = words[i - 1]
      const after = words[i + f.words.length]
      if (before !== undefined && f.notAfter.has(before)) continue
      if (after !== undefined && (f.notBefore.has(after) || f.endings.some((e) => after.endsWith(e)))) continue
      if (f.onlyAfter !== null && before !== undefined && !f.onlyAfter.has(before)) continue
      n++
    }
  }
  return n
}
