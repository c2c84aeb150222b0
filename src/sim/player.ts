// Playbacks: per-channel queues of media lists, with Asterisk's event sequence.
import { randomUUID } from 'node:crypto'
import { ariFail } from './ari-error.js'
import type { MediaHost } from './media-host.js'
import type { SimChannel } from './model.js'

type PlaybackState = 'queued' | 'playing' | 'continuing' | 'done' | 'failed' | 'canceled'

interface PlaybackRec {
  id: string
  media: string[]
  index: number
  channelId: string
  language: string
  state: PlaybackState
  timer?: NodeJS.Timeout
}

/** Lengths, in protocol seconds, of the sound files the simulated Asterisk has. */
export const DEFAULT_SOUNDS: Record<string, number> = {
  'ringlead-prompt': 2,
  'hello-world': 2,
  beep: 0.5,
  'demo-congrats': 4,
  'pls-hold-while-try': 2,
  'vm-goodbye': 1,
  'queue-thankyou': 2,
  'followme/pls-hold-while-try': 2
}

export class Player {
  private readonly playbacks = new Map<string, PlaybackRec>()
  private readonly queues = new Map<string, PlaybackRec[]>()

  /** Told whenever a playback ends or is forgotten (a bridge join may wait for it). */
  onGone: (channelId: string, playbackId: string) => void = () => {}

  constructor (private readonly host: MediaHost, private readonly sounds: Record<string, number>, private readonly recordingSeconds: (name: string) => number | undefined) {}

  play (ch: SimChannel, media: string[], language: string | undefined, playbackId: string | undefined): Record<string, unknown> {
    if (media.length === 0 || media.some((m) => m === '')) throw ariFail(400, 'Missing parameter media')
    const id = playbackId ?? randomUUID()
    if (this.playbacks.has(id)) throw ariFail(409, `Playback with id '${id}' already exists`)
    const pb: PlaybackRec = { id, media, index: 0, channelId: ch.id, language: language ?? 'en', state: 'queued' }
    this.playbacks.set(id, pb)
    const queue = this.queues.get(ch.id) ?? []
    queue.push(pb)
    this.queues.set(ch.id, queue)
    const snapshot = this.snapshot(pb)
    // The 201 goes out before PlaybackStarted, as with Asterisk.
    if (queue.length === 1) setImmediate(() => this.startHead(ch.id))
    return snapshot
  }

  get (playbackId: string): Record<string, unknown> {
    const pb = this.playbacks.get(playbackId)
    if (!pb) throw ariFail(404, 'Playback not found')
    return this.snapshot(pb)
  }

  /** Ids of what plays or waits to play on a channel, in queue order. */
  playbacksOn (channelId: string): string[] { return (this.queues.get(channelId) ?? []).map((pb) => pb.id) }

  /**
   * DELETE /playbacks/{id}: a playing one ends "done" (flow15); a queued one is cancelled and, as
   * Asterisk's playback_first_update does, finishes "canceled" when its turn comes.
   */
  stop (playbackId: string): void {
    const pb = this.playbacks.get(playbackId)
    if (!pb) throw ariFail(404, 'Playback not found')
    if (pb.state === 'queued') {
      pb.state = 'canceled'
      if (this.queues.get(pb.channelId)?.[0] === pb) setImmediate(() => this.startHead(pb.channelId))
      return
    }
    if (pb.state === 'canceled') return
    this.finish(pb, 'done')
    this.startHead(pb.channelId)
  }

  /** The channel hung up: what is playing fails, the rest is forgotten. */
  channelGone (channelId: string): void {
    const queue = this.queues.get(channelId) ?? []
    const head = queue[0]
    if (head && (head.state === 'playing' || head.state === 'continuing')) this.finish(head, 'failed')
    for (const pb of [...(this.queues.get(channelId) ?? [])]) this.drop(pb)
    this.queues.delete(channelId)
  }

  private startHead (channelId: string): void {
    const pb = this.queues.get(channelId)?.[0]
    if (pb?.state === 'canceled') {
      this.emit('PlaybackFinished', pb)
      this.drop(pb)
      this.startHead(channelId)
      return
    }
    if (!pb || pb.state !== 'queued') return
    this.startItem(pb)
  }

  private startItem (pb: PlaybackRec): void {
    pb.state = 'playing'
    this.emit('PlaybackStarted', pb)
    const seconds = this.lengthOf(pb.media[pb.index] ?? '')
    if (seconds === undefined) {
      // A missing file fails in the same instant it starts.
      this.finish(pb, 'failed')
      this.startHead(pb.channelId)
      return
    }
    if (seconds === Infinity) return // tones play until stopped or hung up
    pb.timer = setTimeout(() => this.itemDone(pb), Math.max(1, seconds * this.host.secondsMs))
  }

  private itemDone (pb: PlaybackRec): void {
    pb.timer = undefined
    if (pb.index + 1 < pb.media.length) {
      pb.state = 'continuing'
      this.emit('PlaybackContinuing', pb)
      pb.index += 1
      this.startItem(pb)
      return
    }
    this.finish(pb, 'done')
    this.startHead(pb.channelId)
  }

  private finish (pb: PlaybackRec, state: 'done' | 'failed'): void {
    if (pb.timer) clearTimeout(pb.timer)
    pb.state = state
    this.emit('PlaybackFinished', pb)
    this.drop(pb)
  }

  private drop (pb: PlaybackRec): void {
    if (pb.timer) clearTimeout(pb.timer)
    this.playbacks.delete(pb.id)
    const queue = this.queues.get(pb.channelId)
    const i = queue ? queue.indexOf(pb) : -1
    if (i < 0) return
    queue!.splice(i, 1)
    this.onGone(pb.channelId, pb.id)
  }

  private emit (type: string, pb: PlaybackRec): void {
    const ch = this.host.getChannel(pb.channelId)
    this.host.emit(type, { playback: this.snapshot(pb) }, ch?.apps ?? new Set())
  }

  private snapshot (pb: PlaybackRec): Record<string, unknown> {
    const next = pb.media[pb.index + 1]
    return {
      id: pb.id,
      media_uri: pb.media[pb.index] ?? '',
      ...(next !== undefined ? { next_media_uri: next } : {}),
      target_uri: `channel:${pb.channelId}`,
      language: pb.language,
      state: pb.state
    }
  }

  /** Protocol seconds a media URI plays; undefined when the file does not exist. */
  private lengthOf (uri: string): number | undefined {
    const colon = uri.indexOf(':')
    const scheme = colon < 0 ? '' : uri.slice(0, colon)
    const rest = uri.slice(colon + 1)
    switch (scheme) {
      case 'sound': return this.sounds[rest]
      case 'tone': return Infinity
      case 'silence': { const n = Number(rest); return Number.isFinite(n) && n >= 0 ? n : undefined }
      case 'digits': case 'number': case 'characters': return Math.max(0.5, rest.length * 0.6)
      case 'recording': return this.recordingSeconds(rest)
      default: return undefined
    }
  }
}
