// Every word the console shows, in Russian and English: the tables in messages/, one per area.
import { allMessages } from './messages/index.js'

export type Lang = 'ru' | 'en'

export const messages: Record<Lang, Record<string, string>> = allMessages

/** A translator for one language; `{name}` in a message is replaced from `vars`. Unknown keys show as themselves. */
export function translator (lang: Lang): (key: string, vars?: Record<string, string | number>) => string {
  const table = messages[lang] as Record<string, string>
  return (key, vars) => {
    let text = table[key] ?? key
    if (vars !== undefined) for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value))
    return text
  }
}

/** The messages the browser-side script needs, by key. */
export function clientMessages (lang: Lang): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(messages[lang])) {
    if (/^(state|alert|pop|dial|wb|leads|common|listen)\./.test(key)) out[key] = value
  }
  return out
}
