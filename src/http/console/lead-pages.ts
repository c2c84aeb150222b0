// The leads pages: the list, the board (open leads by status, closed ones by period) and one lead's
// page with its forms. Forms post here (CSRF checked); each is read and checked, then sent to the
// JSON API as the visitor, so the API's role checks and the lead service decide as they do for
// systems. A refusal re-renders the page with the field named and what was typed kept.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DateTime } from 'luxon'
import { refusalReasonsOf } from '../../leads/settings.js'
import { currencyDigits, formatsFor } from './formats.js'
import { translator } from './i18n.js'
import type { ConsoleKit } from './kit.js'
import { needsOf, readStatusForm } from './lead-forms.js'

interface ApiAnswer { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any
interface Operator { operatorId: string; name: string }

export const boardPeriods = ['today', 'week', 'month'] as const
export type BoardPeriod = typeof boardPeriods[number]

/** [from, to) of a board period in the shop's zone: today, this week (from Monday), this month. */
export function periodRange (period: BoardPeriod, nowMs: number, zone: string): { from: number; to: number } {
  const now = DateTime.fromMillis(nowMs, { zone })
  const unit = period === 'today' ? 'day' : period
  const start = now.startOf(unit)
  return { from: start.toMillis(), to: start.plus({ [`${unit}s`]: 1 }).toMillis() }
}

export async function leadPages (app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { config, accounts, now, statusMatrix: matrix } = app.services
  const zone = config.leads.timeZone
  const currency = config.reports.currency
  const digits = currencyDigits(currency)
  const refusalReasons = refusalReasonsOf(config)
  const { render, langOf, go, page } = kit

  const call = async (req: FastifyRequest, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<ApiAnswer> => {
    const headers: Record<string, string> = { cookie: req.headers.cookie ?? '' }
    if (method === 'POST') { headers['content-type'] = 'application/json'; headers['x-csrf-token'] = String((req.body as Record<string, unknown>)._csrf ?? '') }
    const res = await app.inject({ method, url, headers, payload: payload === undefined ? undefined : JSON.stringify(payload) })
    let body: unknown = null
    try { body = res.body === '' ? null : JSON.parse(res.body) } catch (err) {
      if (!(err instanceof SyntaxError)) throw err
      body = { message: res.body.slice(0, 500) }
    }
    return { status: res.statusCode, body }
  }
  const operatorsOf = async (req: FastifyRequest): Promise<Operator[]> => ((await call(req, 'GET', '/api/operators')).body?.operators ?? []) as Operator[]
  const namesOf = (operators: Operator[]): Record<string, string> => Object.fromEntries(operators.map((o) => [o.operatorId, o.name]))
  const stOf = (req: FastifyRequest) => {
    const t = translator(langOf(req))
    return (s: string): string => { const label = t(`status.${s}`); return label === `status.${s}` ? s.replaceAll('_', ' ') : label }
  }
  /** Words for the page: who did it (by name), a refusal reason, an amount, a time, all in the visitor's language. */
  const wordsFor = (req: FastifyRequest, names: Record<string, string>) => {
    const lang = langOf(req)
    const t = translator(lang)
    const users = Object.fromEntries(accounts.listUsers().map((u) => [u.userId, u.displayName]))
    const fmt = formatsFor(lang, zone)
    return {
      /** The currency as the page's language writes it beside an amount (₽ in Russian, RUB in English). */
      currencySign: fmt.currencySign(currency),
      who: (actor: string | null | undefined): string => {
        if (!actor) return '—'
        const [kind, id = ''] = actor.split(':', 2) as [string, string | undefined]
        if (kind === 'operator' || kind === 'phone') return names[id] ?? t('leadpage.actor.unknown')
        if (kind === 'user') return users[id] ?? t('leadpage.actor.unknown')
        const key = `leadpage.actor.${kind}`
        return t(key) === key ? actor : t(key)
      },
      opName: (id: string | null | undefined): string => (id ? names[id] ?? t('leadpage.actor.unknown') : '—'),
      rr: (reason: string): string => { const key = `refusal.${reason}`; return t(key) === key ? reason.replaceAll('_', ' ') : t(key) },
      kindWord: (kind: string): string => { const key = `leadpage.kind.${kind}`; return t(key) === key ? kind : t(key) },
      money: (minor: number | null | undefined): string => fmt.money(minor, currency),
      when: (ms: number | null | undefined): string => fmt.dateTime(ms, 'minutes')
    }
  }

  // ---- the list and the board ----

  app.get('/leads', page('operator'), async (req, reply) => {
    const q = req.query as Record<string, string | undefined>
    const board = q.view === 'board'
    const params = new URLSearchParams()
    for (const key of ['ownerId', 'status', 'source', 'before'] as const) if (q[key]) params.set(key, q[key]!)
    const period: BoardPeriod = boardPeriods.includes(q.period as BoardPeriod) ? q.period as BoardPeriod : 'week'
    const operators = await operatorsOf(req)
    let leads: ApiAnswer
    let closed: ApiAnswer = { status: 200, body: { leads: [] } }
    if (board) {
      params.delete('before')
      params.set('limit', '200')
      const range = periodRange(period, now(), zone)
      const closedParams = new URLSearchParams(params)
      closedParams.set('closedFrom', String(range.from))
      closedParams.set('closedTo', String(range.to))
      params.set('open', 'true');
      [leads, closed] = await Promise.all([call(req, 'GET', `/api/leads?${params}`), call(req, 'GET', `/api/leads?${closedParams}`)])
    } else {
      if (q.overdue === '1') params.set('overdue', 'true')
      if (q.open === '1') params.set('open', 'true')
      params.set('limit', '50')
      leads = await call(req, 'GET', `/api/leads?${params}`)
    }
    const statuses = Object.keys(matrix.statuses)
    const columns = statuses.map((status) => {
      const open = matrix.statuses[status]!.open
      const from = (open ? leads.body?.leads : closed.body?.leads) ?? []
      return { status, open, leads: from.filter((l: { status: string }) => l.status === status) }
    })
    const answer = leads.status !== 200 ? leads : closed
    return render(req, reply, 'leads.njk', {
      leads, answer, q, operators, statuses, columns, view: board ? 'board' : 'list', period, periods: boardPeriods, ...wordsFor(req, namesOf(operators))
    })
  })

  // ---- one lead ----

  const leadPage = async (req: FastifyRequest, reply: FastifyReply, leadId: string, problem?: { errors: Record<string, string>; form: Record<string, string>; formId: string; status: number }): Promise<FastifyReply> => {
    const detail = await call(req, 'GET', `/api/leads/${encodeURIComponent(leadId)}`)
    if (detail.status !== 200) return render(req, reply, 'error.njk', { message: detail.body?.message }, detail.status)
    const operators = await operatorsOf(req)
    const lead = detail.body.lead as { status: string }
    const moves = (matrix.transitions[lead.status] ?? []).map((to) => ({ to, ...needsOf(matrix, to, refusalReasons) }))
    const today = DateTime.fromMillis(now(), { zone })
    return render(req, reply, 'lead.njk', {
      detail: detail.body, moves, operators, refusalReasons, currency, zone,
      minDate: today.toISODate(), defaultDate: today.plus({ days: 1 }).toISODate(),
      errors: problem?.errors ?? {}, form: problem?.form ?? {}, formId: problem?.formId ?? '',
      ...wordsFor(req, namesOf(operators))
    }, problem?.status ?? 200)
  }

  app.get('/leads/:leadId', page('operator'), async (req, reply) => leadPage(req, reply, (req.params as { leadId: string }).leadId))

  const formOf = (req: FastifyRequest): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) if (k !== '_csrf') out[k] = String(Array.isArray(v) ? v[0] : v ?? '')
    return out
  }
  /** Sends the checked body to the API; back to the lead on success, else the page with the API's word. */
  const submit = async (req: FastifyRequest, reply: FastifyReply, leadId: string, url: string, body: unknown, formId: string): Promise<FastifyReply> => {
    const res = await call(req, 'POST', url, body)
    if (res.status === 200) return go(reply, `/leads/${encodeURIComponent(leadId)}`)
    req.log.info({ leadId, status: res.status, err: res.body?.message }, 'lead form refused by the API')
    const t = translator(langOf(req))
    return leadPage(req, reply, leadId, { errors: { general: t('leadpage.err.refused', { message: String(res.body?.message ?? res.status) }) }, form: formOf(req), formId, status: res.status })
  }
  const post = { onRequest: page('operator').onRequest, preHandler: app.csrfProtection } // CSRF after the form body is parsed

