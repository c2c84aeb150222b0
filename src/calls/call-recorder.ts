// Records one call: each party on its own, so the transcript knows who said what. Two ways, chosen
// by configuration: MixMonitor (one AMI action; one audiohook on the caller's channel writes what the
// caller says and what they hear, frame by frame) or ARI (a bridge recording of both, plus a snoop
// channel per party, each recorded); or not at all. MixMonitor is the default: measured cheaper and
// it records even short calls (docs/benchmarks.md). It writes no mixed file: the conversation is
// made from the two tracks, in stereo, when someone plays it (speech/conversation-wav.ts), so a call
// costs two files to fetch, store and remove instead of three. Failures are written down; the call
// goes on without them.
import type { Logger } from 'pino'
import type { AmiLink } from '../asterisk/ami-link.js'
import type { AriLink, LegEvent, RecordingEvent } from '../asterisk/ari-link.js'
import { withDeadline, type Clock } from '../clock.js'
import type { CallsRepo } from '../db/calls-repo.js'
import { recordingSnoopOf } from './leg-names.js'
import type { RecordingStore } from './recording-store.js'
import { takeFromSpool } from './spool-recording.js'
import { fetchClosedRecording, type AsteriskCopies } from './stored-recording.js'
import { wavDurationMs } from './wav-duration.js'
import { ignoreChannelGone, ignoreMonitorGone, isMonitoredChannelGone } from '../asterisk/expected-errors.js'

type Kind = 'mixed' | 'caller' | 'operator'

interface Track {
  recordingId: string; kind: Kind; name: string
  /** When it started: a file taken from the spool is stored under that day (crash recovery looks there). */
  startedAt: number
  /** ARI tracks: Asterisk's RecordingFinished/Failed. MixMonitor tracks have no event: the file tells. */
  finished: Promise<RecordingEvent | null> | null
  unwatch: () => void
}

export type RecordingMethod = 'mixmonitor' | 'ari' | 'none'

export interface RecorderDeps {
  ari: AriLink; repo: CallsRepo; store: RecordingStore; log: Logger
  clock: Clock; newId: () => string
  /** How long to wait for Asterisk to finish writing. */
  settleMs: number
  /** How long a snoop channel may take to enter the app. */
  snoopWaitMs: number
  recording: RecordingSetup
}

/** How a daemon records its calls: the same for inbound and outbound ones. */
export interface RecordingSetup {
  method: RecordingMethod
  ami: () => AmiLink | null
  mixMonitorDir: string
  /** Leave Asterisk's copy in its spool once ringlead holds its own (default: removed). */
  keepInAsterisk?: boolean
  /** Removes Asterisk's copies a few at a time in the background. */
  copies: AsteriskCopies
  /** Asterisk's stored-recordings directory on this machine's disk: files are moved from there, not fetched over ARI. */
  spoolDir?: string | null
}

export class CallRecorder {
  private readonly tracks: Track[] = []
  private readonly snoops: string[] = []
  /** The channel MixMonitor listens on, while it may still run. */
  private monitored: string | null = null
  /** When recordCall wrote the rows: their `startedAt`. */
  private rowsStartedAt = 0

  constructor (private readonly deps: RecorderDeps, private readonly callId: string) {}

  /** Records a bridged conversation: `caller` is the party whose channel carries the recording. */
  async recordCall (bridgeId: string, callerChannelId: string, operatorChannelId: string): Promise<void> {
    // Not recorded by configuration: no rows, no command to Asterisk; the call has no recordings to settle.
    if (this.deps.recording.method === 'none') return
    // The rows first, as the ARI way writes them: a crash right after the start still finds them.
    const startedAt = this.rowsStartedAt = this.deps.clock.now()
    const kinds: readonly Kind[] = this.deps.recording.method === 'mixmonitor' ? ['caller', 'operator'] : ['mixed', 'caller', 'operator']
    const rows = new Map(kinds.map((kind) => {
      const recordingId = this.deps.newId()
      this.deps.repo.insertRecording({ recordingId, callId: this.callId, kind, name: `${this.callId}-${kind}`, format: 'wav', status: 'recording', startedAt })
      return [kind, recordingId] as const
    }))
    const ami = this.deps.recording.method === 'mixmonitor' ? this.deps.recording.ami() : null
    if (ami?.connected === true && await this.mixMonitor(ami, callerChannelId, rows)) return
    await Promise.all([
      this.recordBridge(bridgeId, rows.get('mixed')),
      this.recordParty('caller', callerChannelId, rows.get('caller')),
      this.recordParty('operator', operatorChannelId, rows.get('operator'))
    ])
  }

