import { Type } from '@sinclair/typebox'
import { sortableColumns } from '../../domain/kpi.js'
import { EpochMs, Nullable } from './common.js'

const Ms = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000, hint: 'be epoch milliseconds' })
const Format = Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv: text/csv with a header row' }))
const Range = {
  from: Type.Optional(Ms),
  to: Type.Optional(Type.Integer({ minimum: 0, maximum: 8_640_000_000_000, hint: 'be epoch milliseconds', description: 'exclusive' })),
  period: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
    description: 'instead of from/to: from the start of the current day, ISO week or month (leads.timeZone) until now'
  })),
  format: Format
}

export const OperatorsQuery = Type.Object({
  ...Range,
  sort: Type.Optional(Type.Union(sortableColumns.map((c) => Type.Literal(c)))),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')]))
}, { additionalProperties: false })

export const FunnelsQuery = Type.Object({
  ...Range,
  by: Type.Optional(Type.Union([Type.Literal('source'), Type.Literal('category')], { default: 'source' }))
}, { additionalProperties: false })

export const MotivationQuery = Type.Object(Range, { additionalProperties: false })

const Refusals = Type.Record(Type.String(), Type.Integer())
const money = { description: 'minor units (kopecks, cents) of `currency`' }

const numbers = {
  offered: Type.Integer(),
  answered: Type.Integer(),
  missed: Type.Integer(),
  missedPct: Type.Number(),
  avgAnswerMs: Type.Integer(),
  talkMs: Type.Integer(),
  leadsOwned: Type.Integer(),
  leadsInSla: Type.Integer(),
  avgResponseMs: Type.Integer(),
  deals: Type.Integer(),
  conversionPct: Type.Number(),
  revenue: Type.Integer(money),
  refusalsByReason: Refusals,
  avgQaScore: Nullable(Type.Number())
}
/** Rows: an operator token gets other operators' rows with only operatorId, name, answered and deals; the rest null. */
const hideable = {
  offered: Nullable(numbers.offered),
  answered: numbers.answered,
  missed: Nullable(numbers.missed),
  missedPct: Nullable(numbers.missedPct),
  avgAnswerMs: Nullable(numbers.avgAnswerMs),
  talkMs: Nullable(numbers.talkMs),
  leadsOwned: Nullable(numbers.leadsOwned),
  leadsInSla: Nullable(numbers.leadsInSla),
  avgResponseMs: Nullable(numbers.avgResponseMs),
  deals: numbers.deals,
  conversionPct: Nullable(numbers.conversionPct),
  revenue: Nullable(numbers.revenue),
  refusalsByReason: Nullable(numbers.refusalsByReason),
  avgQaScore: numbers.avgQaScore
}

export const OperatorsReport = Type.Object({
  from: EpochMs,
  to: EpochMs,
  currency: Type.String(),
  rows: Type.Array(Type.Object({ operatorId: Type.String(), name: Type.String(), ...hideable })),
  totals: Type.Object(numbers)
})

export const FunnelsReport = Type.Object({
  from: EpochMs,
  to: EpochMs,
  by: Type.String(),
  currency: Type.String(),
  rows: Type.Array(Type.Object({
    key: Type.String({ description: 'the source or category; "(none)" for calls and leads without one' }),
    calls: Type.Integer(), leads: Type.Integer(), deals: Type.Integer(), revenue: Type.Integer(money),
    callToLeadPct: Type.Number(), leadToDealPct: Type.Number()
  }))
})

export const MotivationReport = Type.Object({
  from: EpochMs,
  to: EpochMs,
  currency: Type.String(),
  tiers: Type.Array(Type.Object({ share: Type.Number(), percent: Type.Number() })),
  rows: Type.Array(Type.Object({
    operatorId: Type.String(), name: Type.String(), basePay: Type.Integer(money), sameDayDeals: Type.Integer(),
    leadCount: Type.Integer(), basePayPerDay: Type.Integer(money), days: Type.Integer(),
    sameDayShare: Type.Number(), sameDayRevenue: Type.Integer(money), percent: Type.Number(), bonus: Type.Integer(money),
    total: Type.Integer(money), formula: Type.String({ description: 'the same figures as one English line; the console writes it in the reader\'s language' })
  }))
})

export const DigestView = Type.Object({ subject: Type.String(), html: Type.String() })
