// The numbers: the operators' table, funnels, motivation and digests, from the reader's sums and
// the pure KPI functions. Time always comes in as an argument.
import { DateTime } from 'luxon'
import type { Config } from '../config.js'
import { ConfigError } from '../config.js'
import { ReportsReader, type FunnelBy } from '../db/reports-read.js'
import type { Db } from '../db/open.js'
import { addCallSums, emptyCallSums, emptySums, efficiencyTable, funnelRows, type CallSums, leaderboardFor, sortRows, type EfficiencyNumbers, type EfficiencyRow, type FunnelRow, type ReducedRow, type SortColumn } from '../domain/kpi.js'
import { problemZones, type DigestLanguage, type DigestThresholds, type Problem } from '../domain/kpi-digest.js'
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
  /** Language of e-mailed digests (the console asks for the reader's own). */
  language: DigestLanguage
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
    recipients: parsed.recipients,
    language: config.console.defaultLanguage
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
   * Reads the settled days of the last `days` days into memory, a slice of the operators of one day
   * per step, so the first month's table after a start does not read a month of calls at once and
   * no step holds the event loop long (a day of 1,000 operators is 2,000 queries: calls set up
   * meanwhile waited for it). Ten operators a step take 0.3 ms; fifty took 1.1–2.7 ms, and a call
   * set up at 5 calls/s 10 s after a start waited behind one. Returns false when done.
   */
  warmStep (nowMs: number, days = 35, operatorsPerStep = 10): () => boolean {
    const from = DateTime.fromMillis(nowMs, { zone: this.settings.timeZone }).startOf('day').minus({ days }).toMillis()
    const settled = splitSettledDays({ fromMs: from, toMs: nowMs }, nowMs, this.settings.timeZone, settleMs).days
    let ids: string[] = []
    let day: ReportRange | undefined
    return () => {
      if (ids.length === 0) {
        day = settled.pop() // newest first: the days most reports ask for
        if (day === undefined) return false
        ids = this.reader.operators().map((o) => o.operatorId)
      }
      this.callSums(day!, nowMs, ids.splice(0, Math.max(1, operatorsPerStep)))
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

  /** Today's digest (local day so far) as `who` should see it, in `lang`. */
  digest (who: { role: Recipient['role']; operatorId: string | null }, nowMs: number, lang: DigestLanguage = this.settings.language): Digest {
    const s = this.settings
    const w = words[lang]
    const today = { fromMs: DateTime.fromMillis(nowMs, { zone: s.timeZone }).startOf('day').toMillis(), toMs: nowMs }
    const table = this.operators(today, nowMs, 'deals', 'desc')
    const recentFrom = nowMs - s.thresholds.silentSourceHours * 3_600_000
    const problems = problemZones({
      rows: table.rows,
      overdue: this.reader.overdueLeads(nowMs),
      sources: this.reader.sourceCalls(recentFrom - 7 * 86_400_000, recentFrom, nowMs)
    }, s.thresholds, lang)
    const when = DateTime.fromMillis(nowMs, { zone: s.timeZone }).toFormat('dd.MM.yyyy HH:mm')
    // Money as the reader's language writes it: "RUB 1,499.00" in English, "1 499,00 ₽" in Russian.
    const money = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'ru-RU', { style: 'currency', currency: s.currency, currencyDisplay: lang === 'en' ? 'code' : 'narrowSymbol' })
    const m = (minor: number): string => money.format(minor / 100)
    const t = table.totals
    if (who.role === 'operator') {
      const mine = table.rows.find((r) => r.operatorId === who.operatorId)
      const myProblems = problems.filter((p) => p.kind !== 'silent_source' && p.subject === (mine?.name ?? ''))
      const subject = `ringlead ${when}: ${w.youSubject(mine?.answered ?? 0, mine?.missed ?? 0, mine?.deals ?? 0)}`
      const html = page(w.yourDay(when), [
        mine ? section(w.yourNumbers, numbersTable([mine], m, w)) : `<p>${esc(w.noNumbers)}</p>`,
        section(w.leaderboard, leaderboardTable(table.rows, who.operatorId, w)),
        section(w.attention, problemList(myProblems, w))
      ], lang)
      return { subject, html, problems: myProblems }
    }
    const subject = `ringlead ${when}: ${w.teamSubject(t.offered, new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'ru-RU', { style: 'percent', maximumFractionDigits: 1 }).format(t.missedPct / 100), t.deals, m(t.revenue))}`
    const html = page(w.teamDay(when), [
      section(w.team, numbersTable([{ name: w.team, ...t }], m, w)),
      section(w.problems, problemList(problems, w)),
      section(w.operators, numbersTable(table.rows, m, w))
    ], lang)
    return { subject, html, problems }
  }
}

// ---- digest HTML: plain tables with inline styles, which mail clients keep ----

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
const cell = 'style="border:1px solid #ccc;padding:4px 8px;text-align:right"'
const head = 'style="border:1px solid #ccc;padding:4px 8px;background:#f3f3f3"'

