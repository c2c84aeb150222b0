// Live alerts: while a call goes on, each party's audio comes in over RTP, is cut into overlapping
// windows (when the party stops speaking, and every window's length while it talks on; live-cuts.ts),
// transcribed one window at a time at a low priority (a phrase's end first), and checked against the call's QA
// rules; a severe finding about something said goes to the bus (console feed, webhooks) at once.
// The call's own transcript still comes from the full recording after it.
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import { withDeadline, type Clock } from '../clock.js'
import { dropAt, queueAt, type CutPlan, type CutReason, type LiveWindow } from '../domain/live-cuts.js'
import { LiveTranscript, liveLanguage, type LiveLanguage } from '../domain/live-transcript.js'
import type { QaRule } from '../domain/qa.js'
import type { Speaker } from '../domain/transcript.js'
import type { SpeechEngine } from './engine.js'
import { PartyAudio } from './party-audio.js'
import { RtpReceiver, type LiveFormat } from './rtp-receiver.js'

export interface LiveSettings extends CutPlan {
  /** Calls streamed at once; more go without live alerts. */
  maxCalls: number
  /** Address our RTP receivers listen on. */
  listenHost: string
  /** Address Asterisk sends to (external_host); the listen address when empty. */
  advertiseHost: string
  format: LiveFormat
  /** Deadline of one window's transcription. */
  windowDeadlineMs: number
}

/** The media side of one party's stream, opened by the calls part (snoop, bridge, external media). */
export interface LiveMediaOpener {
  open (o: { callId: string; speaker: Speaker; channelId: string; externalHost: string; format: LiveFormat }): Promise<{ sourcePort: number; close: () => Promise<void> }>
}

export interface LiveMonitorDeps {
  engine: () => SpeechEngine
  media: LiveMediaOpener
  bus: Bus
  clock: Clock
  log: Logger
  rulesFor: (callId: string) => readonly QaRule[]
  /** The call's language: its tracking number's, its category's or the default ('auto': detected by the first window). */
  languageFor: (callId: string) => string
  settings: LiveSettings
}

export interface LiveCall { stop (): Promise<void> }

/** One window's way to an alert, on the monitor's clock (ms); null: not reached (yet). */
export interface WindowTiming {
  callId: string
  speaker: Speaker
  reason: CutReason
  /** Audio time of the window's end. */
  endMs: number
  /** When the party's latest speech before the cut came in. */
  lastSpeechAt: number | null
  cutAt: number
  startedAt: number | null
  doneAt: number | null
  alertAt: number | null
}

const RECENT = 64

export class LiveMonitor {
  private readonly calls = new Set<string>()
  /** Windows waiting for the engine, all calls together: one at a time, oldest first. */
  private readonly waiting: Array<{ reason: CutReason; job: () => Promise<void> }> = []
  private busy = false
  /** Windows transcribed, skipped as silence, dropped (queue full) and failed, segments kept, calls over the limit: for logs and tests. */
  readonly counts = { transcribed: 0, silent: 0, dropped: 0, failed: 0, segments: 0, overLimit: 0 }
  /** The latest windows sent to the engine, with when each step of their way happened: for the bench and tests. */
  readonly recent: WindowTiming[] = []

  constructor (private readonly deps: LiveMonitorDeps) {}

  get activeCalls (): number { return this.calls.size }

