// Whether a new password is good enough, and if not, why in words: a minimum length, no control
// characters, and zxcvbn's estimate of how hard it is to guess (common passwords, names, keyboard
// walks, repeats, dates, the user's own name).
import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import { hasControlChars } from './text.js'

export const minPasswordLength = 10
export const maxPasswordLength = 200
/** zxcvbn's score runs 0–4; 3 is "safely unguessable: moderate protection from offline attacks". */
export const minPasswordScore = 3

zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs })

export type PasswordVerdict = { ok: true } | { ok: false; reason: string }

/** `personal`: the username, display name… that a password must not simply repeat. */
export function judgePassword (password: string, personal: readonly string[] = []): PasswordVerdict {
  if (password.length < minPasswordLength) return { ok: false, reason: `must be at least ${minPasswordLength} characters` }
  if (password.length > maxPasswordLength) return { ok: false, reason: `must be at most ${maxPasswordLength} characters` }
  if (hasControlChars(password)) return { ok: false, reason: 'must not contain control characters (NUL, tab, newline…)' }
  const result = zxcvbn(password, personal.filter((p) => p !== ''))
  if (result.score >= minPasswordScore) return { ok: true }
  const why = result.feedback.warning === null || result.feedback.warning === '' ? '' : ` (${words(result.feedback.warning)})`
  return { ok: false, reason: `is too easy to guess${why}: strength ${result.score} of 4, at least ${minPasswordScore} is needed; use a longer phrase of unrelated words` }
}

const warnings: Record<string, string> = {
  userInputs: "it contains the user's own name",
  simpleRepeat: 'a repeated character',
  extendedRepeat: 'a repeated pattern',
  sequences: 'a sequence like abc or 123',
  straightRow: 'a row of keys',
  keyPattern: 'a keyboard pattern',
  recentYears: 'a recent year',
  dates: 'a date',
  topTen: 'one of the ten most common passwords',
  topHundred: 'one of the hundred most common passwords',
  common: 'a common password',
  similarToCommon: 'close to a common password',
  wordByItself: 'a single word',
  namesByThemselves: 'a name by itself',
  commonNames: 'a common name'
}

/** zxcvbn's untranslated warning keys (`simpleRepeat`) in words. */
const words = (key: string): string => warnings[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
