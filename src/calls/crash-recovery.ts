// What a crash (kill -9, power cut) left behind, given its real outcome at the next start.
//
// Once Asterisk has been asked what it still holds (the first connection): a conversation still
// bridged is adopted and written when it really ends; a caller still waiting is routed again as a
// new call and the old one is closed as continued; every other call from before the start whose
// outcome never went out is closed (if it was still open) and published like any ended call:
// call.ended on the bus, and through CallOutcomes its webhook and lead, once. Recordings Asterisk
// holds are copied and finalised; those it does not are marked missing with the reason.
import type { Logger } from 'pino'
import type { AriLink } from '../asterisk/ari-link.js'
import { AsteriskCommandFailed } from '../asterisk/errors.js'
import type { Bus } from '../bus.js'
import { sleep, type Clock } from '../clock.js'
import { openCallStatuses, type CallRow, type CallsRepo, type RecordingRow } from '../db/calls-repo.js'
import type { CallEnded } from '../domain/call-events.js'
import type { RecordingStore } from './recording-store.js'
import { findTaken, takeFromSpool } from './spool-recording.js'
import { fetchClosedRecording, type AsteriskCopies } from './stored-recording.js'
import { wavDurationMs } from './wav-duration.js'

export interface CrashRecoveryDeps {
  ari: AriLink
  repo: CallsRepo
  store: RecordingStore
  bus: Bus
  log: Logger
  clock: Clock
  /** How long an adopted call's recordings may take to be finished by Asterisk, in ms. */
  recordingSettleMs: number
  /** Leave Asterisk's copy of a recording once stored here (default: removed, see AsteriskCopies). */
  keepInAsterisk?: boolean
  /** Removes Asterisk's copies a few at a time in the background. */
  copies: AsteriskCopies
  /** Asterisk's stored-recordings directory on this machine's disk (see call-recorder.ts). */
  spoolDir?: string | null
}

export const interruptedReason = 'ringlead stopped during the call (crash or kill); closed at the next start'

const isOpen = (status: string): boolean => (openCallStatuses as readonly string[]).includes(status)

export class CrashRecovery {
  private readonly log: Logger
  /** Calls started before this moment are the previous run's. */
  private readonly startedAtMs: number
  private readonly adopted = new Set<string>()
  private readonly continued = new Set<string>()
  private done: Promise<void> | null = null

  constructor (private readonly deps: CrashRecoveryDeps) {
    this.log = deps.log.child({ part: 'recovery' })
    this.startedAtMs = deps.clock.now()
  }

  /** A conversation from before the start, still bridged: its row waits for its real end. */
  adopt (callId: string): void {
    this.adopted.add(callId)
  }

  /**
   * A caller from before the start that Asterisk still holds, routed again as a new call: the old
   * call is closed as interrupted, with no lead (the new call makes it).
   */
  continueCaller (channelId: string): void {
    const row = this.deps.repo.lastCallOfChannel(channelId)
    if (!row || row.startedAt >= this.startedAtMs || row.outcomePublishedAt !== null || this.continued.has(row.callId)) return
    this.continued.add(row.callId)
    const closed = isOpen(row.status) ? this.close(row, 'ringlead stopped during the call; the caller, still on the line, was routed again') : row
    this.deps.bus.emit('call.ended', { ...this.eventOf(closed, []), continued: true })
  }

  /** Once, after the first look at Asterisk: every other call the previous run left. */
  settle (): Promise<void> {
    this.done ??= this.settleAll().catch((err: Error) => { this.log.error({ err }, 'crash recovery failed') })
    return this.done
  }

  private async settleAll (): Promise<void> {
    // The journal of writes made while the database was locked lands first: it holds real outcomes.
    await this.deps.repo.writes.flushed()
    const rows = this.deps.repo.unpublishedCalls(this.startedAtMs).filter((r) => !this.adopted.has(r.callId) && !this.continued.has(r.callId))
    if (rows.length > 0) this.log.warn({ calls: rows.length }, 'calls left by a crash: closing them with their outcome')
    for (const row of rows) {
      const recordings = await this.finishRecordings(row.callId, false)
      const closed = isOpen(row.status) ? this.close(row, interruptedReason) : row
      this.deps.bus.emit('call.ended', this.eventOf(closed, recordings))
      this.log.info({ callId: row.callId, status: closed.status }, 'interrupted call closed')
    }
  }

  /** An adopted conversation ended: its real end, talk time and who hung up, then its outcome. */
  async endAdopted (callId: string, hangupBy: CallEnded['hangupBy']): Promise<void> {
    if (!this.adopted.delete(callId)) return
    const row = this.deps.repo.call(callId)
    if (!row || !isOpen(row.status)) return
    const endedAt = this.deps.clock.now()
    const answeredAt = row.answeredAt ?? endedAt
    const patch = { status: 'answered' as const, endedAt, talkMs: endedAt - answeredAt, ringMs: answeredAt - row.startedAt, hangupBy, endReason: null }
    this.deps.repo.transaction(() => {
      this.deps.repo.updateCall(callId, patch)
      if (row.customerId) this.deps.repo.rememberCustomerCall(row.customerId, row.answeredBy, endedAt)
    })
    this.log.info({ callId, talkMs: patch.talkMs, hangupBy }, 'adopted call ended')
    const recordings = await this.finishRecordings(callId, true)
    this.deps.bus.emit('call.ended', this.eventOf({ ...row, ...patch }, recordings))
  }

