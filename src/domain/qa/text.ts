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
  // Split once, keeping the separators (odd places) to see where sentences end.
  const parts = text.replace(/ё/g, 'е').replace(/Ё/g, 'Е').split(/([^\p{L}\p{N}]+)/u)
  let ended = true
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (i % 2 === 1) { if (/[.!?…]/.test(part)) ended = true; continue }
    if (part === '') continue
    out.push({ word: part, startsSentence: ended })
    ended = false
  }
  return out
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
