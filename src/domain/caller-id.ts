// Pure: the caller id a phone shows when we ring it. Names come from customers, web forms and
// carriers; inside the quoted display name of a SIP From header a quote, a backslash or a line
// break breaks the header, and bidi marks reorder or hide what the operator reads.

/** Removed outright: bidi marks and isolates, zero-width and other format characters, quotes, backslashes, angle brackets. */
const dropped = /[\p{Cf}\p{Cs}"\\<>]/gu
/** Become a space: control characters (tabs, line breaks) and line or paragraph separators. */
const spaced = /[\p{Cc}\p{Zl}\p{Zp}]/gu

/** A display name safe to quote in SIP: cleaned, whitespace collapsed, at most `maxChars` characters. */
export function sipDisplayName (text: string | null | undefined, maxChars = 40): string {
  const cleaned = (text ?? '').replace(dropped, '').replace(spaced, ' ').replace(/\s+/gu, ' ').trim()
  // Counted in code points, so an emoji or a CJK extension character is never cut in half.
  const chars = [...cleaned]
  return chars.length <= maxChars ? cleaned : chars.slice(0, maxChars).join('').trimEnd()
}

/** `"name" <number>`, or the number alone when nothing is left of the name. */
export function sipCallerId (name: string | null | undefined, number: string, maxChars?: number): string {
  const display = sipDisplayName(name, maxChars)
  const bare = number.replace(/[^\p{L}\p{N}+*#._-]/gu, '')
  return display ? `"${display}" <${bare}>` : bare
}
