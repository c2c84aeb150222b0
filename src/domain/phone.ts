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
