// Bridges of the simulated Asterisk: create, join, leave, destroy, and the technology Asterisk
// picks for the mix. A join waits for the channel's playbacks, as on Asterisk 22 (FINDINGS.txt,
// flows 14-17): addChannel is a command queued behind the channel's playbacks, so the 204 comes
// only when each channel in the list, one by one, has finished what it was playing.
import { randomUUID } from 'node:crypto'
import { ariFail } from './ari-error.js'
import type { EmitOptions } from './media-host.js'
import { type SimBridge, type SimBridgeView, type SimChannel, bridgeSnapshot, channelSnapshot } from './model.js'
import type { Recorder } from './recorder.js'

/** What the bridges need from the rest of the simulated Asterisk. */
export interface BridgeHost {
  getChannel (channelId: string): SimChannel | undefined
  emit (type: string, fields: Record<string, unknown>, apps: ReadonlySet<string>, opts?: EmitOptions): void
  readonly recorder: Recorder
  /** Ids of the playbacks playing or queued on a channel, in queue order. */
  playbacksOn (channelId: string): string[]
}

/** A channel waiting for its playbacks to end before it enters a bridge. */
interface PendingJoin { bridgeId: string; channelId: string; waitingFor: Set<string>; settle: () => void }

export class Bridges {
  private readonly byId = new Map<string, SimBridge>()
  private pending: PendingJoin[] = []
  private readonly recorderIds = new Map<string, string>()

  constructor (private readonly host: BridgeHost) {}

  get (bridgeId: string): SimBridge | undefined { return this.byId.get(bridgeId) }
  all (): SimBridge[] { return [...this.byId.values()] }

  views (): SimBridgeView[] {
    return this.all().map((b) => ({ bridgeId: b.id, name: b.name, technology: b.technology, channelIds: [...b.channels], channels: [...b.channels] }))
  }

  create (type: string | undefined, bridgeId: string | undefined, name: string | undefined): Record<string, unknown> {
    const features = (type ?? 'mixing').split(',').map((s) => s.trim()).filter((s) => s !== '')
    const known = ['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label']
    if (features.some((f) => !known.includes(f))) {
      throw ariFail(500, `Unable to create bridge. Possible duplicate bridge id '${bridgeId ?? '(null)'}'`)
    }
    if (bridgeId && this.byId.has(bridgeId)) throw ariFail(409, `Bridge with id '${bridgeId}' already exists`)
    const bridge: SimBridge = {
      id: bridgeId ?? randomUUID(),
      name: name ?? '',
      type: features.includes('holding') ? 'holding' : 'mixing',
      technology: features.includes('holding') ? 'holding_bridge' : 'simple_bridge',
      channels: [],
      createdAt: new Date(),
      apps: new Set()
    }
    this.byId.set(bridge.id, bridge)
    this.host.emit('BridgeCreated', { bridge: bridgeSnapshot(bridge) }, bridge.apps, { allOnly: true })
    return bridgeSnapshot(bridge)
  }

  list (): Array<Record<string, unknown>> { return this.all().map((b) => bridgeSnapshot(b)) }
  snapshot (bridgeId: string): Record<string, unknown> { return bridgeSnapshot(this.or404(bridgeId)) }

  or404 (bridgeId: string): SimBridge {
    const bridge = this.byId.get(bridgeId)
    if (!bridge) throw ariFail(404, 'Bridge not found')
    return bridge
  }

  /**
   * POST /bridges/{id}/addChannel. Bad input fails at once and adds nobody; otherwise the channels
   * join in list order, each after the playbacks it has when its turn comes, and the promise (the
   * 204) settles when the last has joined. Music on hold neither delays a join nor is stopped by it.
   */
  async add (bridgeId: string, channelIds: string[]): Promise<void> {
    const bridge = this.or404(bridgeId)
    const chans = this.channelsNamed(channelIds)
    if (chans.some((ch) => ch.stasisApp === undefined)) throw ariFail(422, 'Channel not in Stasis application')
    for (const ch of chans) {
      const waitingFor = new Set(this.host.playbacksOn(ch.id))
      if (waitingFor.size === 0) this.enter(bridge.id, ch)
      else await new Promise<void>((settle) => { this.pending.push({ bridgeId: bridge.id, channelId: ch.id, waitingFor, settle }) })
    }
    this.setPeers(bridge)
    this.changed(bridge.id)
  }

  /**
   * A playback ended (done, stopped, failed or cancelled). A join waiting only for it happens now,
   * not a microtask later: ChannelEnteredBridge follows PlaybackFinished before anything queued
   * behind the join starts playing.
   */
  playbackGone (channelId: string, playbackId: string): void {
    for (const join of this.pending.filter((j) => j.channelId === channelId)) {
      join.waitingFor.delete(playbackId)
      if (join.waitingFor.size > 0) continue
      this.pending = this.pending.filter((j) => j !== join)
      const ch = this.host.getChannel(channelId)
      if (ch) this.enter(join.bridgeId, ch)
      join.settle()
    }
  }

  /**
   * The channel is hanging up: joins it waits for will not happen. Not observed: Asterisk's
   * add-channel result reports only recordings, so the request is taken to still end 204.
   */
  channelLeaving (channelId: string): void {
    for (const join of this.pending.filter((j) => j.channelId === channelId)) {
      this.pending = this.pending.filter((j) => j !== join)
      join.settle()
    }
  }