  app.post('/leads/:leadId/status', post, async (req, reply) => {
    const { leadId } = req.params as { leadId: string }
    const current = await call(req, 'GET', `/api/leads/${encodeURIComponent(leadId)}`)
    if (current.status !== 200) return render(req, reply, 'error.njk', { message: current.body?.message }, current.status)
    const form = formOf(req)
    const formId = `to-${form.status ?? ''}`
    const read = readStatusForm(form, {
      matrix, from: current.body.lead.status, refusalReasons, zone, nowMs: now(), currencyDigits: digits, currency, t: translator(langOf(req)), st: stOf(req)
    })
    if (!read.ok) return leadPage(req, reply, leadId, { errors: read.errors, form, formId, status: 400 })
    return submit(req, reply, leadId, `/api/leads/${encodeURIComponent(leadId)}/status`, read.body, formId)
  })

  app.post('/leads/:leadId/note', post, async (req, reply) => {
    const { leadId } = req.params as { leadId: string }
    const form = formOf(req)
    const text = (form.text ?? '').trim()
    const t = translator(langOf(req))
    if (text === '') return leadPage(req, reply, leadId, { errors: { text: t('leadpage.err.empty', { field: t('leadpage.note') }) }, form, formId: 'note-form', status: 400 })
    return submit(req, reply, leadId, `/api/leads/${encodeURIComponent(leadId)}/notes`, { text: text.slice(0, 5000) }, 'note-form')
  })

  app.post('/leads/:leadId/owner', post, async (req, reply) => {
    const { leadId } = req.params as { leadId: string }
    const form = formOf(req)
    const t = translator(langOf(req))
    const operators = await operatorsOf(req)
    if (!operators.some((o) => o.operatorId === form.operatorId)) {
      return leadPage(req, reply, leadId, { errors: { operatorId: t('leadpage.err.unknownOperator', { field: t('leadpage.owner') }) }, form, formId: 'owner-form', status: 400 })
    }
    return submit(req, reply, leadId, `/api/leads/${encodeURIComponent(leadId)}/owner`, { operatorId: form.operatorId }, 'owner-form')
  })
}
