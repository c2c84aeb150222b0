// Words of speech as the checks see them: lower case, ё as е, letters and digits only, each with its
// Snowball stem (Russian or English by its letters).
import { stemmer as stemRu } from '@orama/stemmers/russian'
import { stemmer as stemEn } from '@orama/stemmers/english'

const cyrillic = /[а-я]/

/** Lower case, ё as е, letters and digits only. */
export function normaliseWords (text: string): string[] {
  return text.toLowerCase().replace(/ё/g, 'е').split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')
}

/** The words as written (case kept, ё as е), split the same way as normaliseWords, each knowing whether it opens a sentence. */
export function writtenWords (text: string): Array<{ word: string; startsSentence: boolean }> {
  const out: Array<{ word: string; startsSentence: boolean }> = []
  forEachWrittenWord(text, (word, startsSentence) => { out.push({ word, startsSentence }) })
  return out
}

/**
 * Calls `each` for every word as written (case kept, ё as е), split as normaliseWords splits (runs
 * of letters and digits), with whether it opens a sentence. A scan over the characters: the index
 * of an hour's transcript splits 1,800 texts, where a Unicode-class regex split cost more than the
 * rest of the indexing.
 */
export function forEachWrittenWord (text: string, each: (word: string, startsSentence: boolean, start: number) => void): void {
  const s = text.includes('ё') || text.includes('Ё') ? text.replace(/ё/g, 'е').replace(/Ё/g, 'Е') : text
  let ended = true
  let start = -1
  for (let i = 0; i < s.length;) {
    const c = s.codePointAt(i)!
    const size = c > 0xffff ? 2 : 1
    if (isWordChar(c)) {
      if (start < 0) start = i
    } else {
      if (start >= 0) { each(s.slice(start, i), ended, start); ended = false; start = -1 }
      if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2026) ended = true
    }
    i += size
  }
  if (start >= 0) each(s.slice(start), ended, start)
}

const wordCharRe = /^[\p{L}\p{N}]$/u
/** For each BMP code point: 0 not looked at yet, 1 a letter or digit, 2 neither. */
const wordCharTable = new Uint8Array(0x10000)
const astralWordChars = new Map<number, boolean>()

/** Whether the code point is a letter or a digit (\p{L} or \p{N}), as the regex sees it. */
export function isWordChar (c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
  if (c <= 0xffff) {
    let k = wordCharTable[c]!
    // A lone surrogate is no letter (the regex with the u flag sees it as a code point of its own).
    if (k === 0) wordCharTable[c] = k = (c < 0xd800 || c > 0xdfff) && wordCharRe.test(String.fromCharCode(c)) ? 1 : 2
    return k === 1
  }
  let known = astralWordChars.get(c)
  if (known === undefined) astralWordChars.set(c, (known = wordCharRe.test(String.fromCodePoint(c))))
  return known
}

export const normaliseWord = (word: string): string => word.toLowerCase().replace(/ё/g, 'е')

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

/**
 * True when a and b differ by at most one edit (a small misrecognition) after the same first two
 * letters, for stems long enough to tell: здраствуйте is здравствуйте, but привет is not привез(ём)
 * and доставит is not поставит.
 */
export function isNear (a: string, b: string): boolean {
  if (a === b) return true
  if (Math.min(a.length, b.length) < 7 || Math.abs(a.length - b.length) > 1 || a[0] !== b[0] || a[1] !== b[1]) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  let j = 0
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++
  return a.length - i - j <= 1 && b.length - i - j <= 1
}

/** Lowest index in the sorted list whose value is ≥ x. */
export function lowerBound<T> (sorted: readonly T[], x: T): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}
