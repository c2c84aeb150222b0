// A second ARI application that sees everything Asterisk does (subscribeAll), so a test can say when
// something happened on Asterisk's own clock (the events' timestamps), not when ringlead noticed.
// It never touches a channel: ringlead's app `ringlead` keeps its own subscription.
import WebSocket from 'ws'
import type { LabSettings } from './lab-settings.js'

export interface SeenEvent {
  type: string
  /** Asterisk's timestamp of the event, ms since the epoch. */
  at: number
  channel?: { id: string; name: string; state: string; callerNumber: string }
  bridge?: { id: string }
  playback?: { id: string; state: string; target_uri: string; media_uri: string }
  digit?: string
}

export interface AriWatch {
  readonly events: readonly SeenEvent[]
  /** The first event (already seen or still to come) that matches; rejects after `timeoutMs`. */
  first (what: string, match: (e: SeenEvent) => boolean, timeoutMs: number): Promise<SeenEvent>
  /** Every event seen, one line each, for a failing assertion's message. */
  timeline (): string
  close (): Promise<void>
}

/** "2026-12-02T16:57:38.307+0000" → epoch ms (Date.parse wants "+00:00"). */
export function asteriskTime (stamp: string): number {
  return Date.parse(stamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
}

const watchApp = 'ringlead-it-watch'

export async function watchAsterisk (settings: LabSettings): Promise<AriWatch> {
  const url = new URL(`${settings.ari.url}/ari/events`)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.searchParams.set('app', watchApp)
  url.searchParams.set('subscribeAll', 'true')
  url.searchParams.set('api_key', `${settings.ari.user}:${settings.ari.password}`)
  const socket = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => { resolve() })
    socket.once('error', reject)
  })
  const events: SeenEvent[] = []
  const waiters = new Set<(e: SeenEvent) => void>()
  socket.on('message', (data: Buffer) => {
    const raw = JSON.parse(data.toString()) as Record<string, any>
    const e: SeenEvent = {
      type: String(raw.type), at: typeof raw.timestamp === 'string' ? asteriskTime(raw.timestamp) : Date.now(),
      ...(raw.channel ? { channel: { id: raw.channel.id, name: raw.channel.name, state: raw.channel.state, callerNumber: raw.channel.caller?.number ?? '' } } : {}),
      ...(raw.bridge ? { bridge: { id: raw.bridge.id } } : {}),
      ...(raw.playback ? { playback: raw.playback } : {}),
      ...(raw.digit ? { digit: raw.digit } : {})
    }
    events.push(e)
    for (const w of [...waiters]) w(e)
  })
  const t0 = Date.now()
  return {
    events,
    first (what, match, timeoutMs) {
      const seen = events.find(match)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { waiters.delete(on); reject(new Error(`Asterisk reported no ${what} within ${timeoutMs} ms`)) }, timeoutMs)
        const on = (e: SeenEvent): void => {
          if (!match(e)) return
          clearTimeout(timer)
          waiters.delete(on)
          resolve(e)
        }
        waiters.add(on)
      })
    },
    timeline () {
      return events.filter((e) => e.type !== 'ChannelVarset').map((e) => [
        `+${e.at - t0}ms ${e.type}`, e.channel ? `${e.channel.name} ${e.channel.state}` : '', e.bridge ? `bridge ${e.bridge.id}` : '',
        e.playback ? `${e.playback.media_uri} ${e.playback.state}` : '', e.digit ?? ''
      ].filter(Boolean).join(' ')).join('\n')
    },
    async close () {
      if (socket.readyState === WebSocket.CLOSED) return
      await new Promise<void>((resolve) => { socket.once('close', () => { resolve() }); socket.close() })
    }
  }
}

/** Channel name tests: `PJSIP/101-0000002a` is endpoint 101's. */
export const isLegOf = (endpoint: string) => (e: SeenEvent): boolean => e.channel?.name.startsWith(`PJSIP/${endpoint}-`) === true

/** The moment a leg of `endpoint` was answered (its channel went Up). */
export const answeredLeg = (endpoint: string) => (e: SeenEvent): boolean => e.type === 'ChannelStateChange' && isLegOf(endpoint)(e) && e.channel?.state === 'Up'

/** The moment a leg of `endpoint` entered a bridge. */
export const enteredBridge = (endpoint: string) => (e: SeenEvent): boolean => e.type === 'ChannelEnteredBridge' && isLegOf(endpoint)(e)
