// Lead settings from the config: the matrix, the calendar, deadlines and the ladder, checked once.
import type { Config } from '../config.js'
import { ConfigError } from '../config.js'
import { checkStatusMatrix, defaultStatusMatrix, type StatusMatrix } from '../domain/lead-status.js'
import { parseCalendar } from '../domain/sla-clock.js'
import type { LeadSettings } from './lead-service.js'

export function leadSettingsFrom (config: Config): LeadSettings {
  const problems: string[] = []
  const c = config.leads
  let matrix: StatusMatrix = defaultStatusMatrix
  if (c.statusMatrix.trim() !== '') {
    try {
      matrix = JSON.parse(c.statusMatrix) as StatusMatrix
      for (const p of checkStatusMatrix(matrix)) problems.push(`RINGLEAD_LEADS_STATUS_MATRIX: ${p}`)
    } catch (err) {
      problems.push(`RINGLEAD_LEADS_STATUS_MATRIX: ${(err as Error).message}`)
    }
  }
  let calendar = parseCalendarSafe(c.timeZone, c.workingHours, problems)
  let responseMinutesBy: Record<string, number> = {}
  try {
    responseMinutesBy = JSON.parse(c.responseMinutesBy) as Record<string, number>
    for (const [k, v] of Object.entries(responseMinutesBy)) {
      if (!/^(source|category):.+$/.test(k)) problems.push(`RINGLEAD_LEADS_RESPONSE_MINUTES_BY: key "${k}" must be source:<name> or category:<id>`)
      if (typeof v !== 'number' || v <= 0) problems.push(`RINGLEAD_LEADS_RESPONSE_MINUTES_BY: "${k}" must be a positive number of minutes`)
    }
  } catch (err) {
    problems.push(`RINGLEAD_LEADS_RESPONSE_MINUTES_BY: ${(err as Error).message}`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  calendar = calendar!
  return {
    matrix,
    calendar,
    responseMinutes: c.responseMinutes,
    responseMinutesBy,
    dedupWindowMs: c.dedupWindowHours * 3_600_000,
    refusalReasons: refusalReasonsOf(config),
    ladder: {
      reminderBeforeMinutes: c.reminderBeforeMinutes,
      ownerCallRetries: c.ownerCallRetries,
      retryEveryMinutes: c.retryEveryMinutes,
      managerGraceMinutes: c.managerGraceMinutes
    },
    defaultRegion: config.calls.defaultRegion
  }
}

/** The configured refusal reasons, in their order: what a refusal must name. */
export function refusalReasonsOf (config: Config): string[] {
  return config.leads.refusalReasons.split(',').map((r) => r.trim()).filter(Boolean)
}

function parseCalendarSafe (timeZone: string, json: string, problems: string[]): ReturnType<typeof parseCalendar> | undefined {
  try {
    return parseCalendar(timeZone, json)
  } catch (err) {
    problems.push(`RINGLEAD_LEADS_WORKING_HOURS / RINGLEAD_LEADS_TIME_ZONE: ${(err as Error).message}`)
    return undefined
  }
}
