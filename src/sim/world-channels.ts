// The simulated Asterisk's channels: their state, timers, events and the ARI channel operations.
// The layers above (world-dialing.ts, world.ts) add dialling and the rest.
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import { ariFail } from './ari-error.js'
import { asteriskTimestamp, causeText, sipTechCause } from './asterisk-text.js'
import type { EmitOptions, MediaHost } from './media-host.js'
import { type ChannelState, type SimBridge, type SimBridgeView, type SimChannel, type SimChannelView, channelSnapshot, channelView } from './model.js'
import { type Contexts, loadDialplan } from './dialplan.js'
import { type BridgeHost, Bridges } from './bridges.js'
import { DEFAULT_SOUNDS, Player } from './player.js'
import { Recorder } from './recorder.js'
import { ExternalMedia } from './external-media.js'
import { type AmiFields, amiChannelFields, prefixed, readVariable } from './channel-fields.js'
import { Phones } from './phones.js'
import type { WorldOptions, WorldSinks } from './world-types.js'
import { DTMF_DURATION_MS } from './world-types.js'

export abstract class ChannelWorld implements MediaHost, BridgeHost {
  readonly secondsMs: number
  readonly recordingsDir: string
  readonly log: Logger | undefined
  readonly asteriskId: string
  readonly stasisApp: string
  readonly startedAt = new Date()
  readonly lastReloadAt = new Date()
  sinks: WorldSinks = { ari: () => {}, ami: () => {}, isAppActive: () => false }

  protected readonly channelsById = new Map<string, SimChannel>()
  /** Live channels by PJSIP endpoint, in creation order: a phone's state is read from its own channels, not from a scan of all. */
  private readonly channelsByEndpoint = new Map<string, Map<string, SimChannel>>()
  /** Per endpoint, how many of its live channels ring and how many are in use: a phone's device state without a look at each. */
  private readonly endpointUse = new Map<string, { ringing: number; inUse: number }>()
  readonly phones: Phones
  protected readonly knownApps = new Set<string>()
  /** Event filters by app (PUT /applications/{app}/eventFilter); kept across reconnects. */
  protected readonly eventFilters = new Map<string, { allowed: string[]; disallowed: string[] }>()
  protected readonly worldTimers = new Set<NodeJS.Timeout>()
  protected uniqueSeq = 1
  /** Files `dialplan reload` reads (the include files ringlead writes). */
  dialplanFiles: string[] = []
  /** Tests make the next reload fail: 'reject' answers an error, 'ignore' claims success but loads nothing. */
  reloadFault: 'reject' | 'ignore' | null = null
  protected contexts: Contexts = loadDialplan([])
  /** What each channel ran in the dialplan when Stasis did not take it, by channel id. */
  protected readonly dialplanTraces = new Map<string, string[]>()
  protected nameSeq = 1
  protected snoopSeq = 0
  protected closed = false
  readonly player: Player
  readonly recorder: Recorder
  readonly bridges: Bridges
  readonly media: ExternalMedia

  constructor (opts: WorldOptions) {
    this.secondsMs = opts.secondsMs
    this.recordingsDir = opts.recordingsDir
    this.log = opts.log
    this.asteriskId = opts.asteriskId
    this.stasisApp = opts.stasisApp
    this.recorder = new Recorder(this)
    this.player = new Player(this, { ...DEFAULT_SOUNDS, ...opts.sounds }, (name) => this.recorder.storedSeconds(name))
    this.bridges = new Bridges(this)
    this.media = new ExternalMedia(this)
    this.phones = new Phones(this)
    this.player.onGone = (channelId, playbackId) => { this.bridges.playbackGone(channelId, playbackId) }
  }

  // ---- introspection -------------------------------------------------------------------------

  getChannel (channelId: string): SimChannel | undefined { return this.channelsById.get(channelId) }
  channelViews (): SimChannelView[] { return [...this.channelsById.values()].map(channelView) }
  bridgeViews (): SimBridgeView[] { return this.bridges.views() }

  // ---- channel operations (ARI) ----------------------------------------------------------------------

  channelList (): Array<Record<string, unknown>> {
    return [...this.channelsById.values()].map(channelSnapshot)
  }

  channelGet (channelId: string): Record<string, unknown> {
    return channelSnapshot(this.channelOr404(channelId))
  }

  channelOr404 (channelId: string, message = 'Channel not found'): SimChannel {
    const ch = this.channelsById.get(channelId)
    if (!ch || ch.gone) throw ariFail(404, message)
    return ch
  }

