// What a reader sees on a rendered console page, as plain text, and the checks of its language:
// no English word on a Russian page, no Cyrillic and no decimal comma on an English one. Names
// (people, categories, menus, sources…) are data, not words of the console, and are taken out first.

/** Product and protocol names that stay as they are in both languages. */
export const allowedWords = new Set(['ringlead', 'Asterisk', 'CSV', 'QA', 'SIP', 'PJSIP', 'JSON', 'HTTP', 'SLA', 'ID', 'DID', 'AMI', 'ARI', 'URL', 'API', 'SSE', 'SMS', 'Telegram', 'ggml'])
/** The language switch names the other language in that language. */
export const allowedCyrillic = new Set(['Русский'])
/** …and so does the Russian page: "English". */
const languageSwitch = new Set(['English'])

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: '\u00a0', apos: "'" }

/**
 * Visible text and the texts a reader meets in attributes (placeholders, titles, labels). Left out:
 * scripts and styles; configuration shown as its source (JSON in a textarea, dialplan in a pre);
 * ids an admin sees beside a name (`class="… id"`).
 */
export function pageText (html: string): string {
  const body = html.replace(/<(script|style|textarea|pre)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<(\w+) class="[^"]*\bid\b[^"]*">[^<]*<\/\1>/g, ' ')
  const attrs: string[] = []
  for (const m of body.matchAll(/\s(?:placeholder|title|aria-label|alt)="([^"]*)"/gi)) attrs.push(m[1]!)
  const text = body.replace(/<[^>]*>/g, ' ') + ' ' + attrs.join(' ')
  // A command quoted in backticks (`make model`) is typed as it is, in any language.
  return text.replace(/&(#?\w+);/g, (all, name: string) => entities[name] ?? (name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : all)).replace(/`[^`\n]*`/g, ' ')
}

/** The text with every name blanked out, longest first so a name inside a longer one goes with it. */
export function withoutNames (text: string, names: Iterable<string>): string {
  let out = text
  for (const name of [...new Set(names)].filter((n) => n.trim().length > 0).sort((a, b) => b.length - a.length)) out = out.replaceAll(name, ' ')
  return out
}

/**
 * Words of Latin letters that are not identifiers: a token with a digit, `_`, `.`, `/`, `@` or `:`
 * inside (call ids, file names, endpoints, e-mails, times) is data, not a word of the console.
 */
export function englishWords (text: string): string[] {
  const found: string[] = []
  for (const raw of text.split(/[\s\u00a0\u202f]+/)) {
    const token = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    if (token === '' || /[\d_./@:]/.test(token)) continue
    for (const word of token.split(/[^\p{L}]+/u)) {
      if (/^[A-Za-z]+$/.test(word) && !allowedWords.has(word) && !languageSwitch.has(word)) found.push(word)
    }
  }
  return found
}

export function cyrillicWords (text: string): string[] {
  return [...text.matchAll(/[\p{Script=Cyrillic}]+/gu)].map((m) => m[0]).filter((w) => ![...allowedCyrillic].some((a) => a.includes(w)))
}

/** Numbers written with a decimal comma (`33,3`, `13,8`); a thousands comma has three digits after it. */
export function decimalCommas (text: string): string[] {
  return [...text.matchAll(/\d+,\d{1,2}(?!\d)/g)].map((m) => m[0])
}

/** Ids of people shown where their names belong. */
export function personIds (text: string): string[] {
  return [...text.matchAll(/\b(?:op_\d+|usr_[0-9a-z]+|user:\S+|operator:\S+)/g)].map((m) => m[0])
}
