// The console: server-rendered pages (nunjucks) over the same JSON API systems use, the live
// wallboard feed (SSE), login, logout and the first-run screen. Pages read /api through inject with
// the visitor's own cookie, so the API's role checks and operator scoping apply unchanged.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DateTime } from 'luxon'
import { maxSkillLevel, minSkillLevel } from '../../catalog/catalog-rules.js'
import type { Role } from '../../domain/roles.js'
import type { UserView } from '../../accounts/user-service.js'
import type { ConsoleFeed } from '../../notify/console-feed.js'
import { csrfTokenFor, sessionUserOf } from '../session.js'
import { accountPages, langCookie } from './account-pages.js'
import { adminFormPages } from './admin-form-pages.js'
import { clientMessages, translator, type Lang } from './i18n.js'
import { callPages } from './call-pages.js'
import type { ApiAnswer, ConsoleKit } from './kit.js'
import { leadPages } from './lead-pages.js'
import { liveFeedRoutes } from './live-feed.js'
import { pageWords } from './page-words.js'
import { wallboardPages } from './wallboard-pages.js'
import { safeTarget } from './redirect.js'
import { pageViews } from './views.js'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const rank: Record<Role, number> = { operator: 0, supervisor: 1, admin: 2 }

export interface ConsoleOptions { feed?: ConsoleFeed }