  inStasisOr409 (channelId: string): SimChannel {
    const ch = this.channelOr404(channelId)
    if (ch.stasisApp === undefined) throw ariFail(409, 'Channel not in Stasis application')
    return ch
  }

  answer (channelId: string): void {
    const ch = this.inStasisOr409(channelId)
    if (ch.state === 'Up') return
    this.setState(ch, 'Up')
    ch.answeredAtMs = performance.now()
    const digits = this.pendingDtmf.get(ch.id)
    this.pendingDtmf.delete(ch.id)
    for (const d of digits ?? []) this.after(ch, d.afterMs, () => this.sendDtmf(ch.id, d.digit))
  }

  ring (channelId: string): void { this.inStasisOr409(channelId) }

  setVariable (channelId: string, variable: string | undefined, value: string): void {
    const ch = this.inStasisOr409(channelId)
    if (!variable) throw ariFail(400, 'Variable name is required')
    ch.variables.set(variable, value)
    this.emit('ChannelVarset', { variable, value, channel: channelSnapshot(ch) }, ch.apps)
  }

  getVariable (channelId: string, variable: string | undefined): string {
    const ch = this.channelOr404(channelId)
    if (!variable) throw ariFail(400, 'Variable name is required')
    const value = readVariable(ch, variable)
    if (value === undefined) throw ariFail(404, 'Provided variable was not found')
    return value
  }

  /** DELETE /channels/{id}: the app hangs up (Asterisk reports cause 32, the soft-hangup flag, first). */
  appHangup (channelId: string, cause: number): void {
    const ch = this.channelOr404(channelId)
    this.hangupRequest(ch, { cause: 32, soft: true })
    if (ch.stasisApp === undefined && ch.origin === 'originated' && ch.state !== 'Up') this.emitDial(ch, 'NOANSWER')
    this.tearDown(ch, cause)
  }

  /** The far end hangs up: BYE when talking, CANCEL while the caller is still ringing. */
  remoteHangup (channelId: string): void {
    const ch = this.channelsById.get(channelId)
    if (!ch || ch.gone) return
    if (ch.origin === 'inbound' && ch.state !== 'Up') {
      this.hangupRequest(ch, { cause: 127, tech_cause: 487 })
      this.tearDown(ch, 127)
      return
    }
    if (ch.origin === 'originated' && ch.state !== 'Up') {
      // A ringing phone that rejects the call answers 486.
      this.clearTimers(ch)
      this.hangupRequest(ch, { cause: 17, tech_cause: 486 })
      this.emitDial(ch, 'BUSY')
      this.destroy(ch, 17)
      return
    }
    this.hangupRequest(ch, {})
    this.tearDown(ch, 16)
  }

  /** Leaves bridge and Stasis, ends media and snoops, then destroys; the event order follows the traces. */
  protected tearDown (ch: SimChannel, cause: number): void {
    this.clearTimers(ch)
    this.bridges.channelLeaving(ch.id)
    this.player.channelGone(ch.id)
    if (ch.bridgeId) this.bridges.leave(ch)
    const wasInStasis = ch.stasisApp !== undefined
    if (wasInStasis) {
      if (ch.origin !== 'originated') this.recorder.channelGone(ch.id) // snoop: RecordingFinished, then StasisEnd
      this.stasisEnd(ch)
    }
    for (const snoopId of [...ch.snoops]) {
      const snoop = this.channelsById.get(snoopId)
      if (snoop && !snoop.gone) this.tearDown(snoop, 16)
    }
    if (wasInStasis && ch.origin === 'originated') {
      this.emit('ChannelVarset', { variable: 'STASISSTATUS', value: 'SUCCESS', channel: channelSnapshot(ch) }, ch.apps)
    }
    if (ch.origin !== 'originated' && ch.origin !== 'snoop' && wasInStasis) {
      // Only subscribeAll sockets learn that a dialplan-entered channel is really gone.
      this.hangupRequest(ch, { cause: 16, soft: true }, { allOnly: true })
    }
    this.destroy(ch, cause)
  }

  protected stasisEnd (ch: SimChannel): void {
    this.emit('StasisEnd', { channel: channelSnapshot(ch) }, ch.apps)
    const app = ch.stasisApp
    ch.stasisApp = undefined
    if (ch.origin === 'originated') {
      ch.dialplan = { ...ch.dialplan, app_name: 'AppDial2', app_data: '(Outgoing Line)' }
    } else if (app) {
      ch.apps.delete(app)
    }
  }

