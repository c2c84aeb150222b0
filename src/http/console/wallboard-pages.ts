// The wallboard page (figures, operators, waiting callers; the view per category; TV mode) and the
// pause forms on it: a supervisor pauses any operator, an operator only themselves, with a reason
// from the configured list. The live feed itself is live-feed.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { pauseReasonsOf } from '../../config-wallboard.js'
import { NotFound } from '../../errors.js'
import { gradeAt } from '../../domain/board-grades.js'
import { longestWaitMs } from '../../domain/service-level.js'
import { snapshotFor, type ConsoleFeed } from '../../notify/console-feed.js'
import { formatsFor } from './formats.js'
import { translator } from './i18n.js'
import type { ConsoleKit } from './kit.js'

/** Where a pause form sends the visitor back to: the same view of the board. */
const backTo = (body: Record<string, unknown>): string => {
  const params = new URLSearchParams()
  if (typeof body.category === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(body.category)) params.set('category', body.category)
  const query = params.toString()
  return query === '' ? '/wallboard' : `/wallboard?${query}`
}

/** Runs a change to an operator; false when there is no such (live) operator. */
function known (change: () => unknown): boolean {
  try { change(); return true } catch (err) {
    if (err instanceof NotFound) return false
    throw err
  }
}

export async function wallboardPages (app: FastifyInstance, kit: ConsoleKit, feed: ConsoleFeed | undefined): Promise<void> {
  const { config, now, catalog } = app.services
  const w = config.wallboard
  const reasons = pauseReasonsOf(config.pause.reasons)

  app.get('/wallboard', kit.page('operator'), async (req, reply) => {
    if (feed === undefined) return kit.render(req, reply, 'error.njk', { message: 'live feed not available in this process' }, 503)
    const q = req.query as Record<string, string | undefined>
    const lang = kit.langOf(req)
    const t = translator(lang)
    const user = kit.userOf(req)
    const categories = catalog.listCategories().map((c) => ({ categoryId: c.categoryId, name: c.name }))
    const category = categories.some((c) => c.categoryId === q.category) ? q.category! : null
    const snapshot = snapshotFor(feed.snapshot(), user)
    const sl = category === null ? snapshot.stats.serviceLevel.pct : snapshot.stats.serviceLevel.byCategory[category]?.pct ?? null
    const line = category === null ? snapshot.waiting : snapshot.waiting.filter((c) => c.categoryId === category)
    const longest = longestWaitMs(line, now(), category ?? undefined)
    // The feed grades the figures; the page and its script only show the grades.
    const grades = category === null ? snapshot.grades.all : snapshot.grades.byCategory[category] ?? snapshot.grades.quiet
    const label = (code: string): string => { const key = `wb.pause.${code}`; const text = t(key); return text === key ? code : text }
    const settings = {
      zone: config.leads.timeZone, lang, category, serviceLevelSeconds: w.serviceLevelSeconds,
      reasons: Object.fromEntries(reasons.map((code) => [code, label(code)]))
    }
    return kit.render(req, reply, 'wallboard.njk', {
      snapshot, settings, categories, category, tv: q.tv === '1',
      reasons: reasons.map((code, i) => ({ code, label: label(code), digit: i + 1 })),
      phonePrefix: config.pause.reasonCodePrefix,
      figures: {
        serviceLevel: { text: formatsFor(lang, config.leads.timeZone).percent(sl === null ? null : sl / 100), grade: grades.serviceLevel },
        longestWait: { ms: longest, grade: gradeAt(grades.longestWait, now()) },
        waiting: { count: line.length, grade: grades.waiting }
      },
      pausable: snapshot.operators.map((o) => ({ operatorId: o.operatorId, name: o.name, paused: o.state === 'paused' }))
    })
  })

  /** Who may be paused by this visitor: anyone for a supervisor, only themselves for an operator. */
  const target = (req: FastifyRequest, reply: FastifyReply): string | null => {
    const user = kit.userOf(req)
    const t = translator(kit.langOf(req))
    const wanted = String((req.body as Record<string, unknown> | undefined)?.operatorId ?? '')
    if (user.role === 'operator') {
      if (user.operatorId === null) { kit.render(req, reply, 'error.njk', { message: t('wb.noOperatorForPause') }, 403); return null }
      if (wanted !== '' && wanted !== user.operatorId) { kit.render(req, reply, 'error.njk', { message: t('wb.notYours') }, 403); return null }
      return user.operatorId
    }
    return wanted
  }

  app.post('/wallboard/pause', { ...kit.page('operator'), preHandler: app.csrfProtection }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    const reason = String(body.reason ?? '')
    if (!reasons.includes(reason)) return kit.render(req, reply, 'error.njk', { message: translator(kit.langOf(req))('wb.unknownReason', { reason }) }, 400)
    const operatorId = target(req, reply)
    if (operatorId === null) return reply
    if (!known(() => catalog.pauseOperator(operatorId, reason))) return kit.render(req, reply, 'error.njk', { message: translator(kit.langOf(req))('wb.unknownOperator') }, 404)
    req.log.info({ operatorId, reason, by: kit.userOf(req).userId }, 'operator paused from the console')
    return kit.go(reply, backTo(body))
  })

  app.post('/wallboard/resume', { ...kit.page('operator'), preHandler: app.csrfProtection }, async (req, reply) => {
    const operatorId = target(req, reply)
    if (operatorId === null) return reply
    if (!known(() => catalog.unpauseOperator(operatorId))) return kit.render(req, reply, 'error.njk', { message: translator(kit.langOf(req))('wb.unknownOperator') }, 404)
    req.log.info({ operatorId, by: kit.userOf(req).userId }, 'operator back to work from the console')
    return kit.go(reply, backTo((req.body ?? {}) as Record<string, unknown>))
  })
}