export default async function consolePlugin (app: FastifyInstance, opts: ConsoleOptions): Promise<void> {
  const { config, accounts, catalog, now } = app.services
  const zone = config.leads.timeZone
  const cookieBase = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: config.console.secureCookies }
  const sessionTtlMs = config.console.sessionHours * 3_600_000
  const env = pageViews(zone)

  await app.register(formbody)
  await app.register(fastifyStatic, { root: join(here, 'assets'), prefix: '/assets/', decorateReply: false })
  // The chart library, bundled from node_modules and served here: no CDN at run time.
  await app.register(fastifyStatic, { root: dirname(require.resolve('chart.js')) /* dist/, where the UMD build lives */, prefix: '/assets/vendor/chartjs/', decorateReply: false, allowedPath: (p) => p === '/chart.umd.js' })

  const langOf = (req: FastifyRequest): Lang => {
    const cookie = (req.cookies as Record<string, string | undefined>)[langCookie]
    if (cookie === 'ru' || cookie === 'en') return cookie
    return sessionUserOf(req)?.language ?? config.console.defaultLanguage
  }

  const render = (req: FastifyRequest, reply: FastifyReply, view: string, ctx: Record<string, unknown> = {}, status = 200): FastifyReply => {
    const lang = langOf(req)
    const user = sessionUserOf(req)
    const t = translator(lang)
    /** A status in words; statuses of a custom matrix have no translation and show as they are. */
    const st = (status: string): string => { const label = t(`status.${status}`); return label === `status.${status}` ? status.replaceAll('_', ' ') : label }
    const html = env.render(view, {
      t,
      st,
      // A page module's own words (e.g. the lead page's `who`) come after, and win.
      ...pageWords({ catalog, accounts }, lang, zone, t, st),
      ...ctx,
      lang,
      user,
      isSupervisor: user !== null && rank[user.role] >= 1,
      isAdmin: user?.role === 'admin',
      path: req.url.split('?')[0],
      url: req.url,
      csrf: csrfTokenFor(req, reply, cookieBase),
      clientMessages: clientMessages(lang),
      nowMs: now(),
      zone
    })
    return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
  }

  const go = (reply: FastifyReply, target: unknown): FastifyReply => reply.redirect(safeTarget(target))

  /** GET the JSON API as the visitor. */
  const api = async (req: FastifyRequest, url: string): Promise<ApiAnswer> => {
    const res = await app.inject({ method: 'GET', url, headers: { cookie: req.headers.cookie ?? '' } })
    let body: unknown = null
    try { body = res.body === '' ? null : JSON.parse(res.body) } catch (err) {
      if (!(err instanceof SyntaxError)) throw err
      body = { message: res.body.slice(0, 500) }
    }
    return { status: res.statusCode, body }
  }

  /** The page's user, or a redirect to login (or to the first-run screen while nobody exists). */
  const guard = (min: Role) => async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const user = sessionUserOf(req)
    if (user === null) {
      if (accounts.countUsers() === 0) return go(reply, '/setup')
      return go(reply, `/login?next=${encodeURIComponent(req.url)}`)
    }
    // The page says which role it needs, as its heading: not a generic "something went wrong".
    if (rank[user.role] < rank[min]) return render(req, reply, 'error.njk', { heading: translator(langOf(req))('common.forbidden', { role: translator(langOf(req))(`role.${min}`) }) }, 403)
    return undefined
  }
  const page = (min: Role) => ({ onRequest: guard(min) })
  const userOf = (req: FastifyRequest): UserView => sessionUserOf(req)!

  const kit: ConsoleKit = { render, langOf, go, cookieBase, sessionTtlMs, page, userOf, api }
  await accountPages(app, kit)
  await callPages(app, kit)
  await liveFeedRoutes(app, kit, opts.feed)
  await wallboardPages(app, kit, opts.feed)
  await leadPages(app, kit)
  await adminFormPages(app, kit)

  // ---- calls ----

  app.get('/calls', page('operator'), async (req, reply) => {
    const q = req.query as Record<string, string | undefined>
    const params = new URLSearchParams()
    if (q.date) {
      const day = DateTime.fromISO(q.date, { zone })
      if (day.isValid) { params.set('from', String(day.startOf('day').toMillis())); params.set('to', String(day.endOf('day').toMillis() + 1)) }
    }
    for (const key of ['operatorId', 'source', 'categoryId', 'status', 'cursor', 'direction', 'minScore', 'maxScore'] as const) if (q[key]) params.set(key, q[key]!)
    params.set('limit', '50')
    const [calls, operators, categories] = await Promise.all([api(req, `/api/calls?${params}`), api(req, '/api/operators'), api(req, '/api/categories')])
    return render(req, reply, 'calls.njk', { calls, q, operators: operators.body?.operators ?? [], categories: categories.body?.categories ?? [] })
  })

  // ---- customers and golden fund ----

  app.get('/customers/:customerId', page('operator'), async (req, reply) => {
    const card = await api(req, `/api/customers/${encodeURIComponent((req.params as { customerId: string }).customerId)}`)
    if (card.status !== 200) return render(req, reply, 'error.njk', { message: card.body?.message }, card.status)
    return render(req, reply, 'customer.njk', { card: card.body })
  })

  app.get('/golden', page('operator'), async (req, reply) => {
    const golden = await api(req, '/api/golden')
    return render(req, reply, 'golden.njk', { golden: golden.body?.calls ?? [] })
  })

  // ---- admin ----

  app.get('/admin', page('admin'), async (_req, reply) => go(reply, '/admin/users'))
  app.get('/admin/users', page('admin'), async (req, reply) => {
    const [users, operators] = await Promise.all([api(req, '/api/users'), api(req, '/api/operators')])
    return render(req, reply, 'admin-users.njk', { users: users.body?.users ?? [], operators: operators.body?.operators ?? [] })
  })
  // The admin pages write through the JSON API from the browser (console.js: api-form, api-button).
  app.get('/admin/operators', page('admin'), async (req, reply) => {
    const [operators, categories] = await Promise.all([api(req, '/api/operators'), api(req, '/api/categories')])
    return render(req, reply, 'admin-operators.njk', { operators: operators.body?.operators ?? [], categories: categories.body?.categories ?? [], skillLevels: { min: minSkillLevel, max: maxSkillLevel } })
  })
  app.get('/admin/numbers', page('admin'), async (req, reply) => {
    const [numbers, menus, categories] = await Promise.all([api(req, '/api/tracking-numbers'), api(req, '/api/menus'), api(req, '/api/categories')])
    return render(req, reply, 'admin-numbers.njk', { numbers: numbers.body?.trackingNumbers ?? numbers.body?.numbers ?? [], menus: menus.body?.menus ?? [], categories: categories.body?.categories ?? [] })
  })
  app.get('/admin/menus', page('admin'), async (req, reply) => {
    const menus = ((await api(req, '/api/menus')).body?.menus ?? []) as Array<Record<string, unknown>>
    // What the textarea edits: the PUT body, without the id, the time stamp and the default flag (kept as it is unless set).
    const shown = menus.map((mn) => {
      const { menuId, updatedAt, isDefault, ...definition } = mn // eslint-disable-line @typescript-eslint/no-unused-vars
      const text = JSON.stringify(definition, null, 2)
      return { menuId, isDefault, name: mn.name, text, rows: Math.min(30, Math.max(8, text.split('\n').length + 1)), asDefault: { ...definition, isDefault: true } }
    })
    return render(req, reply, 'admin-menus.njk', { menus: shown })
  })
  app.get('/admin/dialplan', page('admin'), async (req, reply) => {
    const [diff, versions] = await Promise.all([api(req, '/api/dialplan/diff'), api(req, '/api/dialplan/versions')])
    return render(req, reply, 'admin-dialplan.njk', { diff, versions: versions.body?.versions ?? [] })
  })

  // ---- reports: pages over the reports API ----

  const range = (q: Record<string, string | undefined>): { from: string; to: string; fromMs: number; toMs: number } => {
    const today = DateTime.fromMillis(now(), { zone }).startOf('day')
    const from = DateTime.fromISO(q.from ?? '', { zone })
    const to = DateTime.fromISO(q.to ?? '', { zone })
    const f = from.isValid ? from.startOf('day') : today.startOf('month')
    const t = to.isValid ? to.startOf('day') : today
    return { from: f.toISODate()!, to: t.toISODate()!, fromMs: f.toMillis(), toMs: t.endOf('day').toMillis() + 1 }
  }
  const presets = (): Record<string, { from: string; to: string }> => {
    const today = DateTime.fromMillis(now(), { zone }).startOf('day')
    return {
      day: { from: today.toISODate()!, to: today.toISODate()! },
      week: { from: today.startOf('week').toISODate()!, to: today.toISODate()! },
      month: { from: today.startOf('month').toISODate()!, to: today.toISODate()! }
    }
  }
  for (const kind of ['operators', 'funnels', 'motivation'] as const) {
    app.get(`/reports/${kind}`, page('operator'), async (req, reply) => {
      const q = req.query as Record<string, string | undefined>
      const r = range(q)
      const by = q.by === 'category' ? 'category' : 'source'
      const report = await api(req, `/api/reports/${kind}?from=${r.fromMs}&to=${r.toMs}${kind === 'funnels' ? `&by=${by}` : ''}`)
      return render(req, reply, `report-${kind}.njk`, { report, range: r, by, presets: presets(), sort: q.sort ?? '', csvUrl: `/api/reports/${kind}?from=${r.fromMs}&to=${r.toMs}${kind === 'funnels' ? `&by=${by}` : ''}&format=csv` })
    })
  }
  app.get('/reports', page('operator'), async (_req, reply) => go(reply, '/reports/operators'))
  app.get('/reports/digest', page('operator'), async (req, reply) => render(req, reply, 'report-digest.njk', { report: await api(req, `/api/reports/digest?lang=${langOf(req)}`) }))
  // The digest as it is mailed, for the sandboxed frame on the page above: e-mail HTML styles
  // inline, so this one document may, and nothing else (no script, no requests, framed only here).
  app.get('/reports/digest/mail', page('operator'), async (req, reply) => {
    const report = await api(req, `/api/reports/digest?lang=${langOf(req)}`)
    if (report.status !== 200) return render(req, reply, 'error.njk', { message: report.body?.message }, report.status)
    return reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
      .header('x-frame-options', 'SAMEORIGIN').header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(String(report.body.html))
  })
}