  protected destroy (ch: SimChannel, cause: number, opts: { declined?: boolean } = {}): void {
    if (ch.gone) return
    this.clearTimers(ch)
    this.recorder.channelGone(ch.id)
    this.bridges.channelLeaving(ch.id)
    this.player.channelGone(ch.id)
    const tech = sipTechCause(cause)
    const fields: Record<string, unknown> = { cause, cause_txt: causeText(cause), ...(tech !== undefined ? { tech_cause: tech } : {}), channel: channelSnapshot(ch) }
    this.emit('ChannelDestroyed', fields, ch.apps, { allOnly: ch.origin !== 'originated' })
    ch.gone = true
    this.channelsById.delete(ch.id)
    if (ch.endpoint) {
      const own = this.channelsByEndpoint.get(ch.endpoint)
      own?.delete(ch.id)
      if (own?.size === 0) this.channelsByEndpoint.delete(ch.endpoint)
      this.countUse(ch.endpoint, ch.state, -1)
    }
    this.pendingDtmf.delete(ch.id)
    if (ch.snoopOf) this.channelsById.get(ch.snoopOf)?.snoops.delete(ch.id)
    this.ami('Hangup', [...amiChannelFields(ch), ['Cause', String(cause)], ['Cause-txt', causeText(cause)], ...(tech !== undefined ? [['TechCause', String(tech)] as [string, string]] : [])])
    if (ch.endpoint) this.phones.refreshDevice(ch.endpoint)
    ch.onGone?.(cause, opts.declined ?? false)
  }

  /** Digits the caller presses, counted from the moment the call is answered (media flows only then). */
  protected readonly pendingDtmf = new Map<string, Array<{ digit: string; afterMs: number }>>()

  /** durationMs: RFC 4733 digits from the phones last 280 ms; a SIP INFO carries its own Duration (flow13: 250). */
  sendDtmf (channelId: string, digit: string, durationMs = DTMF_DURATION_MS): void {
    const ch = this.channelsById.get(channelId)
    if (!ch || ch.gone) return
    this.emit('ChannelDtmfReceived', { digit, duration_ms: durationMs, channel: channelSnapshot(ch) }, ch.apps)
  }

  // ---- bridges (bridges.ts) ----------------------------------------------------------------------

  getBridge (bridgeId: string): SimBridge | undefined { return this.bridges.get(bridgeId) }
  bridgeChanged (bridgeId: string): void { this.bridges.changed(bridgeId) }
  playbacksOn (channelId: string): string[] { return this.player.playbacksOn(channelId) }

  // ---- shared helpers --------------------------------------------------------------------------

  emit (type: string, fields: Record<string, unknown>, apps: ReadonlySet<string>, opts: EmitOptions = {}): void {
    if (this.closed) return
    const body = { type, timestamp: asteriskTimestamp(), ...fields, asterisk_id: this.asteriskId }
    this.sinks.ari({ body, apps, allOnly: opts.allOnly ?? false })
    if (type === 'PlaybackStarted') this.answerMenu(fields.playback as { target_uri?: string } | undefined)
  }

  /** A phone whose person answers menus presses a key a moment after a prompt starts. */
  protected answerMenu (playback: { target_uri?: string } | undefined): void {
    const channelId = playback?.target_uri?.startsWith('channel:') ? playback.target_uri.slice('channel:'.length) : undefined
    const ch = channelId ? this.channelsById.get(channelId) : undefined
    const ep = ch?.endpoint ? this.phones.get(ch.endpoint) : undefined
    const keys = ep?.behaviour.kind === 'answer' ? ep.behaviour.menuKeys : undefined
    if (!ch || !keys) return
    const digit = keys[Math.floor(Math.random() * keys.length)]!
    this.after(ch, this.secondsMs, () => { this.sendDtmf(ch.id, digit) })
  }

  ami (event: string, fields: AmiFields): void {
    if (!this.closed) this.sinks.ami(event, fields)
  }

  protected emitDial (ch: SimChannel, dialstatus: string): void {
    this.emit('Dial', { dialstatus, forward: '', dialstring: ch.dialstring, peer: channelSnapshot(ch) }, ch.apps)
    if (dialstatus !== '' && dialstatus !== 'RINGING') {
      this.ami('DialEnd', [...prefixed('Dest', amiChannelFields(ch)), ['DialStatus', dialstatus]])
    }
  }

  protected amiDialBegin (ch: SimChannel): void {
    this.ami('DialBegin', [...prefixed('Dest', amiChannelFields(ch)), ['DialString', ch.dialstring]])
  }

