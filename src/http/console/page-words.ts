// What a page needs to show the server's words and people in its language: operators, users and
// categories by name (never by id), codes by label, stored English texts read back (server-texts).
import type { AccountService } from '../../accounts/account-service.js'
import type { Catalog } from '../../catalog/catalog.js'
import { formatsFor, type Lang } from './formats.js'
import { readServerText } from './server-texts.js'

type T = (key: string, vars?: Record<string, string | number>) => string

export interface PageWords {
  /** A stored server text (plan reason, state, ladder result, event reason) in the page's language. */
  srv: (text: string | null | undefined) => string
  /** The label of `<prefix>.<code>`, or the code itself when it has none (a code from the config). */
  label: (prefix: string, code: string | null | undefined) => string
  opName: (operatorId: string | null | undefined) => string
  catName: (categoryId: string | null | undefined) => string
  /** Who did something: a person's name, "system", "API token". */
  who: (actor: string | null | undefined) => string
}

/** Where names come from: the bound catalog and account services (the console never reads rows itself). */
export interface NameSources {
  catalog: Pick<Catalog, 'listOperators' | 'listCategories'>
  accounts: Pick<AccountService, 'getUser'>
}

export function pageWords ({ catalog, accounts }: NameSources, lang: Lang, zone: string, t: T, status: (s: string) => string): PageWords {
  // Read once per page and only if the page shows a name.
  let ops: Map<string, string> | null = null
  let cats: Map<string, string> | null = null
  const opName = (id: string | null | undefined): string => {
    if (id == null || id === '') return ''
    ops ??= new Map(catalog.listOperators({ includeRemoved: true }).map((o) => [o.operatorId, o.name]))
    return ops.get(id) ?? id
  }
  const catName = (id: string | null | undefined): string => {
    if (id == null || id === '') return ''
    cats ??= new Map(catalog.listCategories().map((c) => [c.categoryId, c.name]))
    return cats.get(id) ?? id
  }
  const label = (prefix: string, code: string | null | undefined): string => {
    if (code == null || code === '') return ''
    const text = t(`${prefix}.${code}`)
    return text === `${prefix}.${code}` ? code : text
  }
  const who = (actor: string | null | undefined): string => {
    if (actor == null || actor === '') return ''
    const colon = actor.indexOf(':')
    const kind = colon < 0 ? actor : actor.slice(0, colon)
    const id = colon < 0 ? '' : actor.slice(colon + 1)
    if (kind === 'user') return accounts.getUser(id)?.displayName ?? id
    if (kind === 'operator' || kind === 'phone') return opName(id)
    return label('actor', kind)
  }
  const fmt = formatsFor(lang, zone)
  const srv = (text: string | null | undefined): string => readServerText(text, {
    t, operator: opName, category: catName, actor: who, status, number: (n, digits) => fmt.number(n, digits)
  })
  return { srv, label, opName, catName, who }
}
