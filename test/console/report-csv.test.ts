// Every report page links its table as CSV, and the link downloads that table (formulas
// neutralised as the reports' CSV always is), for the page's own range and grouping.
import t from 'tap'
import { createUser } from '../../src/accounts/user-service.js'
import { browser, logIn, type Browser } from './helpers.js'
import { startWorld } from '../helpers/world.js'

const csvLinks = (html: string): string[] => [...html.matchAll(/<a class="btn small(?: csv)?"(?: id="[^"]*")? href="([^"]*format=csv[^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'))

async function download (b: Browser, page: string): Promise<Array<{ url: string; status: number; type: unknown; disposition: unknown; lines: string[] }>> {
  const html = (await b.get(page)).body
  return Promise.all(csvLinks(html).map(async (url) => {
    const res = await b.get(url)
    return { url, status: res.status, type: res.headers['content-type'], disposition: res.headers['content-disposition'], lines: res.body.trim().split('\n') }
  }))
}

t.test('operators, funnels, motivation and digest pages each link a CSV of their table', async (t) => {
  const w = await startWorld({ http: { port: 0 } })
  t.teardown(() => w.close())
  w.addOperator('401', { name: '=HYPERLINK("http://x","y")' })
  await createUser(w.daemon.db, { username: 'boss', displayName: 'Irina', role: 'supervisor', password: 'correct horse battery', language: 'ru' }, Date.now())
  w.daemon.leads.intake({ channel: 'form', phone: '+79035550001', source: '+cmd' }, 'test')
  const b = browser(w.daemon.app)
  t.equal((await logIn(b, 'boss', 'correct horse battery')).status, 302)

  const [operators] = await download(b, '/reports/operators?from=2026-01-01&to=2026-12-31')
  t.match(operators, { status: 200, type: /^text\/csv/, disposition: /attachment; filename="operators-/ })
  t.match(operators!.lines[0], /^operator_id,name,offered,answered/)
  t.ok(operators!.lines.some((l) => l.includes(`"'=HYPERLINK(""http://x"",""y"")"`)), 'the name that looks like a formula is text')

  const [funnels] = await download(b, '/reports/funnels?by=category&from=2026-01-01&to=2026-12-31')
  t.match(funnels, { status: 200, type: /^text\/csv/, disposition: /funnels-by-category-/, url: /by=category/ })
  t.match(funnels!.lines[0], /^category,calls,leads,deals/, 'grouped as the page is')
  const [bySource] = await download(b, '/reports/funnels?by=source')
  t.ok(bySource!.lines.some((l) => l.startsWith("'+cmd,")), 'a source starting with + is neutralised')

  const [motivation] = await download(b, '/reports/motivation')
  t.match(motivation, { status: 200, type: /^text\/csv/, disposition: /attachment; filename="motivation-/ })
  t.match(motivation!.lines[0], /^operator_id,name,base_pay_/)
  t.ok(motivation!.lines.some((l) => l.includes(`"'=HYPERLINK(""http://x"",""y"")"`)))

  const digest = await download(b, '/reports/digest')
  t.equal(digest.length, 2, 'the digest\'s numbers and its problem zones')
  t.match(digest[0], { status: 200, type: /^text\/csv/, url: /operators\?period=day/ })
  t.match(digest[1], { status: 200, type: /^text\/csv/, disposition: /digest-problems-/ })
  t.equal(digest[1]!.lines[0], 'kind,subject,text')
})