  protected hangupRequest (ch: SimChannel, fields: { cause?: number; tech_cause?: number; soft?: boolean }, opts: EmitOptions = {}): void {
    this.emit('ChannelHangupRequest', { ...fields, channel: channelSnapshot(ch) }, ch.apps, opts)
    if (opts.allOnly) return
    const cause = fields.cause ?? 16
    this.ami(fields.soft ? 'SoftHangupRequest' : 'HangupRequest', [...amiChannelFields(ch), ['Cause', String(cause)], ...(fields.tech_cause !== undefined ? [['TechCause', String(fields.tech_cause)] as [string, string]] : [])])
  }

  protected setState (ch: SimChannel, state: ChannelState): void {
    if (ch.state === state) return
    if (ch.endpoint && !ch.gone) {
      this.countUse(ch.endpoint, ch.state, -1)
      this.countUse(ch.endpoint, state, 1)
    }
    ch.state = state
    this.emit('ChannelStateChange', { channel: channelSnapshot(ch) }, ch.apps)
    this.ami('Newstate', amiChannelFields(ch))
    if (ch.endpoint) this.phones.refreshDevice(ch.endpoint)
  }

  protected newChannel (init: Omit<SimChannel, 'id' | 'createdAt' | 'apps' | 'variables' | 'timers' | 'gone' | 'snoops' | 'dialstring'> & { id?: string | undefined }): SimChannel {
    const id = init.id ?? `${Math.floor(Date.now() / 1000)}.${this.uniqueSeq++}`
    const ch: SimChannel = {
      ...init,
      id,
      dialstring: init.endpoint ?? '',
      createdAt: new Date(),
      apps: new Set(),
      variables: new Map(),
      timers: new Set(),
      gone: false,
      snoops: new Set()
    }
    this.channelsById.set(id, ch)
    if (ch.endpoint) {
      let own = this.channelsByEndpoint.get(ch.endpoint)
      if (own === undefined) this.channelsByEndpoint.set(ch.endpoint, own = new Map())
      own.set(id, ch)
      this.countUse(ch.endpoint, ch.state, 1)
    }
    this.emit('ChannelCreated', { channel: channelSnapshot(ch) }, ch.apps, { allOnly: true })
    this.ami('Newchannel', amiChannelFields(ch))
    if (ch.endpoint) this.phones.refreshDevice(ch.endpoint)
    return ch
  }

  /** Runs fn after ms unless the channel is gone first (timer owned by the channel). */
  protected after (ch: SimChannel, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      ch.timers.delete(t)
      if (!ch.gone && !this.closed) fn()
    }, Math.max(0, ms))
    ch.timers.add(t)
  }

  /** Like after(), but not cancelled by clearTimers(): for steps that must follow an answer. */
  protected later (ch: SimChannel, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.worldTimers.delete(t)
      if (!ch.gone && !this.closed) fn()
    }, Math.max(0, ms))
    this.worldTimers.add(t)
  }

  protected clearTimers (ch: SimChannel): void {
    for (const t of ch.timers) clearTimeout(t)
    ch.timers.clear()
  }

  close (): void {
    this.closed = true
    this.media.closeAll()
    for (const ch of this.channelsById.values()) this.clearTimers(ch)
    for (const t of this.worldTimers) clearTimeout(t)
    this.worldTimers.clear()
  }

  coreShowChannels (): SimChannel[] { return [...this.channelsById.values()] }

  channelsOnEndpoint (resource: string): Iterable<SimChannel> { return this.channelsByEndpoint.get(resource)?.values() ?? [] }

  /** Whether any live channel of the endpoint rings, and whether any is in use (Up, or Ring: dialling out). */
  endpointInUse (resource: string): { ringing: boolean; inUse: boolean } {
    const use = this.endpointUse.get(resource)
    return { ringing: (use?.ringing ?? 0) > 0, inUse: (use?.inUse ?? 0) > 0 }
  }

  private countUse (endpoint: string, state: string, delta: 1 | -1): void {
    const ringing = state === 'Ringing'
    const inUse = state === 'Up' || state === 'Ring'
    if (!ringing && !inUse) return
    let use = this.endpointUse.get(endpoint)
    if (use === undefined) this.endpointUse.set(endpoint, use = { ringing: 0, inUse: 0 })
    if (ringing) use.ringing += delta
    else use.inUse += delta
  }

  uptimeSeconds (): number { return Math.floor((Date.now() - this.startedAt.getTime()) / 1000) }
}
