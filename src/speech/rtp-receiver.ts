// One party's live audio arriving over RTP/UDP from Asterisk's external media channel, as 16 kHz
// samples. Only packets from the port Asterisk named (UNICASTRTP_LOCAL_PORT) count.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'

export type LiveFormat = 'slin16' | 'ulaw'

/** Decodes one RTP packet's payload to 16 kHz samples; null for what is not RTP audio. */
export function rtpToSamples (packet: Buffer, format: LiveFormat): Int16Array | null {
  if (packet.length < 12 || (packet[0]! >> 6) !== 2) return null
  const csrc = packet[0]! & 0x0f
  let offset = 12 + csrc * 4
  if ((packet[0]! & 0x10) !== 0) {
    if (packet.length < offset + 4) return null
    offset += 4 + packet.readUInt16BE(offset + 2) * 4
  }
  let end = packet.length
  if ((packet[0]! & 0x20) !== 0) end -= packet[packet.length - 1]!
  if (end <= offset) return null
  const payload = packet.subarray(offset, end)
  if (format === 'slin16') {
    const out = new Int16Array(payload.length >> 1)
    for (let i = 0; i < out.length; i++) out[i] = payload.readInt16BE(i * 2)
    return out
  }
  // 8 kHz G.711 µ-law: each sample twice makes 16 kHz (Whisper hears speech band either way).
  const out = new Int16Array(payload.length * 2)
  for (let i = 0; i < payload.length; i++) out[2 * i] = out[2 * i + 1] = ulawToLinear(payload[i]!)
  return out
}

export function ulawToLinear (u: number): number {
  const v = ~u & 0xff
  const t = (((v & 0x0f) << 3) + 0x84) << ((v & 0x70) >> 4)
  return (v & 0x80) !== 0 ? 0x84 - t : t - 0x84
}

export class RtpReceiver {
  private readonly socket: Socket
  private source: { address: string; port: number } | null = null
  /** Packets dropped: not RTP, or from another sender. */
  dropped = 0
  packets = 0

  private constructor (socket: Socket, private readonly format: LiveFormat, private readonly onSamples: (samples: Int16Array) => void) {
    this.socket = socket
    socket.on('message', (msg: Buffer, from: RemoteInfo) => { this.receive(msg, from) })
    socket.on('error', () => { /* a closed socket or an ICMP error: nothing to do for one party's live audio */ })
  }

  /** A socket on `host` at a port the system picks. */
  static async open (host: string, format: LiveFormat, onSamples: (samples: Int16Array) => void): Promise<RtpReceiver> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 256 * 1024 })
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, host, () => { socket.off('error', reject); resolve() })
    })
    return new RtpReceiver(socket, format, onSamples)
  }

  get port (): number { return this.socket.address().port }

  /** From now on only this sender's packets count. */
  acceptFrom (address: string, port: number): void { this.source = { address, port } }

  private receive (msg: Buffer, from: RemoteInfo): void {
    const s = this.source
    // The port only: Asterisk may name an address (0.0.0.0, another interface) other than the one it sends from.
    if (s === null || from.port !== s.port) { this.dropped++; return }
    const samples = rtpToSamples(msg, this.format)
    if (samples === null) { this.dropped++; return }
    this.packets++
    this.onSamples(samples)
  }

  close (): void {
    try { this.socket.close() } catch { /* already closed */ }
  }
}
