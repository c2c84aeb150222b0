// Pure: caller numbers as carriers send them → E.164, or null when they cannot be a phone number.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'

export interface NormalisedPhone { e164: string | null; raw: string; problem?: string }

/**
 * Answers already worked out, by region and number: a call's number is parsed when it rings and its
 * E.164 form again when the call's lead is written (libphonenumber: ~0.1 ms each). Bounded; the
 * oldest go first.
 */
const known = new Map<string, Readonly<NormalisedPhone>>()
const KNOWN_MAX = 5000

function remember (key: string, answer: NormalisedPhone): Readonly<NormalisedPhone> {
  if (known.size >= KNOWN_MAX) known.delete(known.keys().next().value as string)
  const frozen = Object.freeze(answer)
  known.set(key, frozen)
  return frozen
}

export function normalisePhone (raw: string | null | undefined, defaultRegion: string): Readonly<NormalisedPhone> {
  const key = `${defaultRegion}\n${raw ?? ''}`
  const hit = known.get(key)
  if (hit !== undefined) return hit
  const answer = remember(key, parse(raw, defaultRegion))
  // The E.164 form normalises to itself.
  if (answer.e164 !== null && answer.e164 !== answer.raw) remember(`${defaultRegion}\n${answer.e164}`, { e164: answer.e164, raw: answer.e164 })
  return answer
}

/** The answer for a number parsed before, without parsing it; undefined when it was not. */
export function knownPhone (raw: string | null | undefined, defaultRegion: string): Readonly<NormalisedPhone> | undefined {
  return known.get(`${defaultRegion}\n${raw ?? ''}`)
}

/**
 * The E.164 form of a number written the way carriers most often send it, without libphonenumber:
 * "+" and 8 to 15 digits as it is; in Russia 7 or 8 and ten digits as +7 and the ten. null for any
 * other form. It is what the full parse gives for these forms but for rare numbers (a national
 * prefix kept after the country code, a length the country does not have), so it only stands in
 * until the full parse has run: the call's first ring is planned with it, and the parse follows
 * once the operator's phone rings (a first parse of a number costs ~0.2 ms on a busy daemon).
 */
export function plainE164 (raw: string | null | undefined, defaultRegion: string): string | null {
  const given = (raw ?? '').trim()
  if (/^\+[1-9]\d{7,14}$/.test(given)) return given
  if (defaultRegion === 'RU' && /^[78]\d{10}$/.test(given)) return `+7${given.slice(1)}`
  return null
}

function parse (raw: string | null | undefined, defaultRegion: string): NormalisedPhone {
  const given = (raw ?? '').trim()
  if (given === '' || /^(anonymous|unknown|restricted|private)$/i.test(given)) {
    return { e164: null, raw: given, problem: 'caller id withheld' }
  }
  const digits = given.replace(/[\s()\-.]/g, '')
  if (!/^\+?\d{3,17}$/.test(digits)) return { e164: null, raw: given, problem: 'not a phone number' }
  // Russian carriers often send 8XXXXXXXXXX or 7XXXXXXXXXX without '+'.
  let candidate = digits
  if (!candidate.startsWith('+') && defaultRegion === 'RU' && /^[78]\d{10}$/.test(candidate)) candidate = `+7${candidate.slice(1)}`
  const parsed = parsePhoneNumberFromString(candidate, defaultRegion as CountryCode)
  if (parsed === undefined || !parsed.isPossible()) {
    if (!candidate.startsWith('+')) {
      const international = parsePhoneNumberFromString(`+${candidate}`)
      if (international?.isPossible()) return { e164: international.number, raw: given }
    }
    return { e164: null, raw: given, problem: 'not a possible phone number' }
  }
  return { e164: parsed.number, raw: given }
}
