// /api/reports: the operators' efficiency table, funnels, the motivation report and the digest, as
// JSON or CSV. Supervisors and admins see everything; an operator sees their own row whole and only
// answered/deals of the others, their own motivation row, and no funnels.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'
import { reportRange, type PeriodName, type ReportRange } from '../../domain/kpi-period.js'
import type { EfficiencyNumbers } from '../../domain/kpi.js'
import { InvalidInput } from '../../errors.js'
import { major, toCsv, type CsvColumn } from '../../reports/csv.js'
import { authOf, requireRole } from '../auth.js'
import { authErrors } from '../schemas/common.js'
import { DigestView, FunnelsQuery, FunnelsReport, MotivationQuery, MotivationReport, OperatorsQuery, OperatorsReport } from '../schemas/reports.js'

type Nullable<T> = { [K in keyof T]: T[K] | null }
type RowNumbers = Nullable<EfficiencyNumbers> & { operatorId?: string; name: string }

function sendCsv (reply: FastifyReply, name: string, range: ReportRange, csv: string): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${range.fromMs}-${range.toMs}.csv"`)
    .send(csv)
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { now, reports } = app.services
  const range = (q: { from?: number; to?: number; period?: PeriodName }): ReportRange => {
    const d = reportRange(q, now(), reports.settings.timeZone)
    if (!d.ok) throw new InvalidInput(d.field, d.problem)
    return d.range
  }
  const currency = reports.settings.currency

  const operatorColumns = (refusalReasons: string[]): Array<CsvColumn<RowNumbers>> => [
    { header: 'operator_id', value: (r) => r.operatorId ?? 'TOTAL' },
    { header: 'name', value: (r) => r.name },
    { header: 'offered', value: (r) => r.offered },
    { header: 'answered', value: (r) => r.answered },
    { header: 'missed', value: (r) => r.missed },
    { header: 'missed_pct', value: (r) => r.missedPct },
    { header: 'avg_answer_s', value: (r) => (r.avgAnswerMs === null ? null : (r.avgAnswerMs / 1000).toFixed(1)) },
    { header: 'talk_min', value: (r) => (r.talkMs === null ? null : (r.talkMs / 60_000).toFixed(1)) },
    { header: 'leads_owned', value: (r) => r.leadsOwned },
    { header: 'leads_in_sla', value: (r) => r.leadsInSla },
    { header: 'avg_response_min', value: (r) => (r.avgResponseMs === null ? null : (r.avgResponseMs / 60_000).toFixed(1)) },
    { header: 'deals', value: (r) => r.deals },
    { header: 'conversion_pct', value: (r) => r.conversionPct },
    { header: `revenue_${currency}`, value: (r) => major(r.revenue) },
    ...refusalReasons.map((reason) => ({ header: `refusals_${reason}`, value: (r: RowNumbers) => (r.refusalsByReason === null ? null : r.refusalsByReason[reason] ?? 0) })),
    { header: 'avg_qa_score', value: (r) => r.avgQaScore }
  ]

  app.get('/reports/operators', {
    schema: { querystring: OperatorsQuery, response: { 200: OperatorsReport, ...authErrors } }
  }, async (req, reply) => {
    const auth = authOf(req)
    const r = range(req.query)
    const { sort, order } = req.query
    const report = auth.role === 'operator'
      ? reports.operatorsFor(auth.operatorId, r, now(), sort, order ?? 'desc')
      : reports.operators(r, now(), sort, order ?? 'desc')
    if (req.query.format !== 'csv') return report
    const reasons = Object.keys(report.totals.refusalsByReason).sort()
    const rows: RowNumbers[] = [...report.rows, { ...report.totals, name: 'Total' }]
    return sendCsv(reply, 'operators', r, toCsv(rows, operatorColumns(reasons)))
  })

  app.get('/reports/funnels', {
    onRequest: requireRole('supervisor'),
    schema: { querystring: FunnelsQuery, response: { 200: FunnelsReport, ...authErrors } }
  }, async (req, reply) => {
    const r = range(req.query)
    const report = reports.funnels(req.query.by ?? 'source', r)
    if (req.query.format !== 'csv') return report
    return sendCsv(reply, `funnels-by-${report.by}`, r, toCsv(report.rows, [
      { header: report.by, value: (x) => x.key },
      { header: 'calls', value: (x) => x.calls },
      { header: 'leads', value: (x) => x.leads },
      { header: 'deals', value: (x) => x.deals },
      { header: `revenue_${currency}`, value: (x) => major(x.revenue) },
      { header: 'call_to_lead_pct', value: (x) => x.callToLeadPct },
      { header: 'lead_to_deal_pct', value: (x) => x.leadToDealPct }
    ]))
  })

  app.get('/reports/motivation', {
    schema: { querystring: MotivationQuery, response: { 200: MotivationReport, ...authErrors } }
  }, async (req, reply) => {
    const auth = authOf(req)
    const r = range(req.query)
    const report = reports.motivation(r, auth.role === 'operator' ? auth.operatorId ?? '' : undefined)
    if (req.query.format !== 'csv') return report
    return sendCsv(reply, 'motivation', r, toCsv(report.rows, [
      { header: 'operator_id', value: (x) => x.operatorId },
      { header: 'name', value: (x) => x.name },
      { header: `base_pay_${currency}`, value: (x) => major(x.basePay) },
      { header: 'same_day_deals', value: (x) => x.sameDayDeals },
      { header: 'same_day_share', value: (x) => x.sameDayShare },
      { header: `same_day_revenue_${currency}`, value: (x) => major(x.sameDayRevenue) },
      { header: 'percent', value: (x) => x.percent },
      { header: `bonus_${currency}`, value: (x) => major(x.bonus) },
      { header: `total_${currency}`, value: (x) => major(x.total) },
      { header: 'formula', value: (x) => x.formula }
    ]))
  })

  app.get('/reports/digest', {
    schema: {
      querystring: Type.Object({
        lang: Type.Optional(Type.Union([Type.Literal('ru'), Type.Literal('en')], { description: 'default: RINGLEAD_CONSOLE_DEFAULT_LANGUAGE' })),
        format: Type.Optional(Type.Literal('csv', { description: 'csv: the digest\'s problem zones as a table (its numbers are /reports/operators?period=day)' }))
      }, { additionalProperties: false }),
      response: { 200: DigestView, ...authErrors }
    }
  }, async (req, reply) => {
    const auth = authOf(req)
    const digest = reports.digest({ role: auth.role, operatorId: auth.operatorId }, now(), req.query.lang)
    if (req.query.format !== 'csv') return { subject: digest.subject, html: digest.html }
    return sendCsv(reply, 'digest-problems', range({ period: 'day' }), toCsv(digest.problems, [
      { header: 'kind', value: (p) => p.kind },
      { header: 'subject', value: (p) => p.subject },
      { header: 'text', value: (p) => p.text }
    ]))
  })
}

export default routes