/** Every word of the digest, in each language the console speaks. */
const words = {
  en: {
    youSubject: (a: number, mi: number, d: number) => `you answered ${a}, missed ${mi}, deals ${d}`,
    teamSubject: (o: number, pct: string, d: number, rev: string) => `${o} offered, ${pct} missed, ${d} deals, ${rev}`,
    yourDay: (when: string) => `Your day so far (${when})`, teamDay: (when: string) => `Team numbers today (${when})`,
    yourNumbers: 'Your numbers', noNumbers: 'No numbers for you today.', leaderboard: 'Leaderboard', attention: 'Needs your attention',
    team: 'Team', problems: 'Problem zones', operators: 'Operators', nothing: 'Nothing needs attention.',
    operator: 'Operator', cols: ['Offered', 'Answered', 'Missed', 'Missed %', 'Avg answer', 'Talk', 'Leads', 'In SLA', 'Avg response', 'Deals', 'Conversion', 'Revenue', 'QA'],
    s: 's', min: 'min'
  },
  ru: {
    youSubject: (a: number, mi: number, d: number) => `отвечено ${a}, пропущено ${mi}, сделок ${d}`,
    teamSubject: (o: number, pct: string, d: number, rev: string) => `звонков ${o}, пропущено ${pct}, сделок ${d}, ${rev}`,
    yourDay: (when: string) => `Ваш день (${when})`, teamDay: (when: string) => `Команда сегодня (${when})`,
    yourNumbers: 'Ваши цифры', noNumbers: 'Сегодня у вас пока нет цифр.', leaderboard: 'Рейтинг', attention: 'Требует внимания',
    team: 'Команда', problems: 'Проблемные зоны', operators: 'Операторы', nothing: 'Всё в порядке.',
    operator: 'Оператор', cols: ['Предложено', 'Отвечено', 'Пропущено', '% пропущ.', 'Ср. ответ', 'Разговор', 'Заявки', 'В срок', 'Ср. реакция', 'Сделки', 'Конверсия', 'Выручка', 'QA'],
    s: 'с', min: 'мин'
  }
}
type Words = typeof words.en

function page (title: string, parts: string[], lang: DigestLanguage): string {
  return `<!doctype html><html lang="${lang}"><body style="font-family:sans-serif"><h2>${esc(title)}</h2>${parts.join('\n')}</body></html>`
}
const section = (title: string, body: string): string => `<h3>${esc(title)}</h3>\n${body}`

function numbersTable (rows: ReadonlyArray<{ name: string } & EfficiencyNumbers>, m: (minor: number) => string, w: Words): string {
  const seconds = (ms: number): string => `${Math.round(ms / 1000)} ${w.s}`
  const minutes = (ms: number): string => `${Math.round(ms / 60_000)} ${w.min}`
  const values: Array<(r: EfficiencyNumbers) => string> = [
    (r) => String(r.offered), (r) => String(r.answered), (r) => String(r.missed),
    (r) => `${r.missedPct}%`, (r) => seconds(r.avgAnswerMs), (r) => minutes(r.talkMs),
    (r) => String(r.leadsOwned), (r) => String(r.leadsInSla), (r) => minutes(r.avgResponseMs),
    (r) => String(r.deals), (r) => `${r.conversionPct}%`, (r) => m(r.revenue),
    (r) => (r.avgQaScore === null ? '—' : String(r.avgQaScore))
  ]
  const cols = values.map((v, i) => [w.cols[i]!, v] as const)
  const header = `<tr><th ${head}>${esc(w.operator)}</th>${cols.map(([h]) => `<th ${head}>${esc(h)}</th>`).join('')}</tr>`
  const body = rows.map((r) => `<tr><td ${head}>${esc(r.name)}</td>${cols.map(([, v]) => `<td ${cell}>${esc(v(r))}</td>`).join('')}</tr>`).join('\n')
  return `<table style="border-collapse:collapse">${header}\n${body}</table>`
}

function leaderboardTable (rows: readonly EfficiencyRow[], me: string | null, w: Words): string {
  const body = rows.map((r, i) => {
    const name = r.operatorId === me ? `<b>${esc(r.name)}</b>` : esc(r.name)
    return `<tr><td ${cell}>${i + 1}</td><td ${head}>${name}</td><td ${cell}>${r.answered}</td><td ${cell}>${r.deals}</td></tr>`
  }).join('\n')
  return `<table style="border-collapse:collapse"><tr><th ${head}>#</th><th ${head}>${esc(w.operator)}</th><th ${head}>${esc(w.cols[1]!)}</th><th ${head}>${esc(w.cols[9]!)}</th></tr>\n${body}</table>`
}

const problemList = (problems: readonly Problem[], w: Words): string =>
  problems.length === 0 ? `<p>${esc(w.nothing)}</p>` : `<ul>${problems.map((p) => `<li>${esc(p.text)}</li>`).join('\n')}</ul>`
