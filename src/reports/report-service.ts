// The numbers: the operators' table, funnels, motivation and digests, from the reader's sums and
// the pure KPI functions. Time always comes in as an argument.
import { DateTime } from 'luxon'
import type { Config } from '../config.js'
import { ConfigError } from '../config.js'
import { ReportsReader, type FunnelBy } from '../db/reports-read.js'
import type { Db } from '../db/open.js'
import { addCallSums, emptyCallSums, emptySums, efficiencyTable, funnelRows, type CallSums, leaderboardFor, sortRows, type EfficiencyNumbers, type EfficiencyRow, type FunnelRow, type ReducedRow, type SortColumn } from '../domain/kpi.js'
import { problemZones, type DigestThresholds, type Problem } from '../domain/kpi-digest.js'
import { motivationRow, parseTiers, type MotivationRow, type MotivationTier } from '../domain/kpi-motivation.js'
import { daysTouched, localDayOf, splitSettledDays, type ReportRange } from '../domain/kpi-period.js'
import { noQaScores, type QaScoreSource } from './qa-scores.js'
import { parseRecipients, type Recipient } from './recipients.js'

export interface ReportSettings {
  timeZone: string
  currency: string
  tiers: MotivationTier[]
  basePayPerDay: number
  thresholds: DigestThresholds
  recipients: Recipient[]
}

/** The report settings from the config, checked once at start; every problem is named. */
export function reportSettingsFrom (config: Config): ReportSettings {
  const problems: string[] = []
  const tiers = parseTiers(config.reports.motivationTiers)
  if (!tiers.ok) problems.push(`RINGLEAD_REPORTS_MOTIVATION_TIERS: ${tiers.problem}`)
  const parsed = parseRecipients(config.reports.digestRecipients)
  for (const p of parsed.problems) problems.push(`RINGLEAD_REPORTS_DIGEST_RECIPIENTS: ${p}`)
  if (problems.length > 0) throw new ConfigError(problems)
  const r = config.reports
  return {
    timeZone: config.leads.timeZone,
    currency: r.currency,
    tiers: tiers.ok ? tiers.tiers : [],
    basePayPerDay: r.basePayPerDay,
    thresholds: {
      missedAlertCount: r.missedAlertCount, missedAlertPct: r.missedAlertPct, qaAlertScore: r.qaAlertScore,
      silentSourceMinCalls: r.silentSourceMinCalls, silentSourceHours: r.silentSourceHours
    },
    recipients: parsed.recipients
  }
}

export interface OperatorsReport { from: number; to: number; currency: string; rows: EfficiencyRow[]; totals: EfficiencyNumbers }
export interface ReducedOperatorsReport { from: number; to: number; currency: string; rows: ReducedRow[]; totals: EfficiencyNumbers }
export interface FunnelReport { from: number; to: number; by: FunnelBy; currency: string; rows: FunnelRow[] }
export interface MotivationReport { from: number; to: number; currency: string; tiers: MotivationTier[]; rows: MotivationRow[] }
export interface Digest { subject: string; html: string; problems: Problem[] }

/**
 * A call's attempts and talk time are final once it ends; a local day whose calls all ended long
 * ago does not change any more, so its call sums are read once and remembered.
 */
export const settleMs = 6 * 3_600_000
const maxRememberedDays = 1000

export class ReportService {
  readonly reader: ReportsReader
  /** Call sums of settled local days, by the day's start (epoch ms): operator → sums. */
  private readonly settledDays = new Map<number, Map<string, CallSums>>()

  constructor (db: Db, readonly settings: ReportSettings, private readonly qa: QaScoreSource = noQaScores) {
    this.reader = new ReportsReader(db)
  }

  /** Call sums for the range: settled days from memory (read once), the rest from the database. */
  private callSums (range: ReportRange, nowMs: number, operatorIds: readonly string[]): Map<string, CallSums> {
    const { days, rest } = splitSettledDays(range, nowMs, this.settings.timeZone, settleMs)
    const pieces = rest.map((r) => this.reader.callSums(r, operatorIds))
    for (const day of days) {
      let sums = this.settledDays.get(day.fromMs)
      const missing = sums === undefined ? operatorIds : operatorIds.filter((id) => !sums!.has(id))
      if (missing.length > 0) {
        const read = this.reader.callSums(day, missing)
        sums = new Map([...(sums ?? []), ...read])
        if (this.settledDays.size >= maxRememberedDays) this.settledDays.delete(this.settledDays.keys().next().value!)
        this.settledDays.set(day.fromMs, sums)
      }
      pieces.push(sums!)
    }
    const out = new Map<string, CallSums>()
    for (const id of operatorIds) out.set(id, pieces.reduce((acc, p) => addCallSums(acc, p.get(id) ?? emptyCallSums()), emptyCallSums()))
    return out
  }

