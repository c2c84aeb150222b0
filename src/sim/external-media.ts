// External media as Asterisk 22 does it over RTP/UDP (POST /channels/externalMedia): a UnicastRTP
// channel in the app, whose channel variables UNICASTRTP_LOCAL_ADDRESS/PORT say where its RTP comes
// from, and which, once in a bridge, sends what the bridge hears to external_host every 20 ms.
// The voices are what simulated parties "speak": 16 kHz samples a test gives a channel.
import { createSocket, type Socket } from 'node:dgram'
import { performance } from 'node:perf_hooks'
import { ariFail } from './ari-error.js'
import type { SimBridge, SimChannel } from './model.js'

/** What Asterisk calls the formats the simulator can send, with their RTP payload types (Asterisk's static ones). */
const formats = {
  ulaw: { rate: 8000, payloadType: 0 },
  alaw: { rate: 8000, payloadType: 8 },
  slin16: { rate: 16_000, payloadType: 118 }
} as const
export type ExternalMediaFormat = keyof typeof formats

export interface ExternalMediaParams {
  channelId?: string | undefined
  app?: string | undefined
  external_host?: string | undefined
  encapsulation?: string | undefined
  transport?: string | undefined
  connection_type?: string | undefined
  format?: string | undefined
  direction?: string | undefined
  data?: string | undefined
}

/** What the streams need from the simulated Asterisk. */
export interface ExternalMediaHost {
  getChannel (channelId: string): SimChannel | undefined
  getBridge (bridgeId: string): SimBridge | undefined
}

interface Stream {
  channelId: string
  host: string
  port: number
  format: ExternalMediaFormat
  socket: Socket
  timer: NodeJS.Timeout
  startedAt: number
  sent: number
  ssrc: number
}

export interface ExternalMediaView { channelId: string; externalHost: string; format: ExternalMediaFormat; packetsSent: number; localPort: number }

const PACKET_MS = 20
/** Packets sent at once at most when the timer runs late (a busy machine): the rest are dropped, as a late RTP sender would. */
const MAX_BURST = 10

/** Checks the parameters as Asterisk does and returns the parts a UDP stream needs. */
export function checkExternalMedia (p: ExternalMediaParams): { host: string; port: number; format: ExternalMediaFormat } {
  if (!p.app) throw ariFail(400, 'app cannot be empty')
  if (!p.format) throw ariFail(400, 'format cannot be empty')
  const encapsulation = p.encapsulation ?? 'rtp'
  const transport = p.transport ?? 'udp'
  if (encapsulation !== 'rtp' || transport !== 'udp') throw ariFail(501, `simulator: only rtp over udp is supported, not ${encapsulation} over ${transport}`)
  if ((p.direction ?? 'both') !== 'both') throw ariFail(400, 'Unrecognized direction')
  if (!p.external_host) throw ariFail(400, 'external_host cannot be empty')
  const m = /^(.+):(\d{1,5})$/.exec(p.external_host)
  if (m === null || Number(m[2]) === 0 || Number(m[2]) > 65535) throw ariFail(400, 'external_host must be host:port')
  if (!(p.format in formats)) throw ariFail(400, `simulator: format ${p.format} is not sent (ulaw, alaw, slin16 are)`)
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), format: p.format as ExternalMediaFormat }
}

export class ExternalMedia {
  private readonly streams = new Map<string, Stream>()
  private readonly voices = new Map<string, { pcm: Int16Array; startedAt: number }>()

  constructor (private readonly host: ExternalMediaHost) {}

  /** The party on `channelId` says these 16 kHz samples, starting now. */
  speak (channelId: string, pcm16k: Int16Array): void {
    this.voices.set(channelId, { pcm: pcm16k, startedAt: performance.now() })
  }