  private close (row: CallRow, reason: string): CallRow {
    const nowMs = this.deps.clock.now()
    const patch = {
      status: 'interrupted' as const, endedAt: nowMs, endReason: reason, hangupBy: null,
      ringMs: (row.answeredAt ?? nowMs) - row.startedAt,
      talkMs: row.answeredAt === null ? 0 : nowMs - row.answeredAt,
      ...(row.queuedAt !== null && row.answeredAt === null ? { waitMs: nowMs - row.queuedAt, queueOutcome: 'interrupted' as const } : {})
    }
    this.deps.repo.transaction(() => {
      this.deps.repo.updateCall(row.callId, patch)
      this.deps.repo.interruptAttempts(row.callId, nowMs)
    })
    return { ...row, ...patch }
  }

  /**
   * Copies what Asterisk holds of the call's unfinished recordings; the rest are marked missing
   * with the reason. `waitForAsterisk`: the call just ended, Asterisk may still be closing the files.
   */
  private async finishRecordings (callId: string, waitForAsterisk: boolean): Promise<Array<{ kind: RecordingRow['kind']; name: string }>> {
    const settled = await Promise.all(this.deps.repo.recordingsOf(callId).map(async (rec) => {
      if (rec.status !== 'recording') return rec.status === 'stored' ? rec : null
      if (await this.takeFromSpool(rec, waitForAsterisk)) return rec
      const fetched = await this.fetchRecording(rec.name, waitForAsterisk ? this.deps.recordingSettleMs : 0)
      const endedAt = this.deps.clock.now()
      if ('problem' in fetched) {
        this.log.warn({ callId, recording: rec.name, problem: fetched.problem }, 'recording lost in the crash')
        this.deps.repo.updateRecording(rec.recordingId, { status: 'missing', error: `lost: ${fetched.problem}`, endedAt })
        return null
      }
      const saved = await this.deps.store.save(rec.name, endedAt, fetched.bytes)
      this.deps.repo.updateRecording(rec.recordingId, { status: 'stored', path: saved.path, bytes: saved.bytes, durationMs: wavDurationMs(fetched.bytes), endedAt })
      if (this.deps.keepInAsterisk !== true) this.deps.copies.drop(rec.name)
      return rec
    }))
    return settled.flatMap((rec) => rec === null ? [] : [{ kind: rec.kind, name: rec.name }])
  }

  /**
   * With a spool on this disk: the file moved from it now, or moved before the crash and not yet
   * written down (it is in the store under its start's day). False: ask ARI as without a spool.
   */
  private async takeFromSpool (rec: RecordingRow, waitForAsterisk: boolean): Promise<boolean> {
    const { spoolDir, store, clock } = this.deps
    if (!spoolDir) return false
    const taken = await takeFromSpool({ spoolDir, name: rec.name, store, atMs: rec.startedAt, clock, waitMs: waitForAsterisk ? this.deps.recordingSettleMs : 0, keepInAsterisk: this.deps.keepInAsterisk })
    const found = 'path' in taken ? taken : await findTaken(store, rec.name, rec.startedAt)
    if (found === null) return false
    this.deps.repo.updateRecording(rec.recordingId, { status: 'stored', path: found.path, bytes: found.bytes, durationMs: wavDurationMs(found.head), endedAt: clock.now() })
    return true
  }

  /** The finished file from Asterisk; while it is missing or still open, asks again until `waitMs` passed. */
  private async fetchRecording (name: string, waitMs: number): Promise<{ bytes: Buffer } | { problem: string }> {
    const got = await fetchClosedRecording(this.deps.ari, this.deps.clock, name, waitMs)
    if ('bytes' in got) return got
    return { problem: got.notFound ? 'ringlead stopped during the call and Asterisk holds no such recording' : got.problem }
  }

  private eventOf (row: CallRow, recordings: CallEnded['recordings']): CallEnded {
    const endedAt = row.endedAt ?? this.deps.clock.now()
    const json = <T>(text: string | null, fallback: T): T => {
      if (!text) return fallback
      try { return JSON.parse(text) as T } catch { return fallback }
    }
    return {
      callId: row.callId, direction: row.direction, status: row.status as CallEnded['status'],
      callerPhone: row.callerPhone, callerRaw: row.callerRaw, customerId: row.customerId, did: row.did,
      source: row.source, categoryId: row.categoryId, campaign: row.campaign, utm: json<Record<string, string> | null>(row.utm, null),
      answeredBy: row.answeredBy,
      attempts: this.deps.repo.attempts(row.callId).map((a) => ({ operatorId: a.operatorId, result: a.result })),
      startedAt: row.startedAt, answeredAt: row.answeredAt, endedAt,
      ringMs: row.ringMs ?? (row.answeredAt ?? endedAt) - row.startedAt, talkMs: row.talkMs ?? 0,
      hangupBy: row.hangupBy, recordings, menuPath: json<string[]>(row.menuPath, []),
      waitMs: row.waitMs, endReason: row.endReason, leadId: row.leadId, dialledPhone: row.dialledPhone
    }
  }
}