  /** True when MixMonitor runs or the channel is gone; false when the call must be recorded another way. */
  private async mixMonitor (ami: AmiLink, channelId: string, rows: ReadonlyMap<Kind, string>): Promise<boolean> {
    const file = (kind: Kind): string => `${this.deps.recording.mixMonitorDir.replace(/\/+$/, '')}/${this.callId}-${kind}.wav`
    try {
      await ami.mixMonitor(channelId, { read: file('caller'), write: file('operator') })
    } catch (err) {
      // The caller hung up as the call was bridged: there is nothing to record, and the ARI way
      // would only add a mixed row that fails too.
      if (isMonitoredChannelGone(err)) {
        this.deps.log.info({ channelId }, 'call ended before its recording started')
        const endedAt = this.deps.clock.now()
        for (const recordingId of rows.values()) this.deps.repo.updateRecording(recordingId, { status: 'failed', error: 'the call ended before its recording started', endedAt })
        return true
      }
      this.deps.log.warn({ err: (err as Error).message }, 'MixMonitor refused: recording through ARI')
      return false
    }
    this.monitored = channelId
    for (const [kind, recordingId] of rows) this.tracks.push({ recordingId, kind, name: `${this.callId}-${kind}`, startedAt: this.rowsStartedAt, finished: null, unwatch: () => {} })
    return true
  }

