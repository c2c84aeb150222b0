// Digests at the configured times, in the shop's time zone. The job only passes the time in.
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import { ConfigError } from '../config.js'
import type { DigestSender } from '../reports/digest-sender.js'

/** "0 10 * * *;0 14 * * *" → the expressions; a bad one is a config error naming it. */
export function digestExpressions (schedule: string): string[] {
  const expressions = schedule.split(';').map((e) => e.trim()).filter(Boolean)
  const bad = expressions.filter((e) => !cron.validate(e))
  if (bad.length > 0) throw new ConfigError(bad.map((e) => `RINGLEAD_REPORTS_DIGEST_SCHEDULE: "${e}" is not a cron expression`))
  return expressions
}

export function scheduleDigests (sender: DigestSender, schedule: string, timeZone: string, now: () => number, log: Logger): ScheduledTask[] {
  return digestExpressions(schedule).map((expression, i) => cron.schedule(expression, async () => {
    try {
      await sender.run(now())
    } catch (err) {
      log.error({ err }, 'digest run failed')
    }
  }, { timezone: timeZone, noOverlap: true, name: `digests-${i}` }))
}
