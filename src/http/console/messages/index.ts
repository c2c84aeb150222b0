// The message tables of every area, joined. A table is { en, ru } with the same keys in both
// (its type checks that); a key defined twice is a mistake the test in test/console finds.
import * as admin from './admin.js'
import * as base from './base.js'
import * as board from './board.js'
import * as callpage from './callpage.js'
import * as leadpage from './leadpage.js'
import * as listen from './listen.js'
import * as qarules from './qarules.js'
import * as serverWords from './lang.js'

interface Table { en: Record<string, string>, ru: Record<string, string> }

const tables: Table[] = [base, admin, board, callpage, leadpage, listen, qarules, serverWords]

function join (lang: 'en' | 'ru'): Record<string, string> {
  const out: Record<string, string> = {}
  for (const table of tables) Object.assign(out, table[lang])
  return out
}

export const allMessages = { en: join('en'), ru: join('ru') }

/** Keys that two tables both define (each should live in one table only). */
export function duplicateKeys (): string[] {
  const seen = new Set<string>()
  const twice: string[] = []
  for (const table of tables) for (const key of Object.keys(table.en)) { if (seen.has(key)) twice.push(key); seen.add(key) }
  return twice
}
