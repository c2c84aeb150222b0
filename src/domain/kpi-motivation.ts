// Pure: the motivation report. Pay = base pay for the period + a percentage of the revenue of
// same-day deals, the percentage rising with the share of the operator's leads closed as a deal on
// the day they came in.
import { localDayOf } from './kpi-period.js'

/** From `share` (0…1) of same-day deals up, `percent` of their revenue is paid. */
export interface MotivationTier { share: number; percent: number }

export type TiersDecision = { ok: true; tiers: MotivationTier[] } | { ok: false; problem: string }

/** "0.5:5,0.7:7,0.9:10" → tiers sorted by share; shares in 0…1, percents 0…100. */
export function parseTiers (text: string): TiersDecision {
  const tiers: MotivationTier[] = []
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(part)
    if (m === null) return { ok: false, problem: `tier "${part}" must be share:percent, like 0.5:5` }
    const share = Number(m[1])
    const percent = Number(m[2])
    if (share > 1) return { ok: false, problem: `tier "${part}": the share is a fraction from 0 to 1` }
    if (percent > 100) return { ok: false, problem: `tier "${part}": the percent is at most 100` }
    tiers.push({ share, percent })
  }
  tiers.sort((a, b) => a.share - b.share)
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i]!.share === tiers[i - 1]!.share) return { ok: false, problem: `two tiers start at share ${tiers[i]!.share}` }
  }
  return { ok: true, tiers }
}

/** The percent of the highest tier the share reaches; 0 below the first. */
export function tierPercent (tiers: readonly MotivationTier[], share: number): number {
  let percent = 0
  for (const t of tiers) if (share >= t.share) percent = t.percent
  return percent
}

/** A lead of the operator's cohort (created in the period) that has become a deal. */
export interface CohortDeal { createdAt: number; dealAt: number; dealAmount: number | null }

export interface MotivationInput {
  operatorId: string
  name: string
  /** Leads the operator owns that were created in the period. */
  leadCount: number
  deals: readonly CohortDeal[]
}

export interface MotivationRow {
  operatorId: string
  name: string
  basePay: number
  sameDayDeals: number
  /** The cohort: leads the operator owns that were created in the period. */
  leadCount: number
  /** Base pay per day and days paid: with the fields around them, what a reader's formula is made of. */
  basePayPerDay: number
  days: number
  sameDayShare: number
  sameDayRevenue: number
  percent: number
  bonus: number
  total: number
  formula: string
}

export interface MotivationSettings {
  tiers: readonly MotivationTier[]
  /** Minor units per calendar day of the period. */
  basePayPerDay: number
  days: number
  timeZone: string
  currency: string
  /** Shared between rows of one report, so the zone is asked once per quarter hour (see localDayOf). */
  dayOf?: (ms: number) => number
}

/** Minor units as a decimal with two places and the currency: 149900 → "1499.00 RUB". */
export const money = (minor: number, currency: string): string => `${(minor / 100).toFixed(2)} ${currency}`

/**
 * Same-day deal: a lead of the cohort that became a deal on the calendar day (shop's time zone) it
 * was created. Share = same-day deals / cohort leads. Bonus = same-day revenue × tier percent,
 * rounded to the minor unit.
 */
export function motivationRow (input: MotivationInput, s: MotivationSettings): MotivationRow {
  const dayOf = s.dayOf ?? localDayOf(s.timeZone)
  const sameDay = input.deals.filter((l) => dayOf(l.createdAt) === dayOf(l.dealAt))
  const sameDayRevenue = sameDay.reduce((sum, l) => sum + (l.dealAmount ?? 0), 0)
  const share = input.leadCount > 0 ? sameDay.length / input.leadCount : 0
  const sameDayShare = Math.round(share * 1000) / 1000
  const percent = tierPercent(s.tiers, share)
  const bonus = Math.round((sameDayRevenue * percent) / 100)
  const basePay = s.basePayPerDay * s.days
  const total = basePay + bonus
  const m = (n: number): string => money(n, s.currency)
  const formula = `base ${m(s.basePayPerDay)} × ${s.days} d = ${m(basePay)}; ` +
    `same-day deals ${sameDay.length} of ${input.leadCount} leads = ${(sameDayShare * 100).toFixed(1)}% → ${percent}%; ` +
    `bonus ${m(sameDayRevenue)} × ${percent}% = ${m(bonus)}; total ${m(basePay)} + ${m(bonus)} = ${m(total)}`
  return { operatorId: input.operatorId, name: input.name, basePay, sameDayDeals: sameDay.length, leadCount: input.leadCount, basePayPerDay: s.basePayPerDay, days: s.days, sameDayShare, sameDayRevenue, percent, bonus, total, formula }
}
