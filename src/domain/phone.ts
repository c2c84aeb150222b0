// Pure: caller numbers as carriers send them → E.164, or null when they cannot be a phone number.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'

export interface NormalisedPhone { e164: string | null; raw: string; problem?: string }

export function normalisePhone (raw: string | null | undefined, defaultRegion: string): NormalisedPhone {
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
