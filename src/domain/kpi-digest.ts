// Pure: the problem zones a digest names, from the day's table and a few counts.
import type { EfficiencyRow } from './kpi.js'

export interface DigestThresholds {
  missedAlertCount: number
  missedAlertPct: number
  qaAlertScore: number
  silentSourceMinCalls: number
  silentSourceHours: number
}

export type ProblemKind = 'misses' | 'overdue' | 'low_qa' | 'silent_source'
export interface Problem { kind: ProblemKind; subject: string; text: string }

export interface ProblemFacts {
  rows: readonly EfficiencyRow[]
  /** Overdue open leads per owner (null: nobody owns them). */
  overdue: ReadonlyMap<string | null, number>
  /** Inbound calls per source in the recent window and in the 7 days before it. */
  sources: ReadonlyArray<{ source: string; recent: number; before: number }>
}

/**
 * Named problems, worst first within each kind: operators with many misses, overdue leads by
 * owner, low QA scores (only where known), and sources that brought calls before and none lately.
 */
export type DigestLanguage = 'ru' | 'en'

/** The problem sentences, in each language the console speaks. */
const say = {
  en: {
    misses: (n: string, missed: number, offered: number, pct: number) => `${n} missed ${missed} of ${offered} calls offered (${percentText('en', pct)})`,
    nobody: 'nobody',
    unowned: (k: number) => `${k} overdue lead(s) have no owner`,
    overdue: (who: string, k: number) => `${who} has ${k} overdue lead(s)`,
    lowQa: (n: string, score: number, limit: number) => `${n}: average QA score ${score} (below ${limit})`,
    silent: (src: string, h: number, before: number) => `source ${src} brought no calls in the last ${h} h (${before} in the 7 days before)`
  },
  ru: {
    misses: (n: string, missed: number, offered: number, pct: number) => `${n}: пропущено ${missed} из ${offered} звонков (${percentText('ru', pct)})`,
    nobody: 'никто',
    unowned: (k: number) => `просроченных заявок без владельца: ${k}`,
    overdue: (who: string, k: number) => `${who}: просроченных заявок ${k}`,
    lowQa: (n: string, score: number, limit: number) => `${n}: средняя оценка QA ${score} (ниже ${limit})`,
    silent: (src: string, h: number, before: number) => `источник ${src} не дал звонков за ${h} ч (за 7 дней до этого: ${before})`
  }
}

export function problemZones (f: ProblemFacts, t: DigestThresholds, lang: DigestLanguage = 'en'): Problem[] {
  const w = say[lang]
  const out: Problem[] = []
  const nameOf = new Map(f.rows.map((r) => [r.operatorId, r.name]))
  for (const r of [...f.rows].sort((a, b) => b.missed - a.missed)) {
    if (r.missed >= t.missedAlertCount && r.missedPct >= t.missedAlertPct) {
      out.push({ kind: 'misses', subject: r.name, text: w.misses(r.name, r.missed, r.offered, r.missedPct) })
    }
  }
  for (const [operatorId, n] of [...f.overdue.entries()].sort((a, b) => b[1] - a[1])) {
    if (n <= 0) continue
    const who = operatorId === null ? w.nobody : nameOf.get(operatorId) ?? operatorId
    out.push({ kind: 'overdue', subject: who, text: operatorId === null ? w.unowned(n) : w.overdue(who, n) })
  }
  for (const r of f.rows) {
    if (r.avgQaScore !== null && r.avgQaScore < t.qaAlertScore) {
      out.push({ kind: 'low_qa', subject: r.name, text: w.lowQa(r.name, r.avgQaScore, t.qaAlertScore) })
    }
  }
  for (const s of [...f.sources].sort((a, b) => b.before - a.before)) {
    if (s.recent === 0 && s.before >= t.silentSourceMinCalls) {
      out.push({ kind: 'silent_source', subject: s.source, text: w.silent(s.source, t.silentSourceHours, s.before) })
    }
  }
  return out
}

/** Percentage points as the language writes them: 33.3% in English, 33,3 % in Russian. */
function percentText (lang: 'en' | 'ru', points: number): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'ru-RU', { style: 'percent', maximumFractionDigits: 1 }).format(points / 100)
}
