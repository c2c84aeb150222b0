// Live alerts: while a call goes on, each party's audio comes in over RTP, is cut into overlapping
// windows, transcribed one window at a time at a low priority, and checked against the call's QA
// rules; a severe finding about something said goes to the bus (console feed, webhooks) at once.
// The call's own transcript still comes from the full recording after it.
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import { withDeadline, type Clock } from '../clock.js'
import { LiveTranscript, nextWindow, type AudioWindow, type WindowPlan } from '../domain/live-transcript.js'
import type { QaRule } from '../domain/qa.js'
import type { Speaker } from '../domain/transcript.js'
import type { SpeechEngine } from './engine.js'
import { RtpReceiver, type LiveFormat } from './rtp-receiver.js'

export interface LiveSettings extends WindowPlan {
  /** Calls streamed at once; more go without live alerts. */
  maxCalls: number
  /** Address our RTP receivers listen on. */
  listenHost: string
  /** Address Asterisk sends to (external_host); the listen address when empty. */
  advertiseHost: string
  format: LiveFormat
  /** Deadline of one window's transcription. */
  windowDeadlineMs: number
  /** Windows quieter than this (RMS of the samples) are not transcribed. */
  silenceRms: number
  language: string
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
  settings: LiveSettings
}

export interface LiveCall { stop (): Promise<void> }

const SAMPLES_PER_MS = 16

/** One party's audio since the last window: enough for the next window and never more. */
export class PartyAudio {
  private chunks: Int16Array[] = []
  /** Sample index (from the stream's start) of the first sample held. */
  private heldFrom = 0
  private held = 0
  private last: AudioWindow | null = null

  constructor (private readonly plan: WindowPlan) {}

  get receivedMs (): number { return (this.heldFrom + this.held) / SAMPLES_PER_MS }

  /** Adds samples; returns the windows now complete, with their audio. */
  push (samples: Int16Array): Array<{ window: AudioWindow; samples: Int16Array }> {
    this.chunks.push(samples)
    this.held += samples.length
    const out: Array<{ window: AudioWindow; samples: Int16Array }> = []
    for (let w = nextWindow(this.receivedMs, this.last, this.plan); w !== null; w = nextWindow(this.receivedMs, this.last, this.plan)) {
      out.push({ window: w, samples: this.take(w) })
      this.last = w
    }
    return out
  }

  private take (w: AudioWindow): Int16Array {
    const all = new Int16Array(this.held)
    let at = 0
    for (const c of this.chunks) { all.set(c, at); at += c.length }
    const from = w.startMs * SAMPLES_PER_MS - this.heldFrom
    const window = all.slice(Math.max(0, from), from + this.plan.windowMs * SAMPLES_PER_MS)
    // Keep only what the next window starts with.
    const keepFrom = (w.endMs - this.plan.overlapMs) * SAMPLES_PER_MS - this.heldFrom
    this.chunks = [all.slice(Math.max(0, keepFrom))]
    this.heldFrom += Math.max(0, keepFrom)
    this.held = this.chunks[0]!.length
    return window
  }
}

function rms (samples: Int16Array): number {
  let sum = 0
  for (const s of samples) sum += s * s
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length)
}

export class LiveMonitor {
  private readonly calls = new Set<string>()
  /** Windows waiting for the engine, all calls together: one at a time, oldest first. */
  private readonly waiting: Array<() => Promise<void>> = []
  private busy = false
  /** Windows transcribed, skipped as silence, dropped (queue full) and failed, segments kept, calls over the limit: for logs and tests. */
  readonly counts = { transcribed: 0, silent: 0, dropped: 0, failed: 0, segments: 0, overLimit: 0 }

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
        const receiver = await RtpReceiver.open(s.listenHost, s.format, (samples) => {
          if (stopped) return
          for (const w of audio.push(samples)) this.enqueue(() => this.transcribeWindow(callId, speaker, w.window, w.samples, live, log, () => stopped))
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

  private enqueue (job: () => Promise<void>): void {
    // Bounded: a slow engine loses the oldest windows, not memory.
    if (this.waiting.length >= this.deps.settings.maxCalls * 4) {
      this.waiting.shift()
      this.counts.dropped++
    }
    this.waiting.push(job)
    void this.drain()
  }

  private async drain (): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      for (let job = this.waiting.shift(); job !== undefined; job = this.waiting.shift()) await job()
    } finally { this.busy = false }
  }

  private async transcribeWindow (callId: string, speaker: Speaker, w: AudioWindow, samples: Int16Array, live: LiveTranscript, log: Logger, isStopped: () => boolean): Promise<void> {
    if (isStopped()) return
    const s = this.deps.settings
    if (rms(samples) < s.silenceRms) { this.counts.silent++; return }
    try {
      const r = await withDeadline(this.deps.clock, s.windowDeadlineMs, this.deps.engine().transcribe(samples, s.language), () => {
        throw new Error(`window not transcribed within ${s.windowDeadlineMs} ms`)
      })
      this.counts.transcribed++
      if (isStopped()) return
      const fresh = live.add(speaker, w, r.segments, s)
      this.counts.segments += fresh.length
      if (fresh.length === 0) return
      log.debug({ speaker, window: w, segments: fresh.length }, 'live segments')
      const alerts = live.newAlerts(this.deps.rulesFor(callId))
      if (alerts.length === 0) return
      log.warn({ alerts: alerts.map((a) => a.ruleId), speaker }, 'severe QA finding during the call: supervisor alerted')
      this.deps.bus.emit('call.qa_alert', { callId, score: null, findings: alerts, atMs: this.deps.clock.now(), live: true })
    } catch (err) {
      this.counts.failed++
      log.warn({ speaker, window: w, err: (err as Error).message }, 'live window not transcribed')
    }
  }
}