  /** Starts streaming the call's parties; null when the limit is reached (the call goes on without live alerts). */
  async start (callId: string, legs: ReadonlyArray<{ speaker: Speaker; channelId: string }>, callLog: Logger): Promise<LiveCall | null> {
    const log = callLog.child({ part: 'live' })
    const s = this.deps.settings
    if (this.calls.size >= s.maxCalls) {
      this.counts.overLimit++
      log.info({ maxCalls: s.maxCalls }, 'no live alerts for this call: the live limit is reached')
      return null
    }
    this.calls.add(callId)
    const live = new LiveTranscript()
    const language = { current: { language: this.deps.languageFor(callId), detected: null } as LiveLanguage }
    let stopped = false
    const opened: Array<{ receiver: RtpReceiver; close?: () => Promise<void> }> = []
    const stop = async (): Promise<void> => {
      if (stopped) return
      stopped = true
      await Promise.all(opened.map(async (o) => { o.receiver.close(); await o.close?.().catch((err: Error) => { log.warn({ err: err.message }, 'live media not hung up') }) }))
      this.calls.delete(callId)
      log.info({ segments: live.segments().length }, 'live streaming stopped')
    }
    try {
      await Promise.all(legs.map(async ({ speaker, channelId }) => {
        const audio = new PartyAudio(s)
        let lastSpeechAt: number | null = null
        const receiver = await RtpReceiver.open(s.listenHost, s.format, (samples) => {
          if (stopped) return
          const spokeUntil = audio.lastSpeechEndMs
          const cut = audio.push(samples)
          const now = this.deps.clock.now()
          if (audio.lastSpeechEndMs !== spokeUntil) lastSpeechAt = now
          for (const { window, samples: heard } of cut) {
            // Nothing said in what the window keeps: not worth the engine.
            if (!window.speech) { this.counts.silent++; continue }
            const timing: WindowTiming = { callId, speaker, reason: window.reason, endMs: window.endMs, lastSpeechAt, cutAt: now, startedAt: null, doneAt: null, alertAt: null }
            this.recent.push(timing)
            if (this.recent.length > RECENT) this.recent.shift()
            this.enqueue(window.reason, () => this.transcribeWindow(callId, speaker, window, heard, live, language, log, timing, () => stopped))
          }
        })
        const entry: { receiver: RtpReceiver; close?: () => Promise<void> } = { receiver }
        opened.push(entry)
        try {
          const media = await this.deps.media.open({ callId, speaker, channelId, externalHost: `${s.advertiseHost || s.listenHost}:${receiver.port}`, format: s.format })
          entry.close = media.close
          receiver.acceptFrom('', media.sourcePort)
          log.info({ speaker, port: receiver.port }, 'live streaming started')
        } catch (err) {
          log.warn({ speaker, err: (err as Error).message }, 'live streaming not started for this party')
        }
      }))
    } catch (err) {
      // A receiver that could not listen: whatever was opened goes, and the slot is free again.
      await stop()
      throw err
    }
    return { stop }
  }

  private enqueue (reason: CutReason, job: () => Promise<void>): void {
    // Bounded: a slow engine loses windows (the oldest cut at the cap first), not memory.
    if (this.waiting.length >= this.deps.settings.maxCalls * 4) {
      this.waiting.splice(dropAt(this.waiting.map((w) => w.reason)), 1)
      this.counts.dropped++
    }
    this.waiting.splice(queueAt(this.waiting.map((w) => w.reason), reason), 0, { reason, job })
    void this.drain()
  }

  private async drain (): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) await next.job()
    } finally { this.busy = false }
  }

  private async transcribeWindow (callId: string, speaker: Speaker, w: LiveWindow, samples: Int16Array, live: LiveTranscript, language: { current: LiveLanguage }, log: Logger, timing: WindowTiming, isStopped: () => boolean): Promise<void> {
    if (isStopped()) return
    const s = this.deps.settings
    const clock = this.deps.clock
    timing.startedAt = clock.now()
    try {
      const r = await withDeadline(clock, s.windowDeadlineMs, this.deps.engine().transcribe(samples, language.current.language), () => {
        throw new Error(`window not transcribed within ${s.windowDeadlineMs} ms`)
      })
      timing.doneAt = clock.now()
      this.counts.transcribed++
      const next = liveLanguage(language.current, r.language)
      if (next.language !== language.current.language) log.info({ language: next.language }, 'live windows go on in the language two windows detected')
      language.current = next
      if (isStopped()) return
      const fresh = live.add(speaker, w, r.segments, s)
      this.counts.segments += fresh.length
      log.debug({ speaker, window: { startMs: w.startMs, endMs: w.endMs }, reason: w.reason, waitedMs: timing.startedAt - timing.cutAt, engineMs: timing.doneAt - timing.startedAt, segments: fresh.length }, 'live window')
      if (fresh.length === 0) return
      const alerts = live.newAlerts(this.deps.rulesFor(callId))
      if (alerts.length === 0) return
      log.warn({ alerts: alerts.map((a) => a.ruleId), speaker }, 'severe QA finding during the call: supervisor alerted')
      timing.alertAt = clock.now()
      this.deps.bus.emit('call.qa_alert', { callId, score: null, findings: alerts, atMs: timing.alertAt, live: true })
    } catch (err) {
      this.counts.failed++
      log.warn({ speaker, window: { startMs: w.startMs, endMs: w.endMs }, err: (err as Error).message }, 'live window not transcribed')
    }
  }
}
