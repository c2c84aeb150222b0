// MixMonitor as app_mixmonitor does it: one audiohook on a channel writes what the channel says
// (r(), "read"), what it hears from the others in its bridge (t(), "write") and both mixed (File).
// The files exist from the start with an empty WAV header and are closed (their sizes written) when
// StopMixMonitor is sent or the channel hangs up. Paths are absolute or relative to the monitor
// spool directory (the sibling of the recordings directory, as in Asterisk's spool).
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { MediaHost } from './media-host.js'
import type { SimChannel } from './model.js'
import type { SpoolFiles } from './spool-files.js'
import { type ToneSpan, encodeWav, renderTones } from './wav.js'

export interface MixMonitorFiles { mixed: string | null; read: string | null; write: string | null }

interface Monitor {
  id: string
  channelId: string
  /** Where each file lands, resolved once at start. */
  files: MixMonitorFiles
  startedAtMs: number
  toneHz: number
  /** Peers heard now (in the channel's bridge), from when. */
  open: Map<string, { fromMs: number; toneHz: number }>
  heard: ToneSpan[]
}

/** What a real Asterisk writes before it closes the file: the header with sizes not yet known. */
function openHeader (): Buffer {
  const header = encodeWav(new Int16Array(0))
  header.writeUInt32LE(0, 4)
  header.writeUInt32LE(0, header.length - 4)
  return header
}

const OPEN_HEADER = openHeader()

/** Parses MixMonitor's option string for r(file) and t(file); other options are accepted and ignored. */
export function parseMixMonitorOptions (options: string): { read: string | null; write: string | null } {
  const read = /(?:^|[^a-z])r\(([^)]*)\)/i.exec(options)?.[1] ?? null
  const write = /(?:^|[^a-z])t\(([^)]*)\)/i.exec(options)?.[1] ?? null
  return { read: read === '' ? null : read, write: write === '' ? null : write }
}

export class MixMonitors {
  private readonly byChannel = new Map<string, Monitor>()
  /** Paths some monitor writes now, with how many write each: asked of every recording fetched, with hundreds of calls live. */
  private readonly open = new Map<string, number>()
  private seq = 0
  constructor (private readonly host: MediaHost, private readonly files: SpoolFiles) {}

  /** Where a MixMonitor path lands: Asterisk puts relative ones in its monitor directory. */
  private path (file: string): string {
    const withExt = /\.[a-z0-9]+$/i.test(file) ? file : `${file}.wav`
    return isAbsolute(withExt) ? withExt : resolve(join(dirname(this.host.recordingsDir), 'monitor'), withExt)
  }

  /** Starts a monitor; returns its id. Throws with Asterisk's words when it cannot start. */
  start (ch: SimChannel, files: MixMonitorFiles): string {
    if (files.mixed === null && files.read === null && files.write === null) throw new Error('Could not start monitoring channel')
    if (this.byChannel.has(ch.id)) this.finish(this.byChannel.get(ch.id)!)
    const at = (file: string | null): string | null => (file === null ? null : this.path(file))
    const paths: MixMonitorFiles = { mixed: at(files.mixed), read: at(files.read), write: at(files.write) }
    const monitor: Monitor = { id: `mm-${++this.seq}`, channelId: ch.id, files: paths, startedAtMs: performance.now(), toneHz: ch.toneHz, open: new Map(), heard: [] }
    for (const path of [paths.mixed, paths.read, paths.write]) {
      if (path === null) continue
      this.files.write(path, OPEN_HEADER)
      this.open.set(path, (this.open.get(path) ?? 0) + 1)
    }
    this.byChannel.set(ch.id, monitor)
    const bridge = ch.bridgeId !== undefined ? this.host.getBridge(ch.bridgeId) : undefined
    for (const peerId of bridge?.channels ?? []) {
      const peer = this.host.getChannel(peerId)
      if (peer !== undefined && peer.id !== ch.id) this.hear(monitor, peer)
    }
    return monitor.id
  }

  /** StopMixMonitor: the files are closed before the answer. False when the channel has none. */
  stop (channelId: string): boolean {
    const monitor = this.byChannel.get(channelId)
    if (monitor === undefined) return false
    this.finish(monitor)
    return true
  }

