// Both languages for real: every console page, rendered for an admin in Russian and in English, is
// read as text. A Russian page has no English word outside names and product names; an English page
// has no Cyrillic and no decimal comma; no page shows a person's id where their name belongs.
import t from 'tap'
import { createUser } from '../../src/accounts/user-service.js'
import { seedDemo } from '../../src/demo-seed.js'
import { startWorld, until } from '../helpers/world.js'
import { browser, logIn } from './helpers.js'
import { cyrillicWords, decimalCommas, englishWords, pageText, personIds, withoutNames } from './page-text.js'

const password = 'correct horse battery'

t.test('every console page speaks the language it is in', async (t) => {
  const w = await startWorld({ queue: { enabled: true } })
  t.teardown(() => w.close())
  const app = w.daemon.app
  const bearer = { authorization: `Bearer ${w.token}` }
  const api = async (method: 'GET' | 'POST', url: string, payload?: unknown): Promise<any> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await app.inject({ method, url, headers: bearer, payload: payload as Record<string, unknown> })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.body === '' ? null : JSON.parse(res.body)
  }

  // The demo's team, categories, numbers and menu, on simulated phones that answer at once.
  const demo = seedDemo(w.daemon.db, 6, Date.now())
  for (const endpoint of demo.endpoints) w.sim.addEndpoint(endpoint.split('/')[1]!, { registered: true, behaviour: { kind: 'answer', afterMs: 10 } })
  w.daemon.bus.emit('catalog.changed', { what: 'operators' })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina Petrova', role: 'admin', password, language: 'ru' }, Date.now())

  // Calls with plans (one from a returning customer, so the plan has a sticky step), recorded.
  const callIds: string[] = []
  for (const [from, did] of [['+79035550101', demo.dids[0]!], ['+79035550102', demo.dids[2]!], ['+79035550101', demo.dids[1]!]] as const) {
    const call = w.sim.placeCall({ from, did })
    const callId = await w.callOf(call.channelId)
    await w.hangUpWhenRecorded(call.channelId)
    await call.ended
    await until(`call ${callId} written`, () => w.daemon.repo.call(callId)?.endedAt != null)
    callIds.push(callId)
  }
  // Leads with events: owner changes, a deal, a refusal with a configured reason.
  const operators = (await api('GET', '/api/operators')).operators as Array<{ operatorId: string }>
  const lead = async (name: string, phone: string): Promise<string> => (await api('POST', '/api/leads', { name, phone, source: 'site' })).lead.leadId
  const l1 = await lead('Oven for the dacha', '+79035550101')
  await api('POST', `/api/leads/${l1}/owner`, { operatorId: operators[0]!.operatorId })
  const l2 = await lead('Fridge question', '+79035550102')
  await api('POST', `/api/leads/${l2}/owner`, { operatorId: operators[1]!.operatorId })
  await api('POST', `/api/leads/${l2}/status`, { status: 'refused', reason: 'price' })
  const l3 = await lead('Dishwasher', '+79035550103')
  await api('POST', `/api/leads/${l3}/owner`, { operatorId: operators[2]!.operatorId })
  await api('POST', `/api/leads/${l3}/status`, { status: 'deal', dealAmount: 1_499_00 })

  const b = browser(app)
  t.equal((await logIn(b, 'boss', password)).status, 302)
  // The golden call, marked by the admin through the console's own API session.
  const golden = await b.api('POST', '/api/golden', { callId: callIds[0], note: 'Образцовый разговор' })
  t.equal(golden.status, 200)
  t.equal(golden.json.markedByName, 'Irina Petrova', 'the API names who marked it')

  // Names: what the data calls people and things (never a word of the console).
  const names = new Set<string>(['boss', 'Irina Petrova', 'Oven for the dacha', 'Fridge question', 'Dishwasher', 'Образцовый разговор'])
  for (const o of (await api('GET', '/api/operators')).operators) names.add(o.name)
  for (const c of (await api('GET', '/api/categories')).categories) names.add(c.name)
  for (const m of (await api('GET', '/api/menus')).menus) names.add(m.name)
  for (const n of (await api('GET', '/api/tracking-numbers')).trackingNumbers ?? []) { names.add(n.label ?? ''); names.add(n.source ?? '') }
  names.add('site')
  for (const tok of (await api('GET', '/api/tokens')).tokens) names.add(tok.name)
  // QA rule sets and their rules are the shop's own texts, named and worded by whoever wrote them.
  for (const set of (await api('GET', '/api/qa/rule-precision')).ruleSets) { names.add(set.name); for (const r of set.rules) names.add(r.title) }

  // The pages: every link of the top, report and admin navigation, and one call, lead and customer.
  const hrefsOf = (html: string, within: RegExp): string[] => [...(within.exec(html)?.[0] ?? '').matchAll(/href="(\/[^"#?]*)"/g)].map((m) => m[1]!)
  const top = (await b.get('/calls')).body
  const pages = new Set(hrefsOf(top, /<nav>[\s\S]*?<\/nav>/))
  for (const section of ['/reports/operators', '/admin/users']) {
    const html = (await b.get(section)).body
    for (const href of hrefsOf(html, /<nav class="sub[\s\S]*?<\/nav>/)) pages.add(href)
  }
  pages.add(`/calls/${callIds[2]}`)
  pages.add(`/calls/${callIds[0]}`)
  for (const l of [l1, l2, l3]) pages.add(`/leads/${l}`)
  const customerId = (await api('GET', `/api/leads/${l1}`)).lead.customerId as string
  pages.add(`/customers/${customerId}`)
  pages.add('/leads?view=board')
  t.ok(pages.size >= 20, `pages found: ${[...pages].join(' ')}`)

  const problems: string[] = []
  const visit = async (lang: 'ru' | 'en'): Promise<void> => {
    b.cookies.set('rl_lang', lang)
    for (const url of pages) {
      const res = await b.get(url)
      const target = res.status === 302 ? String(res.headers.location) : url
      const html = res.status === 302 ? (await b.get(target)).body : res.body
      if (res.status !== 200 && res.status !== 302) problems.push(`${lang} ${url}: HTTP ${res.status}`)
      const text = withoutNames(pageText(html), names)
      const ids = personIds(text)
      if (ids.length > 0) problems.push(`${lang} ${target}: ids where names belong: ${[...new Set(ids)].join(', ')}`)
      if (lang === 'ru') {
        const words = englishWords(text)
        if (words.length > 0) problems.push(`ru ${target}: English words: ${[...new Set(words)].join(', ')}`)
      } else {
        const cyr = cyrillicWords(text)
        if (cyr.length > 0) problems.push(`en ${target}: Cyrillic: ${[...new Set(cyr)].join(', ')}`)
        const commas = decimalCommas(text)
        if (commas.length > 0) problems.push(`en ${target}: decimal commas: ${[...new Set(commas)].join(', ')}`)
      }
    }
  }
  await visit('ru')
  await visit('en')
  t.same(problems, [], `pages checked (${pages.size} in each language): ${[...pages].join(' ')}`)
})