  /** Opens the UDP socket the channel sends from; its address and port become the channel's variables. */
  async open (channelId: string, target: { host: string; port: number; format: ExternalMediaFormat }): Promise<{ address: string; port: number }> {
    const socket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4')
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, target.host.includes(':') ? '::1' : '127.0.0.1', () => { socket.off('error', reject); resolve() })
    })
    socket.on('error', () => { /* a receiver that is gone: ICMP errors are ignored, as by Asterisk */ })
    socket.unref()
    const stream: Stream = {
      channelId, ...target, socket, startedAt: performance.now(), sent: 0, ssrc: Math.floor(Math.random() * 0xffffffff),
      timer: setInterval(() => { this.tick(stream) }, PACKET_MS)
    }
    stream.timer.unref()
    this.streams.set(channelId, stream)
    const a = socket.address()
    return { address: a.address, port: a.port }
  }

  /** The channel is gone: its stream stops. */
  close (channelId: string): void {
    const s = this.streams.get(channelId)
    this.voices.delete(channelId)
    if (s === undefined) return
    this.streams.delete(channelId)
    clearInterval(s.timer)
    s.socket.close()
  }

  closeAll (): void { for (const id of [...this.streams.keys()]) this.close(id) }

  views (): ExternalMediaView[] {
    return [...this.streams.values()].map((s) => ({ channelId: s.channelId, externalHost: `${s.host}:${s.port}`, format: s.format, packetsSent: s.sent, localPort: s.socket.address().port }))
  }

  private tick (s: Stream): void {
    const due = Math.floor((performance.now() - s.startedAt) / PACKET_MS)
    if (due - s.sent > MAX_BURST) s.sent = due - MAX_BURST
    while (s.sent < due) {
      const ch = this.host.getChannel(s.channelId)
      // Media flows only while the channel is in a bridge, as Asterisk's does.
      if (ch?.bridgeId === undefined) { s.sent = due; return }
      this.send(s, this.heard(ch), s.sent)
      s.sent++
    }
  }

  /** Who the bridge lets the external channel hear: each snoop's spied direction, and plain channels' voices. */
  private speakersFor (ch: SimChannel): string[] {
    const bridge = this.host.getBridge(ch.bridgeId ?? '')
    if (bridge === undefined) return []
    const out: string[] = []
    for (const id of bridge.channels) {
      if (id === ch.id) continue
      const other = this.host.getChannel(id)
      if (other === undefined) continue
      if (other.snoopOf === undefined) { out.push(id); continue }
      const spied = this.host.getChannel(other.snoopOf)
      if (spied === undefined) continue
      if (other.spy === 'in' || other.spy === 'both') out.push(spied.id)
      if ((other.spy === 'out' || other.spy === 'both') && spied.bridgeId !== undefined) {
        // What the spied channel hears: everyone else in its own bridge.
        out.push(...(this.host.getBridge(spied.bridgeId)?.channels ?? []).filter((c) => c !== spied.id))
      }
    }
    return out
  }

  /** 20 ms of the mix, as 16 kHz samples, for packet `n` of the stream. */
  private heard (ch: SimChannel): (n: number, s: Stream) => Int16Array {
    const speakers = this.speakersFor(ch)
    return (n, s) => {
      const out = new Int16Array(16 * PACKET_MS)
      const at = s.startedAt + n * PACKET_MS
      for (const id of speakers) {
        const v = this.voices.get(id)
        if (v === undefined) continue
        const from = Math.round((at - v.startedAt) * 16)
        for (let i = 0; i < out.length; i++) {
          const x = v.pcm[from + i]
          if (x !== undefined && from + i >= 0) out[i] = Math.max(-32768, Math.min(32767, out[i]! + x))
        }
      }
      return out
    }
  }

  private send (s: Stream, heard: (n: number, s: Stream) => Int16Array, n: number): void {
    const pcm = heard(n, s)
    const { rate, payloadType } = formats[s.format]
    const samples = rate / 1000 * PACKET_MS
    const payload = s.format === 'slin16' ? bigEndian(pcm) : g711(pcm, s.format)
    const packet = Buffer.alloc(12 + payload.length)
    packet[0] = 0x80 // RTP version 2, no padding, extension or CSRC
    packet[1] = payloadType | (n === 0 ? 0x80 : 0) // marker on the first packet of the stream
    packet.writeUInt16BE(n & 0xffff, 2)
    packet.writeUInt32BE((n * samples) >>> 0, 4)
    packet.writeUInt32BE(s.ssrc >>> 0, 8)
    payload.copy(packet, 12)
    s.socket.send(packet, s.port, s.host)
  }
}

/** RTP's linear 16-bit audio is in network byte order. */
function bigEndian (pcm: Int16Array): Buffer {
  const b = Buffer.alloc(pcm.length * 2)
  for (let i = 0; i < pcm.length; i++) b.writeInt16BE(pcm[i]!, i * 2)
  return b
}

/** 8 kHz G.711 from 16 kHz samples (every other one: the voices are speech-band already). */
function g711 (pcm: Int16Array, law: 'ulaw' | 'alaw'): Buffer {
  const b = Buffer.alloc(pcm.length / 2)
  for (let i = 0; i < b.length; i++) b[i] = law === 'ulaw' ? linearToUlaw(pcm[i * 2]!) : linearToAlaw(pcm[i * 2]!)
  return b
}

export function linearToUlaw (sample: number): number {
  const BIAS = 0x84
  let s = Math.max(-32635, Math.min(32635, sample))
  const sign = s < 0 ? 0x80 : 0
  if (s < 0) s = -s
  s += BIAS
  let exponent = 7
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--
  const mantissa = (s >> (exponent + 3)) & 0x0f
  return ~(sign | (exponent << 4) | mantissa) & 0xff
}

export function linearToAlaw (sample: number): number {
  let s = Math.max(-32767, Math.min(32767, sample))
  const sign = s >= 0 ? 0x80 : 0
  if (s < 0) s = -s
  let out: number
  if (s < 256) out = s >> 4
  else {
    let exponent = 7
    for (let mask = 0x4000; (s & mask) === 0 && exponent > 1; mask >>= 1) exponent--
    out = (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)
  }
  return (out | sign) ^ 0x55
}
