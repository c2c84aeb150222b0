// The simulated Asterisk: phones, channels, bridges and calls, raising ARI and AMI events the way
// Asterisk 22 does (see /shared/asterisk/traces/FINDINGS.txt for the observed behaviour).
import { ariFail } from './ari-error.js'
import { channelSuffix } from './asterisk-text.js'
import { type SimChannel, channelSnapshot } from './model.js'
import { findExtension } from './dialplan.js'
import type { RecordParams } from './recorder.js'
import { checkExternalMedia, type ExternalMediaParams } from './external-media.js'
import { checkSnoop, heardBy as voicesReaching } from './snoop.js'
import type { DeviceState, PhoneBehaviour } from './phones.js'
import type { InboundCall, InboundHandle } from './world-types.js'
import { DialingWorld } from './world-dialing.js'

export type { PhoneBehaviour, DeviceState } from './phones.js'
export { parseCallerId, amiChannelFields, type AmiFields } from './channel-fields.js'
export type { AriOutEvent, DirectDial, DirectDialHandle, InboundCall, InboundHandle, OriginateParams, WorldOptions, WorldSinks } from './world-types.js'

/** The whole simulated Asterisk: the channel and dialling layers, with phones, applications, inbound calls, snoops, external media and playback on top. */
export class World extends DialingWorld {
  // ---- phones --------------------------------------------------------------------------------

  addEndpoint (resource: string, opts: { registered?: boolean; behaviour?: PhoneBehaviour } = {}): void { this.phones.add(resource, opts) }
  setBehaviour (resource: string, behaviour: PhoneBehaviour): void { this.phones.setBehaviour(resource, behaviour) }
  register (resource: string): void { this.phones.register(resource) }
  unregister (resource: string): void { this.phones.unregister(resource) }
  endpointList (tech?: string): Array<Record<string, unknown>> { return this.phones.list(tech) }
  endpointGet (tech: string, resource: string): Record<string, unknown> { return this.phones.snapshotOf(tech, resource) }
  contacts (): Array<{ resource: string; uri: string; port: number }> { return this.phones.contacts() }
  deviceStates (): Array<{ device: string; state: DeviceState }> { return this.phones.deviceStates() }

  // ---- applications ---------------------------------------------------------------------------

  appRegistered (app: string): void { this.knownApps.add(app) }

  /**
   * POST /events/user/{eventName}: a ChannelUserevent for the app, its variables as `userevent`.
   * An app that lost its registration misses it, as every other event. Event sources are not simulated.
   */
  userEvent (app: string, eventName: string, variables: Record<string, unknown> | undefined, sources: string | undefined): void {
    if (!this.knownApps.has(app)) throw ariFail(404, 'Application not found')
    if (sources !== undefined) throw ariFail(400, 'event sources are not simulated')
    this.emit('ChannelUserevent', { eventname: eventName, userevent: variables ?? {} }, new Set([app]))
  }

  /**
   * PUT /applications/{app}/eventFilter as Asterisk takes it: a list given replaces that list (an
   * empty one clears it), a list left out stays, an empty body clears both; each entry names a type.
   */
  setEventFilter (name: string, filter: unknown): Record<string, unknown> {
    if (!this.knownApps.has(name)) throw ariFail(404, 'Application not found')
    const current = this.eventFilters.get(name) ?? { allowed: [], disallowed: [] }
    if (filter === undefined || filter === null) {
      this.eventFilters.set(name, { allowed: [], disallowed: [] })
      return this.applicationGet(name)
    }
    if (typeof filter !== 'object' || Array.isArray(filter)) throw ariFail(400, 'Invalid format definition')
    const next = { ...current }
    for (const key of ['allowed', 'disallowed'] as const) {
      const list = (filter as Record<string, unknown>)[key]
      if (list === undefined) continue
      if (!Array.isArray(list) || list.some((e) => typeof (e as { type?: unknown } | null)?.type !== 'string')) throw ariFail(400, 'Invalid format definition')
      next[key] = list.map((e) => (e as { type: string }).type)
    }
    this.eventFilters.set(name, next)
    return this.applicationGet(name)
  }