  /** An ARI recording of the call; `recordingId`: its row, when already written. */
  private track (kind: Kind, existing?: string): Track {
    const name = `${this.callId}-${kind}`
    const recordingId = existing ?? this.deps.newId()
    let settle!: (e: RecordingEvent | null) => void
    const finished = new Promise<RecordingEvent | null>((resolve) => { settle = resolve })
    const unwatch = this.deps.ari.watchRecording(name, (e) => {
      if (e.kind === 'finished' || e.kind === 'failed') settle(e)
    })
    const startedAt = existing === undefined ? this.deps.clock.now() : this.rowsStartedAt
    if (existing === undefined) this.deps.repo.insertRecording({ recordingId, callId: this.callId, kind, name, format: 'wav', status: 'recording', startedAt })
    const t = { recordingId, kind, name, startedAt, finished, unwatch }
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

  async recordBridge (bridgeId: string, recordingId?: string): Promise<void> {
    const t = this.track('mixed', recordingId)
    try { await this.deps.ari.recordBridge(bridgeId, t.name) } catch (err) { this.failed(t, err) }
  }

  async recordParty (kind: 'caller' | 'operator', channelId: string, recordingId?: string): Promise<void> {
    const t = this.track(kind, recordingId)
    const snoopId = recordingSnoopOf(channelId)
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

  /**
   * After the call: wait for Asterisk to finish the files, then keep local copies. The rows say so
   * together once every file is settled: in the turn call.ended goes out, so they land in the
   * outcome's commit instead of one commit per file. Asterisk's copies go after that.
   */
  async settle (): Promise<Array<{ kind: Kind; name: string }>> {
    await this.stopMixMonitor()
    const out: Array<{ kind: Kind; name: string }> = []
    const rows: Array<() => void> = []
    await Promise.all(this.tracks.map(async (t) => {
      const event = t.finished === null ? null : await withDeadline(this.deps.clock, this.deps.settleMs, t.finished, () => null)
      t.unwatch()
      const endedAt = this.deps.clock.now()
      if (event?.kind === 'failed') {
        rows.push(() => { this.deps.repo.updateRecording(t.recordingId, { status: 'failed', error: event.problem, endedAt }) })
        return
      }
      const durationMs = event?.kind === 'finished' && event.durationSeconds !== null ? event.durationSeconds * 1000 : null
      const notStored = (err: unknown, status: 'done' | 'missing'): void => {
        const message = (err as Error).message
        this.deps.log.warn({ recording: t.name, err: message }, 'recording not stored')
        rows.push(() => { this.deps.repo.updateRecording(t.recordingId, { status, durationMs, error: `not copied: ${message}`, endedAt }) })
      }
      /** Held here: `wav` (its header at least) gives the length; `dropCopy` removes Asterisk's once the row is written. */
      const stored = (saved: { path: string; bytes: number }, wav: Buffer, dropCopy: boolean): void => {
        rows.push(() => {
          this.deps.repo.updateRecording(t.recordingId, { status: 'stored', path: saved.path, bytes: saved.bytes, durationMs: wavDurationMs(wav) ?? durationMs, endedAt })
          if (dropCopy) this.deps.recording.copies.drop(t.name)
        })
        out.push({ kind: t.kind, name: t.name })
      }
      const spoolDir = this.deps.recording.spoolDir
      if (spoolDir) {
        const taken = await takeFromSpool({ spoolDir, name: t.name, store: this.deps.store, atMs: t.startedAt, clock: this.deps.clock, waitMs: this.deps.settleMs, keepInAsterisk: this.deps.recording.keepInAsterisk })
        if ('path' in taken) {
          // Moved (or copied, when Asterisk keeps its own): nothing of Asterisk's to remove.
          stored(taken, taken.head, false)
          return
        }
        if ('problem' in taken) {
          notStored(new Error(taken.problem), taken.closed || event !== null ? 'done' : 'missing')
          return
        }
        this.deps.log.warn({ recording: t.name, spoolDir, reason: taken.fallBack }, 'recording not taken from the spool directory: fetched over ARI')
      }
      let bytes: Buffer
      try {
        bytes = t.finished === null ? await this.closedFile(t.name) : await this.deps.ari.storedRecordingFile(t.name)
      } catch (err) {
        notStored(err, event !== null ? 'done' : 'missing')
        return
      }
      try {
        stored(await this.deps.store.save(t.name, endedAt, bytes), bytes, this.deps.recording.keepInAsterisk !== true)
      } catch (err) {
        // Asterisk finished the file (we hold it): only the local copy failed.
        notStored(err, 'done')
      }
    }))
    for (const write of rows) write()
    return out
  }

  /**
   * Closes MixMonitor's files while the channel is still up. A channel already gone has closed them
   * itself (or is closing them): Asterisk then answers that there is no such channel.
   */
  private async stopMixMonitor (): Promise<void> {
    const channel = this.monitored
    if (channel === null) return
    this.monitored = null
    const ami = this.deps.recording.ami()
    if (ami === null || !ami.connected) return
    // Unexpected failures are counted; the files still close when the channel ends.
    await ami.stopMixMonitor(channel).catch(ignoreMonitorGone(this.deps.log, 'StopMixMonitor', { channelId: channel }))
  }

  /** A MixMonitor file, once Asterisk has closed it (the channel may have hung up a moment ago). */
  private async closedFile (name: string): Promise<Buffer> {
    const got = await fetchClosedRecording(this.deps.ari, this.deps.clock, name, this.deps.settleMs)
    if ('bytes' in got) return got.bytes
    throw new Error(got.problem)
  }

  async hangupSnoops (): Promise<void> {
    await Promise.all(this.snoops.map((id) => this.deps.ari.hangup(id).catch(ignoreChannelGone(this.deps.log, 'recording snoop hangup', { channelId: id }))))
  }
}
