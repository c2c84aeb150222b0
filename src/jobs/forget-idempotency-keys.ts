// Hourly: idempotency keys older than the retention are forgotten. The job only passes the time in.
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { IntakeService } from '../leads/intake-service.js'

export function scheduleForgetIdempotencyKeys (intake: Pick<IntakeService, 'forgetExpiredKeys'>, now: () => number, log: Logger): ScheduledTask {
  return cron.schedule('17 * * * *', () => {
    try {
      const removed = intake.forgetExpiredKeys(now())
      if (removed > 0) log.info({ removed }, 'old idempotency keys forgotten')
    } catch (err) {
      log.error({ err }, 'forgetting idempotency keys failed')
    }
  }, { noOverlap: true, name: 'forget-idempotency-keys' })
}