  /** Whether the app's filter lets events of this type through (disallowed wins; an empty allowed list allows all). */
  eventAllowed (app: string, type: string): boolean {
    const f = this.eventFilters.get(app)
    if (f === undefined) return true
    return !f.disallowed.includes(type) && (f.allowed.length === 0 || f.allowed.includes(type))
  }

  applicationList (): Array<Record<string, unknown>> {
    return [...this.knownApps].map((name) => this.applicationGet(name))
  }

  applicationGet (name: string): Record<string, unknown> {
    if (!this.knownApps.has(name)) throw ariFail(404, 'Application not found')
    return {
      name,
      channel_ids: [...this.channelsById.values()].filter((c) => c.apps.has(name)).map((c) => c.id),
      bridge_ids: this.bridges.all().filter((b) => b.apps.has(name)).map((b) => b.id),
      endpoint_ids: [],
      device_names: [],
      events_allowed: (this.eventFilters.get(name)?.allowed ?? []).map((type) => ({ type })),
      events_disallowed: (this.eventFilters.get(name)?.disallowed ?? []).map((type) => ({ type }))
    }
  }

  // ---- inbound calls ------------------------------------------------------------------------------

  placeCall (call: InboundCall): InboundHandle {
    let settle: (v: { cause: number; declined: boolean }) => void = () => {}
    const ended = new Promise<{ cause: number; declined: boolean }>((resolve) => { settle = resolve })
    const ch = this.newChannel({
      origin: 'inbound',
      endpoint: 'carrier',
      name: `PJSIP/carrier-${channelSuffix(this.nameSeq++)}`,
      protocolId: `${this.uniqueSeq}-${10000 + Math.floor(Math.random() * 90000)}@127.0.0.1`,
      state: 'Ring',
      caller: { name: call.callerName ?? '', number: call.from },
      connected: { name: '', number: '' },
      dialplan: { context: 'from-carrier', exten: call.did, priority: 2, app_name: 'Stasis', app_data: `${this.stasisApp},inbound` },
      toneHz: 440
    })
    ch.onGone = (cause, declined) => settle({ cause, declined })
    const app = this.stasisApp
    const entry = this.contexts.get('from-carrier')
    if (!this.sinks.isAppActive(app) && this.dialplanFiles.length > 0 && entry !== undefined && findExtension(entry, call.did) !== undefined) {
      // A loaded dialplan decides what a failed Stasis() leads to (ringlead's safety net).
      if (call.hangupAfterMs !== undefined) this.after(ch, call.hangupAfterMs, () => this.remoteHangup(ch.id))
      void this.runDialplan(ch, 'from-carrier', call.did)
      return { channelId: ch.id, ended }
    }
    if (!this.sinks.isAppActive(app)) {
      // Stasis() fails without a connected app: the dialplan declines the call (603, Q.850 cause 16).
      this.log?.info({ channelId: ch.id, did: call.did }, 'inbound call declined: no ARI WebSocket')
      this.destroy(ch, 16, { declined: true })
      return { channelId: ch.id, ended }
    }
    ch.apps.add(app)
    ch.stasisApp = app
    this.emit('StasisStart', { args: ['inbound'], channel: channelSnapshot(ch) }, ch.apps)
    if (call.hangupAfterMs !== undefined) this.after(ch, call.hangupAfterMs, () => this.remoteHangup(ch.id))
    if (call.dtmf?.length) this.pendingDtmf.set(ch.id, call.dtmf)
    return { channelId: ch.id, ended }
  }

  // ---- snoop ------------------------------------------------------------------------------------

  /** Whose voices reach the channel through bridges, snoops and whispers (snoop.ts). */
  voicesReaching (channelId: string): string[] { return voicesReaching({ getChannel: (id) => this.channelsById.get(id), getBridge: (id) => this.getBridge(id) }, channelId) }

