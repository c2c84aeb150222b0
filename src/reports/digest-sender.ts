// Sends each recipient their digest. A failed send is logged and the recipient is tried again on the
// next run, with the numbers of that moment: a stale digest is not worth re-sending.
import type { Logger } from 'pino'
import type { Mailer } from '../notify/mailer.js'
import type { Recipient } from './recipients.js'
import type { ReportService } from './report-service.js'

export interface DigestRun { sent: string[]; failed: string[] }

export class DigestSender {
  /** Recipients whose last send failed, for the log of the next run. */
  private failedBefore = new Set<string>()

  constructor (private readonly deps: { reports: ReportService; mailer: Mailer; log: Logger; recipients?: () => Recipient[] }) {}

  async run (nowMs: number): Promise<DigestRun> {
    const { reports, mailer, log } = this.deps
    const out: DigestRun = { sent: [], failed: [] }
    for (const r of (this.deps.recipients ?? (() => reports.recipients()))()) {
      try {
        const digest = reports.digest({ role: r.role, operatorId: r.operatorId }, nowMs)
        await mailer.send({ to: r.email, subject: digest.subject, html: digest.html })
        out.sent.push(r.email)
        if (this.failedBefore.has(r.email)) log.info({ to: r.email }, 'digest sent after an earlier failure')
      } catch (err) {
        out.failed.push(r.email)
        log.warn({ to: r.email, err: (err as Error).message }, 'digest not sent; tried again next run')
      }
    }
    this.failedBefore = new Set(out.failed)
    log.info({ sent: out.sent.length, failed: out.failed.length }, 'digests')
    return out
  }
}
