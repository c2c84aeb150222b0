// Records one call: the mixed bridge, and each party on its own through a snoop channel, so the
// transcript knows who said what. Failures are written down; the call goes on without them.
import type { Logger } from 'pino'
import type { AriLink, LegEvent, RecordingEvent } from '../asterisk/ari-link.js'
import { withDeadline, type Clock } from '../clock.js'
import type { CallsRepo } from '../db/calls-repo.js'
import type { RecordingStore } from './recording-store.js'
import { wavDurationMs } from './wav-duration.js'
import { ignoreChannelGone } from '../asterisk/expected-errors.js'

type Kind = 'mixed' | 'caller' | 'operator'

interface Track {
  recordingId: string; kind: Kind; name: string
  finished: Promise<RecordingEvent | null>
  unwatch: () => void
}

export interface RecorderDeps {
  ari: AriLink; repo: CallsRepo; store: RecordingStore; log: Logger
  clock: Clock; newId: () => string
  /** How long to wait for Asterisk to finish writing. */
  settleMs: number
  /** How long a snoop channel may take to enter the app. */
  snoopWaitMs: number
}

export class CallRecorder {
  private readonly tracks: Track[] = []
  private readonly snoops: string[] = []

  constructor (private readonly deps: RecorderDeps, private readonly callId: string) {}

  private track (kind: Kind): { recordingId: string; name: string; finished: Promise<RecordingEvent | null>; unwatch: () => void } {
    const name = `${this.callId}-${kind}`
    const recordingId = this.deps.newId()
    let settle!: (e: RecordingEvent | null) => void
    const finished = new Promise<RecordingEvent | null>((resolve) => { settle = resolve })
    const unwatch = this.deps.ari.watchRecording(name, (e) => {
      if (e.kind === 'finished' || e.kind === 'failed') settle(e)
    })
    this.deps.repo.insertRecording({ recordingId, callId: this.callId, kind, name, format: 'wav', status: 'recording', startedAt: this.deps.clock.now() })
    const t = { recordingId, kind, name, finished, unwatch }
    this.tracks.push(t)
    return t
  }

  private failed (t: { recordingId: string; name: string }, err: unknown): void {
    const message = (err as Error).message
    this.deps.log.warn({ recording: t.name, err: message }, 'recording could not start')
    this.deps.repo.updateRecording(t.recordingId, { status: 'failed', error: message, endedAt: this.deps.clock.now() })
    const i = this.tracks.findIndex((x) => x.recordingId === t.recordingId)
    if (i >= 0) { this.tracks[i]!.unwatch(); this.tracks.splice(i, 1) }
  }

  async recordBridge (bridgeId: string): Promise<void> {
    const t = this.track('mixed')
    try { await this.deps.ari.recordBridge(bridgeId, t.name) } catch (err) { this.failed(t, err) }
  }

  async recordParty (kind: 'caller' | 'operator', channelId: string): Promise<void> {
    const t = this.track(kind)
    const snoopId = `${channelId}-snoop`
    let entered!: () => void
    const inStasis = new Promise<void>((resolve) => { entered = resolve })
    const unwatchSnoop = this.deps.ari.watchLeg(snoopId, (e: LegEvent) => {
      if (e.kind === 'entered') entered()
      if (e.kind === 'left' || e.kind === 'destroyed') unwatchSnoop()
    })
    this.snoops.push(snoopId)
    try {
      await this.deps.ari.snoop(channelId, snoopId, `snoop,${this.callId}`)
      const waited = await withDeadline(this.deps.clock, this.deps.snoopWaitMs, inStasis.then(() => true), () => false)
      if (!waited) throw new Error(`snoop channel ${snoopId} did not enter the app`)
      await this.deps.ari.recordChannel(snoopId, t.name)
    } catch (err) {
      unwatchSnoop()
      this.failed(t, err)
    }
  }

  /** After the call: wait for Asterisk to finish the files, then keep local copies. */
  async settle (): Promise<Array<{ kind: Kind; name: string }>> {
    const out: Array<{ kind: Kind; name: string }> = []
    await Promise.all(this.tracks.map(async (t) => {
      const event = await withDeadline(this.deps.clock, this.deps.settleMs, t.finished, () => null)
      t.unwatch()
      const endedAt = this.deps.clock.now()
      if (event?.kind === 'failed') {
        this.deps.repo.updateRecording(t.recordingId, { status: 'failed', error: event.problem, endedAt })
        return
      }
      const durationMs = event?.kind === 'finished' && event.durationSeconds !== null ? event.durationSeconds * 1000 : null
      try {
        const bytes = await this.deps.ari.storedRecordingFile(t.name)
        const saved = await this.deps.store.save(t.name, endedAt, bytes)
        this.deps.repo.updateRecording(t.recordingId, { status: 'stored', path: saved.path, bytes: saved.bytes, durationMs: wavDurationMs(bytes) ?? durationMs, endedAt })
        out.push({ kind: t.kind, name: t.name })
      } catch (err) {
        const message = (err as Error).message
        this.deps.log.warn({ recording: t.name, err: message }, 'recording not stored')
        this.deps.repo.updateRecording(t.recordingId, { status: event ? 'done' : 'missing', durationMs, error: `not copied: ${message}`, endedAt })
      }
    }))
    return out
  }

  async hangupSnoops (): Promise<void> {
    await Promise.all(this.snoops.map((id) => this.deps.ari.hangup(id).catch(ignoreChannelGone(this.deps.log, 'recording snoop hangup', { channelId: id }))))
  }
}