  /**
   * Reads the settled days of the last `days` days into memory, one day per step, so the first
   * month's table after a start does not read a month of calls at once. Returns false when done.
   */
  warmStep (nowMs: number, days = 35): () => boolean {
    const from = DateTime.fromMillis(nowMs, { zone: this.settings.timeZone }).startOf('day').minus({ days }).toMillis()
    const settled = splitSettledDays({ fromMs: from, toMs: nowMs }, nowMs, this.settings.timeZone, settleMs).days
    return () => {
      const day = settled.pop() // newest first: the days most reports ask for
      if (day === undefined) return false
      this.callSums(day, nowMs, this.reader.operators().map((o) => o.operatorId))
      return true
    }
  }

  operators (range: ReportRange, nowMs: number, sort: SortColumn = 'answered', order: 'asc' | 'desc' = 'desc'): OperatorsReport {
    const operators = this.reader.operators()
    const ids = operators.map((o) => o.operatorId)
    const calls = this.callSums(range, nowMs, ids)
    const leads = this.reader.leadSums(range, ids)
    const scores = this.qa.qaScores(range.fromMs, range.toMs)
    const table = efficiencyTable(operators.map((o) => ({
      operatorId: o.operatorId, name: o.name, removed: o.removed,
      sums: { ...emptySums(), ...calls.get(o.operatorId), ...leads.get(o.operatorId) },
      qaScore: scores.get(o.operatorId) ?? null
    })))
    return { from: range.fromMs, to: range.toMs, currency: this.settings.currency, rows: sortRows(table.rows, sort, order), totals: table.totals }
  }

  /** The table as an operator may see it (see leaderboardFor). */
  operatorsFor (viewerOperatorId: string | null, range: ReportRange, nowMs: number, sort: SortColumn = 'answered', order: 'asc' | 'desc' = 'desc'): ReducedOperatorsReport {
    const full = this.operators(range, nowMs, sort, order)
    return { ...full, rows: leaderboardFor(full.rows, viewerOperatorId) }
  }

  funnels (by: FunnelBy, range: ReportRange): FunnelReport {
    return { from: range.fromMs, to: range.toMs, by, currency: this.settings.currency, rows: funnelRows(this.reader.funnel(by, range)) }
  }

  motivation (range: ReportRange, onlyOperatorId?: string): MotivationReport {
    const s = this.settings
    const days = daysTouched(range, s.timeZone)
    const dayOf = localDayOf(s.timeZone)
    const rows = this.reader.operators()
      .filter((o) => onlyOperatorId === undefined || o.operatorId === onlyOperatorId)
      .map((o) => ({ o, cohort: this.reader.cohort(o.operatorId, range) }))
      .filter(({ o, cohort }) => !o.removed || cohort.leadCount > 0)
      .map(({ o, cohort }) => motivationRow({ operatorId: o.operatorId, name: o.name, ...cohort }, {
        tiers: s.tiers, basePayPerDay: s.basePayPerDay, days, timeZone: s.timeZone, currency: s.currency, dayOf
      }))
      .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name))
    return { from: range.fromMs, to: range.toMs, currency: s.currency, tiers: s.tiers, rows }
  }

  /** Whom digests go to. Reads the config's list today; the users table once it has e-mails. */
  recipients (): Recipient[] {
    return this.settings.recipients
  }

  /** Today's digest (local day so far) as `who` should see it. */
  digest (who: { role: Recipient['role']; operatorId: string | null }, nowMs: number): Digest {
    const s = this.settings
    const today = { fromMs: DateTime.fromMillis(nowMs, { zone: s.timeZone }).startOf('day').toMillis(), toMs: nowMs }
    const table = this.operators(today, nowMs, 'deals', 'desc')
    const recentFrom = nowMs - s.thresholds.silentSourceHours * 3_600_000
    const problems = problemZones({
      rows: table.rows,
      overdue: this.reader.overdueLeads(nowMs),
      sources: this.reader.sourceCalls(recentFrom - 7 * 86_400_000, recentFrom, nowMs)
    }, s.thresholds)
    const when = DateTime.fromMillis(nowMs, { zone: s.timeZone }).toFormat('dd.MM.yyyy HH:mm')
    const m = (minor: number): string => `${(minor / 100).toFixed(2)} ${s.currency}`
    const t = table.totals
    if (who.role === 'operator') {
      const mine = table.rows.find((r) => r.operatorId === who.operatorId)
      const myProblems = problems.filter((p) => p.kind !== 'silent_source' && p.subject === (mine?.name ?? ''))
      const subject = `ringlead ${when}: you answered ${mine?.answered ?? 0}, missed ${mine?.missed ?? 0}, deals ${mine?.deals ?? 0}`
      const html = page(`Your day so far (${when})`, [
        mine ? section('Your numbers', numbersTable([mine], m)) : '<p>No numbers for you today.</p>',
        section('Leaderboard', leaderboardTable(table.rows, who.operatorId)),
        section('Needs your attention', problemList(myProblems))
      ])
      return { subject, html, problems: myProblems }
    }
    const subject = `ringlead ${when}: ${t.offered} offered, ${t.missedPct}% missed, ${t.deals} deals, ${m(t.revenue)}`
    const html = page(`Team numbers today (${when})`, [
      section('Team', numbersTable([{ name: 'Team', ...t }], m)),
      section('Problem zones', problemList(problems)),
      section('Operators', numbersTable(table.rows, m))
    ])
    return { subject, html, problems }
  }
}

