// Live and stored recordings: channel, snoop and bridge recordings written as real WAV files.
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ariFail } from './ari-error.js'
import type { MediaHost } from './media-host.js'
import { MixMonitors } from './mixmonitor.js'
import type { SimChannel } from './model.js'
import { SpoolFiles } from './spool-files.js'
import { SAMPLE_RATE, type ToneSpan, encodeWav, renderTones } from './wav.js'

type Target = { kind: 'channel'; id: string } | { kind: 'bridge'; id: string }

interface LiveRec {
  name: string
  format: string
  target: Target
  state: 'queued' | 'recording' | 'done'
  startedAtMs: number
  open: Map<string, { fromMs: number; toneHz: number }>
  spans: ToneSpan[]
  apps: Set<string>
  maxTimer?: NodeJS.Timeout
}

export interface RecordParams { name?: string; format?: string; maxDurationSeconds?: number; ifExists?: string }

const SUPPORTED_FORMATS = new Set(['wav'])

export class Recorder {
  private readonly live = new Map<string, LiveRec>()
  /** MixMonitor audiohooks (AMI), which hear bridges the way the recordings do. */
  readonly monitors: MixMonitors
  /** Recordings and MixMonitor files, written off the event loop. */
  readonly files: SpoolFiles

  constructor (private readonly host: MediaHost) {
    mkdirSync(host.recordingsDir, { recursive: true })
    this.files = new SpoolFiles(host.log)
    this.monitors = new MixMonitors(host, this.files)
  }

  recordChannel (ch: SimChannel, params: RecordParams): Record<string, unknown> {
    return this.start({ kind: 'channel', id: ch.id }, params, ch.apps)
  }

  recordBridge (bridgeId: string, apps: ReadonlySet<string>, params: RecordParams): Record<string, unknown> {
    return this.start({ kind: 'bridge', id: bridgeId }, params, apps)
  }

  getLive (name: string): Record<string, unknown> {
    const rec = this.live.get(name)
    if (!rec) throw ariFail(404, 'Recording not found')
    return this.snapshot(rec)
  }

  stop (name: string): void {
    const rec = this.live.get(name)
    if (!rec) throw ariFail(404, 'Recording not found')
    this.finish(rec)
  }

  hasLiveOnBridge (bridgeId: string): boolean {
    return [...this.live.values()].some((r) => r.target.kind === 'bridge' && r.target.id === bridgeId)
  }

  /** A channel joined a bridge: every recording of that bridge starts hearing it. */
  bridgeJoined (bridgeId: string, ch: SimChannel): void {
    this.monitors.bridgeJoined(bridgeId, ch)
    for (const rec of this.bridgeRecordings(bridgeId)) this.openSpan(rec, ch.id, ch.toneHz)
  }

  /** A channel left a bridge; when the last one leaves, the recording ends (as Asterisk's does). */
  bridgeLeft (bridgeId: string, channelId: string, remaining: number): void {
    this.monitors.bridgeLeft(bridgeId, channelId)
    for (const rec of this.bridgeRecordings(bridgeId)) {
      this.closeSpan(rec, channelId)
      // Finish after the leaver's own events (ChannelDestroyed comes before RecordingFinished).
      if (remaining === 0) setImmediate(() => { if (this.live.get(rec.name) === rec) this.finish(rec) })
    }
  }

  bridgeGone (bridgeId: string): void {
    for (const rec of this.bridgeRecordings(bridgeId)) this.finish(rec)
  }

  channelGone (channelId: string): void {
    this.monitors.channelGone(channelId)
    for (const rec of [...this.live.values()]) {
      if (rec.target.kind === 'channel' && rec.target.id === channelId) this.finish(rec)
      else this.closeSpan(rec, channelId)
    }
  }

  listStored (): Array<{ name: string; format: string }> {
    const dir = this.host.recordingsDir
    const names = new Set(existsSync(dir) ? readdirSync(dir) : [])
    for (const path of this.files.heldPaths()) if (dirname(path) === dir) names.add(basename(path))
    return [...names].filter((f) => f.endsWith('.wav')).sort().map((f) => ({ name: f.slice(0, -4), format: 'wav' }))
  }

  getStored (name: string): { name: string; format: string } {
    if (!this.storedPath(name)) throw ariFail(404, 'Recording not found')
    return { name, format: 'wav' }
  }

  /** The file's bytes now, and whether a MixMonitor still writes it (it grows while it is sent). */
  storedFile (name: string): { bytes: Buffer; growing: boolean } {
    const path = this.pathOf(name)
    const bytes = path === undefined ? undefined : this.files.read(path)
    if (path === undefined || bytes === undefined) throw ariFail(404, 'Recording not found')
    return { bytes, growing: this.monitors.writing(path) }
  }

  /** Removed off the event loop: a call center deletes every recording it has copied, three a call. */
  async deleteStored (name: string): Promise<void> {
    const path = this.pathOf(name)
    if (path === undefined || !await this.files.remove(path)) throw ariFail(404, 'Recording not found')
  }

  /** Length of a stored recording in protocol seconds (for recording: playback URIs). */
  storedSeconds (name: string): number | undefined {
    const path = this.pathOf(name)
    const size = path === undefined ? undefined : this.files.size(path)
    if (size === undefined) return undefined
    return Math.max(0, (size - 44) / (2 * SAMPLE_RATE))
  }

