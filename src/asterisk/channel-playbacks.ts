// Playbacks in progress on each channel, from our play requests and Asterisk's PlaybackStarted
// until PlaybackFinished. Asterisk lets a channel into a bridge only when its playback has ended,
// and a key press does not stop a prompt (FINDINGS.txt, flows 14-17): whoever bridges a channel or
// plays it the next prompt stops what still plays there first, and waits until it has ended.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { type Clock, withDeadline } from '../clock.js'
import { AsteriskCommandFailed } from './errors.js'

export type AriSend = (command: string, target: string, method: string, path: string, query?: Record<string, string | number | undefined>) => Promise<unknown>

interface Playing {
  playbackId: string
  channelId: string
  /** The POST that creates it: a stop sent before Asterisk knows the id would find nothing. */
  requested: Promise<unknown>
  finished: Promise<string>
  settle: (state: string) => void
}

const enc = encodeURIComponent

export class ChannelPlaybacks {
  private readonly byId = new Map<string, Playing>()
  private readonly byChannel = new Map<string, Set<string>>()

  constructor (private readonly send: AriSend, private readonly clock: Clock, private readonly log: Logger, private readonly stopWaitMs: number) {}

  /** Plays media to a channel; resolves with the final state ("done", "failed", or "stopped" when the channel left first). */
  async play (channelId: string, media: string[], lang: string): Promise<string> {
    const playbackId = `rl-pb-${randomUUID()}`
    const entry = this.track(playbackId, channelId, this.send('play', channelId, 'POST', `channels/${enc(channelId)}/play/${enc(playbackId)}`, { media: media.join(','), lang }))
    try {
      await entry.requested
    } catch (err) {
      this.end(playbackId, 'failed')
      throw err
    }
    return await entry.finished
  }

  /** PlaybackStarted: also a playback someone else started on a channel (after our restart, say). */
  started (playbackId: string, targetUri: string | undefined): void {
    if (this.byId.has(playbackId) || !targetUri?.startsWith('channel:')) return
    this.track(playbackId, targetUri.slice('channel:'.length), Promise.resolve())
  }

  /** PlaybackFinished. */
  finished (playbackId: string, state: string): void { this.end(playbackId, state) }

  /** The channel left Stasis or is gone: nothing plays on it any more. */
  channelGone (channelId: string): void {
    for (const playbackId of [...this.byChannel.get(channelId) ?? []]) this.end(playbackId, 'stopped')
  }

  isPlaying (channelId: string): boolean { return (this.byChannel.get(channelId)?.size ?? 0) > 0 }

  /**
   * Stops everything playing or queued on the channel and resolves once Asterisk has reported each
   * finished, or after `stopWaitMs` (then the caller goes on and Asterisk holds its next step until
   * the playback ends by itself, which is logged).
   */
  async stopAll (channelId: string): Promise<void> {
    const entries = [...this.byChannel.get(channelId) ?? []].map((id) => this.byId.get(id)).filter((p): p is Playing => p !== undefined)
    if (entries.length === 0) return
    await Promise.all(entries.map((p) => this.stop(p)))
    const allFinished = Promise.all(entries.map((p) => p.finished)).then(() => true)
    if (await withDeadline(this.clock, this.stopWaitMs, allFinished, () => false)) return
    const left = entries.filter((p) => this.byId.has(p.playbackId)).map((p) => p.playbackId)
    this.log.warn({ channelId, playbackIds: left, waitedMs: this.stopWaitMs }, 'playback still running after a stop')
  }

  private async stop (p: Playing): Promise<void> {
    try {
      await p.requested
    } catch {
      return // never created: play() has ended it already
    }
    if (!this.byId.has(p.playbackId)) return
    try {
      await this.send('stop playback', p.playbackId, 'DELETE', `playbacks/${enc(p.playbackId)}`)
    } catch (err) {
      // 404: it ended before the stop arrived (its PlaybackFinished may be on the way, or lost).
      if (err instanceof AsteriskCommandFailed && err.isNotFound) return this.end(p.playbackId, 'done')
      // Asterisk refuses to stop some media (number:, digits: on their own): it ends by itself.
      this.log.warn({ channelId: p.channelId, playbackId: p.playbackId, err: (err as Error).message }, 'playback not stopped')
    }
  }

  private track (playbackId: string, channelId: string, requested: Promise<unknown>): Playing {
    let settle: (state: string) => void = () => {}
    const finished = new Promise<string>((resolve) => { settle = resolve })
    // A failed POST is play()'s to report; a stop waiting on it must not see an unhandled rejection.
    requested.catch(() => undefined)
    const entry: Playing = { playbackId, channelId, requested, finished, settle }
    this.byId.set(playbackId, entry)
    const ids = this.byChannel.get(channelId) ?? new Set<string>()
    ids.add(playbackId)
    this.byChannel.set(channelId, ids)
    return entry
  }

  private end (playbackId: string, state: string): void {
    const entry = this.byId.get(playbackId)
    if (!entry) return
    this.byId.delete(playbackId)
    const ids = this.byChannel.get(entry.channelId)
    ids?.delete(playbackId)
    if (ids?.size === 0) this.byChannel.delete(entry.channelId)
    entry.settle(state)
  }
}