// ---- digest HTML: plain tables with inline styles, which mail clients keep ----

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
const cell = 'style="border:1px solid #ccc;padding:4px 8px;text-align:right"'
const head = 'style="border:1px solid #ccc;padding:4px 8px;background:#f3f3f3"'
const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`
const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`

function page (title: string, parts: string[]): string {
  return `<!doctype html><html><body style="font-family:sans-serif"><h2>${esc(title)}</h2>${parts.join('\n')}</body></html>`
}
const section = (title: string, body: string): string => `<h3>${esc(title)}</h3>\n${body}`

function numbersTable (rows: ReadonlyArray<{ name: string } & EfficiencyNumbers>, m: (minor: number) => string): string {
  const cols: Array<[string, (r: EfficiencyNumbers) => string]> = [
    ['Offered', (r) => String(r.offered)], ['Answered', (r) => String(r.answered)], ['Missed', (r) => String(r.missed)],
    ['Missed %', (r) => `${r.missedPct}%`], ['Avg answer', (r) => seconds(r.avgAnswerMs)], ['Talk', (r) => minutes(r.talkMs)],
    ['Leads', (r) => String(r.leadsOwned)], ['In SLA', (r) => String(r.leadsInSla)], ['Avg response', (r) => minutes(r.avgResponseMs)],
    ['Deals', (r) => String(r.deals)], ['Conversion', (r) => `${r.conversionPct}%`], ['Revenue', (r) => m(r.revenue)],
    ['QA', (r) => (r.avgQaScore === null ? '—' : String(r.avgQaScore))]
  ]
  const header = `<tr><th ${head}>Operator</th>${cols.map(([h]) => `<th ${head}>${h}</th>`).join('')}</tr>`
  const body = rows.map((r) => `<tr><td ${head}>${esc(r.name)}</td>${cols.map(([, v]) => `<td ${cell}>${esc(v(r))}</td>`).join('')}</tr>`).join('\n')
  return `<table style="border-collapse:collapse">${header}\n${body}</table>`
}

function leaderboardTable (rows: readonly EfficiencyRow[], me: string | null): string {
  const body = rows.map((r, i) => {
    const name = r.operatorId === me ? `<b>${esc(r.name)}</b>` : esc(r.name)
    return `<tr><td ${cell}>${i + 1}</td><td ${head}>${name}</td><td ${cell}>${r.answered}</td><td ${cell}>${r.deals}</td></tr>`
  }).join('\n')
  return `<table style="border-collapse:collapse"><tr><th ${head}>#</th><th ${head}>Operator</th><th ${head}>Answered</th><th ${head}>Deals</th></tr>\n${body}</table>`
}

const problemList = (problems: readonly Problem[]): string =>
  problems.length === 0 ? '<p>Nothing needs attention.</p>' : `<ul>${problems.map((p) => `<li>${esc(p.text)}</li>`).join('\n')}</ul>`