  /** Joins unless the channel or the bridge went away while the join waited. */
  private enter (bridgeId: string, ch: SimChannel): void {
    const bridge = this.byId.get(bridgeId)
    if (!bridge || ch.gone || ch.stasisApp === undefined) return
    this.join(bridge, ch)
  }

  private join (bridge: SimBridge, ch: SimChannel): void {
    if (ch.bridgeId === bridge.id) return
    if (ch.bridgeId) this.leave(ch)
    bridge.channels.push(ch.id)
    ch.bridgeId = bridge.id
    if (ch.stasisApp) bridge.apps.add(ch.stasisApp)
    this.host.emit('ChannelEnteredBridge', { bridge: bridgeSnapshot(bridge), channel: channelSnapshot(ch) }, union(bridge.apps, ch.apps))
    this.host.recorder.bridgeJoined(bridge.id, ch)
  }

  /** The live channels a bridge request names, as Asterisk checks them: 400 when none or one is gone. */
  private channelsNamed (channelIds: string[]) {
    if (channelIds.length === 0) throw ariFail(400, 'Missing parameter channel')
    return channelIds.map((id) => {
      const ch = this.host.getChannel(id)
      if (!ch || ch.gone) throw ariFail(400, 'Channel not found')
      return ch
    })
  }

  remove (bridgeId: string, channelIds: string[]): void {
    const bridge = this.or404(bridgeId)
    const chans = this.channelsNamed(channelIds)
    if (chans.some((ch) => ch.bridgeId !== bridge.id)) throw ariFail(422, 'Channel not in this bridge')
    for (const ch of chans) this.leave(ch)
  }

  destroy (bridgeId: string): void {
    const bridge = this.or404(bridgeId)
    for (const id of [...bridge.channels]) {
      const ch = this.host.getChannel(id)
      if (ch) this.leave(ch)
    }
    this.host.recorder.bridgeGone(bridge.id)
    this.byId.delete(bridge.id)
    this.recorderIds.delete(bridge.id)
    this.host.emit('BridgeDestroyed', { bridge: bridgeSnapshot(bridge) }, bridge.apps)
  }

  leave (ch: SimChannel): void {
    const bridge = ch.bridgeId ? this.byId.get(ch.bridgeId) : undefined
    ch.bridgeId = undefined
    if (!bridge) return
    const technologyBefore = bridge.technology
    bridge.channels = bridge.channels.filter((id) => id !== ch.id)
    if (ch.variables.has('BRIDGEPEER')) {
      ch.variables.set('BRIDGEPEER', '')
      this.host.emit('ChannelVarset', { variable: 'BRIDGEPEER', value: '', channel: channelSnapshot(ch) }, ch.apps)
    }
    // The last party to leave a recorded bridge still sees the recorder's channel in it (flows 1, 1b):
    // a client must not take channels [] as "the bridge is empty" while it records.
    const shown = bridge.channels.length === 0 && this.host.recorder.hasLiveOnBridge(bridge.id) ? { ...bridge, channels: [this.recorderChannelId(bridge.id)] } : bridge
    this.host.emit('ChannelLeftBridge', { bridge: bridgeSnapshot(shown, technologyBefore), channel: channelSnapshot(ch) }, union(bridge.apps, ch.apps))
    this.host.recorder.bridgeLeft(bridge.id, ch.id, bridge.channels.length)
    this.changed(bridge.id)
  }

  /** Asterisk re-picks the bridge technology as the mix changes: native RTP for two plain legs, softmix for recordings or 3+. */
  changed (bridgeId: string): void {
    const bridge = this.byId.get(bridgeId)
    if (!bridge || bridge.type === 'holding') return
    const chans = bridge.channels.map((id) => this.host.getChannel(id)).filter((c): c is SimChannel => c !== undefined)
    if (this.host.recorder.hasLiveOnBridge(bridge.id) || chans.length >= 3) bridge.technology = 'softmix'
    else if (chans.length === 2 && chans.every((c) => c.origin !== 'snoop' && c.snoops.size === 0)) bridge.technology = 'native_rtp'
    else bridge.technology = 'simple_bridge'
  }

  /** Id of the Recorder/ARI channel Asterisk puts into a recorded bridge (never listed in GET /channels). */
  private recorderChannelId (bridgeId: string): string {
    let id = this.recorderIds.get(bridgeId)
    if (id === undefined) {
      id = `${Math.floor(Date.now() / 1000)}.${900000 + this.recorderIds.size}`
      this.recorderIds.set(bridgeId, id)
    }
    return id
  }

  private setPeers (bridge: SimBridge): void {
    if (bridge.channels.length !== 2) return
    const [a, b] = bridge.channels.map((id) => this.host.getChannel(id))
    if (!a || !b) return
    for (const [ch, peer] of [[a, b], [b, a]] as const) {
      if (ch.variables.get('BRIDGEPEER') === peer.name) continue
      ch.variables.set('BRIDGEPEER', peer.name)
      this.host.emit('ChannelVarset', { variable: 'BRIDGEPEER', value: peer.name, channel: channelSnapshot(ch) }, ch.apps)
    }
    // Each party's connected line becomes the other's caller id, and stays after the peer leaves
    // (flows 1, 11: GET channel shows it; ChannelConnectedLine follows the second join).
    for (const [ch, peer] of [[a, b], [b, a]] as const) {
      if (ch.connected.name === peer.caller.name && ch.connected.number === peer.caller.number) continue
      ch.connected = { ...peer.caller }
      this.host.emit('ChannelConnectedLine', { channel: channelSnapshot(ch) }, ch.apps)
    }
  }
}

function union (a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> { return new Set([...a, ...b]) }
