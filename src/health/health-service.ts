// What GET /api/health reports: the database answering, and whatever the running parts say about
// themselves. Degraded when the database does not answer or a part reports trouble.
import { pingDb, type Db } from '../db/open.js'

/** A part reports trouble as `{ ok: false }`, `'down'`/`'disconnected'`, or `status: 'degraded'`. */
function isTrouble (value: unknown): boolean {
  if (value === 'down' || value === 'disconnected' || value === 'degraded') return true
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false
}

export type HealthReport = Record<string, unknown> & { status: 'ok' | 'degraded' }

export class HealthService {
  /** `probe`: extra facts (link states, active calls…), each part under its own key. */
  constructor (private readonly db: Db, private readonly probe?: () => Record<string, unknown>) {}

  /** The report; a failing check is logged on `log` and shows in the report, it never throws. */
  report (log: { error: (obj: object, msg: string) => void }): HealthReport {
    let parts: Record<string, unknown> = {}
    let degraded = false
    try {
      pingDb(this.db)
      parts.db = 'ok'
    } catch (err) {
      log.error({ err }, 'health: database check failed')
      parts.db = 'down'
      degraded = true
    }
    try {
      parts = { ...parts, ...(this.probe?.() ?? {}) }
    } catch (err) {
      log.error({ err }, 'health: probe failed')
      parts.probe = 'failed'
      degraded = true
    }
    if (Object.values(parts).some(isTrouble)) degraded = true
    return { ...parts, status: degraded ? 'degraded' : 'ok' }
  }
}