  private storedPath (name: string): string | undefined {
    const path = this.pathOf(name)
    return path !== undefined && this.files.exists(path) ? path : undefined
  }

  /** Where a stored recording of that name would be; undefined for a name that cannot be one. */
  private pathOf (name: string): string | undefined {
    if (name === '' || name.includes('..')) return undefined
    return join(this.host.recordingsDir, `${name}.wav`)
  }

  private start (target: Target, params: RecordParams, apps: ReadonlySet<string>): Record<string, unknown> {
    const { name, format } = params
    // Asterisk answers a missing name with a generic parse error, not a 400.
    if (!name) throw ariFail(500, 'Error parsing request')
    if (!format || !SUPPORTED_FORMATS.has(format)) throw ariFail(422, 'specified format is unknown on this system')
    if (this.live.has(name)) throw ariFail(409, `Recording '${name}' already in progress`)
    const ifExists = params.ifExists ?? 'fail'
    if (!['fail', 'overwrite', 'append'].includes(ifExists)) throw ariFail(400, 'ifExists invalid')
    if (ifExists === 'fail' && this.storedPath(name)) throw ariFail(409, 'Recording with the same name already exists on the system')
    const rec: LiveRec = { name, format, target, state: 'queued', startedAtMs: performance.now(), open: new Map(), spans: [], apps: new Set(apps) }
    this.live.set(name, rec)
    const queued = this.snapshot(rec)
    rec.state = 'recording'
    for (const party of this.partiesAtStart(target)) this.openSpan(rec, party.id, party.toneHz)
    if (params.maxDurationSeconds && params.maxDurationSeconds > 0) {
      rec.maxTimer = setTimeout(() => this.finish(rec), params.maxDurationSeconds * this.host.secondsMs)
    }
    this.host.emit('RecordingStarted', { recording: this.snapshot(rec) }, rec.apps)
    if (target.kind === 'bridge') this.host.bridgeChanged(target.id)
    return queued
  }

  /** Who is audible: a channel records its own party; a snoop records the spied direction(s); a bridge mixes everyone. */
  private partiesAtStart (target: Target): SimChannel[] {
    if (target.kind === 'bridge') {
      const bridge = this.host.getBridge(target.id)
      return (bridge?.channels ?? []).map((id) => this.host.getChannel(id)).filter((c): c is SimChannel => c !== undefined)
    }
    const ch = this.host.getChannel(target.id)
    if (!ch) return []
    if (ch.origin !== 'snoop' || !ch.snoopOf) return [ch]
    const spied = this.host.getChannel(ch.snoopOf)
    if (!spied) return []
    const peers = spied.bridgeId
      ? (this.host.getBridge(spied.bridgeId)?.channels ?? []).filter((id) => id !== spied.id).map((id) => this.host.getChannel(id)).filter((c): c is SimChannel => c !== undefined)
      : []
    if (ch.spy === 'in') return [spied]
    if (ch.spy === 'out') return peers
    if (ch.spy === 'both') return [spied, ...peers]
    return []
  }

  private bridgeRecordings (bridgeId: string): LiveRec[] {
    return [...this.live.values()].filter((r) => r.target.kind === 'bridge' && r.target.id === bridgeId)
  }

  private openSpan (rec: LiveRec, channelId: string, toneHz: number): void {
    if (!rec.open.has(channelId)) rec.open.set(channelId, { fromMs: performance.now() - rec.startedAtMs, toneHz })
  }

  private closeSpan (rec: LiveRec, channelId: string): void {
    const span = rec.open.get(channelId)
    if (!span) return
    rec.open.delete(channelId)
    rec.spans.push({ frequencyHz: span.toneHz, fromMs: span.fromMs, toMs: performance.now() - rec.startedAtMs })
  }

  private finish (rec: LiveRec): void {
    if (rec.maxTimer) clearTimeout(rec.maxTimer)
    for (const channelId of [...rec.open.keys()]) this.closeSpan(rec, channelId)
    this.live.delete(rec.name)
    rec.state = 'done'
    const elapsedMs = performance.now() - rec.startedAtMs
    // The file holds protocol time: a 5 s call is 5 s of audio even when the simulation runs faster.
    const scale = 1000 / this.host.secondsMs
    const pcm = renderTones(elapsedMs * scale, rec.spans.map((s) => ({ frequencyHz: s.frequencyHz, fromMs: s.fromMs * scale, toMs: s.toMs * scale })))
    try {
      this.files.write(join(this.host.recordingsDir, `${rec.name}.wav`), encodeWav(pcm))
    } catch (err) {
      this.host.log?.error({ err, recording: rec.name }, 'recording write failed')
    }
    const duration = Math.floor(elapsedMs / this.host.secondsMs)
    this.host.emit('RecordingFinished', { recording: { ...this.snapshot(rec), duration } }, rec.apps)
    if (rec.target.kind === 'bridge') this.host.bridgeChanged(rec.target.id)
  }

  private snapshot (rec: LiveRec): Record<string, unknown> {
    return { name: rec.name, format: rec.format, state: rec.state, target_uri: `${rec.target.kind}:${rec.target.id}` }
  }
}
