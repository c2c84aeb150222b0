// The wallboard's and pauses' sections of the config: schemas only. Values come from the
// environment through config.ts, the only module that reads it.
import { Type } from '@sinclair/typebox'

export const WallboardConfigSchema = Type.Object({
  /** Service level: a call counts as answered in time when answered within this many seconds of arriving. */
  serviceLevelSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 20 }),
  /** The service level turns amber below this percentage, red below the alarm one. */
  serviceLevelWarnPct: Type.Number({ minimum: 0, maximum: 100, default: 80 }),
  serviceLevelAlarmPct: Type.Number({ minimum: 0, maximum: 100, default: 60 }),
  /** The longest current wait turns amber above this many seconds, red above the alarm one. */
  longestWaitWarnSeconds: Type.Integer({ minimum: 1, default: 60 }),
  longestWaitAlarmSeconds: Type.Integer({ minimum: 1, default: 120 }),
  /** The count of waiting callers turns amber above this, red above the alarm one. */
  waitingWarn: Type.Integer({ minimum: 0, default: 3 }),
  waitingAlarm: Type.Integer({ minimum: 0, default: 6 })
}, { default: {} })

export const PauseConfigSchema = Type.Object({
  /** Reasons an operator may pause for, comma-separated codes; the n-th is also `<reasonCodePrefix><n>` on the phone. */
  reasons: Type.String({ default: 'lunch,training,break,meeting', pattern: '^[a-z][a-z0-9_]{0,31}(,[a-z][a-z0-9_]{0,31}){0,8}$' }),
  /** Feature code prefix: dialling it and a digit 1–9 pauses with that reason. */
  reasonCodePrefix: Type.String({ default: '*41', pattern: '^[*#0-9]{2,7}$' })
}, { default: {} })

/** The configured reasons, in order (the digit after the prefix is the position, from 1). */
export const pauseReasonsOf = (setting: string): string[] => setting.split(',').map((s) => s.trim()).filter((s) => s !== '')

/** The phone's pause-with-reason codes as the dialplan renders them: the prefix and how many reasons follow it. */
export const pauseReasonCodes = (p: { reasons: string; reasonCodePrefix: string }): { prefix: string; count: number } =>
  ({ prefix: p.reasonCodePrefix, count: pauseReasonsOf(p.reasons).length })

/** Thresholds that contradict each other: the warning must come before the alarm. */
export function wallboardProblems (w: { serviceLevelWarnPct: number; serviceLevelAlarmPct: number; longestWaitWarnSeconds: number; longestWaitAlarmSeconds: number; waitingWarn: number; waitingAlarm: number }): string[] {
  const problems: string[] = []
  if (w.serviceLevelAlarmPct > w.serviceLevelWarnPct) problems.push(`RINGLEAD_WALLBOARD_SERVICE_LEVEL_ALARM_PCT (${w.serviceLevelAlarmPct}) must not be above RINGLEAD_WALLBOARD_SERVICE_LEVEL_WARN_PCT (${w.serviceLevelWarnPct})`)
  if (w.longestWaitAlarmSeconds < w.longestWaitWarnSeconds) problems.push(`RINGLEAD_WALLBOARD_LONGEST_WAIT_ALARM_SECONDS (${w.longestWaitAlarmSeconds}) must not be below RINGLEAD_WALLBOARD_LONGEST_WAIT_WARN_SECONDS (${w.longestWaitWarnSeconds})`)
  if (w.waitingAlarm < w.waitingWarn) problems.push(`RINGLEAD_WALLBOARD_WAITING_ALARM (${w.waitingAlarm}) must not be below RINGLEAD_WALLBOARD_WAITING_WARN (${w.waitingWarn})`)
  return problems
}
