// Pure: the colours of the wallboard's figures (service level, callers waiting, longest wait) for
// the whole board and for each category, decided once here and carried by the live feed, so every
// browser only shows them. The longest wait grows by itself between events: it is carried as the
// grades it will have from given moments on.
import { grade, type Grade, type ServiceLevelView } from './service-level.js'
import { emptyRecord } from './empty-record.js'

export interface Thresholds { warn: number; alarm: number }

export interface BoardThresholds {
  /** Percent: bad below. */
  serviceLevel: Thresholds
  /** Milliseconds: bad above. */
  longestWaitMs: Thresholds
  /** Callers: bad above. */
  waiting: Thresholds
}

/** The grade a figure has from `fromMs` on (until the next step). */
export interface GradeStep { fromMs: number; grade: Grade }

export interface FigureGrades {
  serviceLevel: Grade
  waiting: Grade
  /** Ascending by `fromMs`; the first holds from before the oldest caller arrived. */
  longestWait: GradeStep[]
}

export interface BoardGrades {
  all: FigureGrades
  byCategory: Record<string, FigureGrades>
  /** For a category with no outcome today and nobody waiting. */
  quiet: FigureGrades
}

/** The wallboard's thresholds as the config gives them (percent, seconds, callers). */
export function boardThresholds (w: {
  serviceLevelWarnPct: number; serviceLevelAlarmPct: number; longestWaitWarnSeconds: number; longestWaitAlarmSeconds: number; waitingWarn: number; waitingAlarm: number
}): BoardThresholds {
  return {
    serviceLevel: { warn: w.serviceLevelWarnPct, alarm: w.serviceLevelAlarmPct },
    longestWaitMs: { warn: w.longestWaitWarnSeconds * 1000, alarm: w.longestWaitAlarmSeconds * 1000 },
    waiting: { warn: w.waitingWarn, alarm: w.waitingAlarm }
  }
}

/**
 * The longest wait's grades over time when the oldest caller arrived at `oldestArrivedAt` (null:
 * nobody waits). grade() can change only just past a threshold, so it is asked there.
 */
export function waitGradeSteps (oldestArrivedAt: number | null, t: Thresholds): GradeStep[] {
  if (oldestArrivedAt === null) return [{ fromMs: 0, grade: grade(null, t, true) }]
  const waits = [0, Math.floor(t.warn) + 1, Math.floor(t.alarm) + 1].filter((w) => w >= 0).sort((a, b) => a - b)
  const steps: GradeStep[] = []
  for (const w of waits) {
    const g = grade(w, t, true)
    if (steps.at(-1)?.grade !== g) steps.push({ fromMs: oldestArrivedAt + w, grade: g })
  }
  return steps
}

/** The grade the steps give at `nowMs` (the first step's before it begins). */
export function gradeAt (steps: readonly GradeStep[], nowMs: number): Grade {
  let g = steps[0]?.grade ?? 'ok'
  for (const s of steps) if (s.fromMs <= nowMs) g = s.grade
  return g
}

function figureGrades (serviceLevelPct: number | null, line: ReadonlyArray<{ arrivedAt: number }>, t: BoardThresholds): FigureGrades {
  let oldest: number | null = null
  for (const c of line) if (oldest === null || c.arrivedAt < oldest) oldest = c.arrivedAt
  return {
    serviceLevel: grade(serviceLevelPct, t.serviceLevel, false),
    waiting: grade(line.length, t.waiting, true),
    longestWait: waitGradeSteps(oldest, t.longestWaitMs)
  }
}

/** Every figure's grade, overall and for each category with an outcome today or a caller waiting. */
export function boardGrades (line: ReadonlyArray<{ arrivedAt: number; categoryId: string | null }>, serviceLevel: ServiceLevelView, t: BoardThresholds): BoardGrades {
  const categories = new Set([...Object.keys(serviceLevel.byCategory), ...line.flatMap((c) => (c.categoryId === null ? [] : [c.categoryId]))])
  const byCategory = emptyRecord<FigureGrades>()
  for (const categoryId of [...categories].sort()) {
    byCategory[categoryId] = figureGrades(serviceLevel.byCategory[categoryId]?.pct ?? null, line.filter((c) => c.categoryId === categoryId), t)
  }
  return { all: figureGrades(serviceLevel.pct, line, t), byCategory, quiet: figureGrades(null, [], t) }
}