  has (channelId: string): boolean { return this.byChannel.has(channelId) }

  /** Whether a monitor still writes the file at that path (its size grows as it is read). */
  writing (path: string): boolean { return this.open.has(path) }

  bridgeJoined (bridgeId: string, ch: SimChannel): void {
    const own = this.byChannel.get(ch.id)
    if (own !== undefined) {
      for (const peerId of this.host.getBridge(bridgeId)?.channels ?? []) {
        const peer = this.host.getChannel(peerId)
        if (peer !== undefined && peer.id !== ch.id) this.hear(own, peer)
      }
    }
    for (const monitor of this.inBridge(bridgeId)) if (monitor.channelId !== ch.id) this.hear(monitor, ch)
  }

  bridgeLeft (bridgeId: string, channelId: string): void {
    const own = this.byChannel.get(channelId)
    if (own !== undefined) for (const peerId of [...own.open.keys()]) this.stopHearing(own, peerId)
    for (const monitor of this.inBridge(bridgeId)) this.stopHearing(monitor, channelId)
  }

  /**
   * The monitored channel hung up. Asterisk's monitor thread closes the files a moment after the
   * channel is gone; here they are closed as it goes, so tests on a virtual clock never wait for a
   * file (ringlead's wait for a file still open is tested on its own, and against a real Asterisk).
   */
  channelGone (channelId: string): void {
    const monitor = this.byChannel.get(channelId)
    if (monitor === undefined) {
      for (const m of this.byChannel.values()) this.stopHearing(m, channelId)
      return
    }
    this.finish(monitor)
  }

  private inBridge (bridgeId: string): Monitor[] {
    const members = new Set(this.host.getBridge(bridgeId)?.channels ?? [])
    return [...this.byChannel.values()].filter((m) => members.has(m.channelId))
  }

  private hear (monitor: Monitor, peer: SimChannel): void {
    if (!monitor.open.has(peer.id)) monitor.open.set(peer.id, { fromMs: performance.now() - monitor.startedAtMs, toneHz: peer.toneHz })
  }

  private stopHearing (monitor: Monitor, peerId: string): void {
    const span = monitor.open.get(peerId)
    if (span === undefined) return
    monitor.open.delete(peerId)
    monitor.heard.push({ frequencyHz: span.toneHz, fromMs: span.fromMs, toMs: performance.now() - monitor.startedAtMs })
  }

  private finish (monitor: Monitor): void {
    this.byChannel.delete(monitor.channelId)
    for (const path of [monitor.files.mixed, monitor.files.read, monitor.files.write]) {
      if (path === null) continue
      const writers = this.open.get(path) ?? 0
      if (writers > 1) this.open.set(path, writers - 1)
      else this.open.delete(path)
    }
    this.write(monitor, performance.now())
  }

  private write (monitor: Monitor, endedAtMs: number): void {
    const elapsedMs = endedAtMs - monitor.startedAtMs
    for (const peerId of [...monitor.open.keys()]) this.stopHearing(monitor, peerId)
    // Files hold protocol time, as the recorder's do.
    const scale = 1000 / this.host.secondsMs
    const scaled = (spans: ToneSpan[]): ToneSpan[] => spans.map((s) => ({ frequencyHz: s.frequencyHz, fromMs: s.fromMs * scale, toMs: Math.min(s.toMs, elapsedMs) * scale }))
    const said: ToneSpan[] = [{ frequencyHz: monitor.toneHz, fromMs: 0, toMs: elapsedMs }]
    const tracks: Array<[string | null, ToneSpan[]]> = [
      [monitor.files.read, said], [monitor.files.write, monitor.heard], [monitor.files.mixed, [...said, ...monitor.heard]]
    ]
    for (const [path, spans] of tracks) {
      if (path === null) continue
      try {
        this.files.write(path, encodeWav(renderTones(elapsedMs * scale, scaled(spans))))
      } catch (err) {
        this.host.log?.error({ err, file: path }, 'MixMonitor write failed')
      }
    }
  }
}