  snoop (channelId: string, spy: string | undefined, whisper: string | undefined, app: string | undefined, appArgs: string | undefined, snoopId: string | undefined): Record<string, unknown> {
    const checked = checkSnoop({ spy, whisper, app })
    const target = this.channelOr404(channelId, 'Provided channel was not found')
    if (snoopId && this.channelsById.has(snoopId)) throw ariFail(409, 'Channel with given unique ID already exists')
    const args = appArgs ? appArgs.split(',') : []
    const ch = this.newChannel({
      id: snoopId,
      origin: 'snoop',
      name: `Snoop/${target.id}-${channelSuffix(this.snoopSeq++)}`,
      protocolId: '',
      state: 'Up',
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: 'Stasis', app_data: [checked.app, ...args].join(',') },
      toneHz: target.toneHz
    })
    ch.snoopOf = target.id
    ch.spy = checked.spy
    ch.whisper = checked.whisper
    target.snoops.add(ch.id)
    ch.apps.add(checked.app)
    ch.stasisApp = checked.app
    // Asterisk's StasisStart for the snoop can beat the HTTP response; emit it first.
    this.emit('StasisStart', { args, channel: channelSnapshot(ch) }, ch.apps)
    return channelSnapshot(ch)
  }

  // ---- external media (external-media.ts) ---------------------------------------------------------

  /** POST /channels/externalMedia: a UnicastRTP channel, answered, in the app with `data` as its arguments. */
  async externalMedia (p: ExternalMediaParams, variables?: Record<string, string>): Promise<Record<string, unknown>> {
    const target = checkExternalMedia(p)
    if (p.channelId && this.channelsById.has(p.channelId)) throw ariFail(409, 'Channel with given unique ID already exists')
    const channelId = p.channelId || `${Math.floor(Date.now() / 1000)}.${this.uniqueSeq++}`
    const local = await this.media.open(channelId, target)
    const args = p.data ? p.data.split(',') : []
    const ch = this.newChannel({
      id: channelId,
      origin: 'originated',
      name: `UnicastRTP/${target.host}:${target.port}-${channelSuffix(this.snoopSeq++)}`,
      protocolId: '',
      state: 'Up',
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: 'Stasis', app_data: [p.app!, ...args].join(',') },
      toneHz: 0
    })
    for (const [k, v] of Object.entries(variables ?? {})) ch.variables.set(k, v)
    ch.variables.set('UNICASTRTP_LOCAL_ADDRESS', local.address)
    ch.variables.set('UNICASTRTP_LOCAL_PORT', String(local.port))
    ch.onGone = () => { this.media.close(channelId) }
    ch.apps.add(p.app!)
    ch.stasisApp = p.app
    this.emit('StasisStart', { args, channel: channelSnapshot(ch) }, ch.apps)
    return { ...channelSnapshot(ch), channelvars: { UNICASTRTP_LOCAL_ADDRESS: local.address, UNICASTRTP_LOCAL_PORT: String(local.port) } }
  }

  // ---- playback and recording -----------------------------------------------------------------

  /** Media played to each channel, in order (what the simulated person heard), for tests and the demo. */
  private readonly heardBy = new Map<string, string[]>()

  heard (channelId: string): string[] { return [...(this.heardBy.get(channelId) ?? [])] }

  play (channelId: string, media: string[], lang: string | undefined, playbackId: string | undefined): Record<string, unknown> {
    const ch = this.inStasisOr409(channelId)
    const list = this.heardBy.get(channelId) ?? []
    list.push(...media)
    this.heardBy.set(channelId, list.slice(-200))
    // Only the latest channels are remembered: the demo runs for days.
    if (this.heardBy.size > 1000) this.heardBy.delete(this.heardBy.keys().next().value!)
    return this.player.play(ch, media, lang, playbackId)
  }

  recordChannel (channelId: string, params: RecordParams): Record<string, unknown> {
    return this.recorder.recordChannel(this.inStasisOr409(channelId), params)
  }

  recordBridge (bridgeId: string, params: RecordParams): Record<string, unknown> {
    const bridge = this.bridges.or404(bridgeId)
    return this.recorder.recordBridge(bridge.id, bridge.apps, params)
  }

}
