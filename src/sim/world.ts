// The simulated Asterisk: phones, channels, bridges and calls, raising ARI and AMI events the way
// Asterisk 22 does (see /shared/asterisk/traces/FINDINGS.txt for the observed behaviour).
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import { allocationFailed, ariFail } from './ari-error.js'
import { AMI_STATE_NUMBER, asteriskTimestamp, causeText, channelSuffix, sipTechCause } from './asterisk-text.js'
import type { EmitOptions, MediaHost } from './media-host.js'
import {
  type CallerId, type ChannelState, type SimBridge, type SimBridgeView, type SimChannel, type SimChannelView,
  channelSnapshot, channelView
} from './model.js'
import { type Contexts, findExtension, loadDialplan, showContext } from './dialplan.js'
import { type BridgeHost, Bridges } from './bridges.js'
import { DEFAULT_SOUNDS, Player } from './player.js'
import { type RecordParams, Recorder } from './recorder.js'
import { checkSnoop, heardBy as voicesReaching } from './snoop.js'
import { checkExternalMedia, ExternalMedia, type ExternalMediaParams } from './external-media.js'

export type PhoneBehaviour =
  /**
   * menuKeys: the person answers voice menus, pressing one of these keys (at random) after each prompt starts.
   * keysOnAnswer: keys pressed the instant the phone is picked up.
   */
  | { kind: 'answer'; afterMs: number; hangupAfterMs?: number; menuKeys?: string; keysOnAnswer?: string }
  | { kind: 'noanswer' }
  | { kind: 'busy'; afterMs?: number }
  | { kind: 'unreachable' }

export type DeviceState = 'NOT_INUSE' | 'INUSE' | 'RINGING' | 'RINGINUSE' | 'UNAVAILABLE' | 'BUSY'

export interface AriOutEvent { body: Record<string, unknown>; apps: ReadonlySet<string>; allOnly: boolean }
export type AmiFields = Array<[string, string]>

/** Where the world's events go; the ARI WebSocket hub and the AMI server plug in here. */
export interface WorldSinks {
  ari (event: AriOutEvent): void
  ami (event: string, fields: AmiFields): void
  isAppActive (app: string): boolean
}

export interface WorldOptions {
  secondsMs: number
  recordingsDir: string
  asteriskId: string
  stasisApp: string
  sounds?: Record<string, number>
  log?: Logger
}

export interface OriginateParams {
  endpoint?: string
  app?: string
  appArgs?: string
  extension?: string
  callerId?: string
  timeout?: string
  channelId?: string
  variables?: Record<string, string>
}

export interface InboundCall {
  from: string
  callerName?: string
  did: string
  hangupAfterMs?: number
  dtmf?: Array<{ digit: string; afterMs: number }>
}

/** A call an operator dials on the phone itself, through the dialplan to the trunk (not through ringlead). */
export interface DirectDial {
  /** The customer answers after this long; unset = nobody answers and the operator gives up. */
  answerAfterMs?: number
  /** Talk time once answered (default 2 simulated seconds). */
  talkMs?: number
  /** Who hangs up after talking (default the customer). */
  hangupBy?: 'operator' | 'customer'
  /** The number is busy: 486 from the trunk after a moment. */
  busy?: boolean
  /** Unanswered: the operator hangs up after this long (default 3 simulated seconds). */
  giveUpAfterMs?: number
}

export interface DirectDialHandle { channelId: string; ended: Promise<void> }

export interface InboundHandle { channelId: string; ended: Promise<{ cause: number; declined: boolean }> }

interface Endpoint { resource: string; registered: boolean; behaviour: PhoneBehaviour; device: DeviceState; contactPort: number }

/** Outcome hooks for a dial, shared by ARI originate and AMI Originate. */
interface DialHooks {
  answered (ch: SimChannel): void
  failed (ch: SimChannel, reason: 'busy' | 'noanswer' | 'unreachable'): void
}

const TIMER_B_SECONDS = 32
const DEFAULT_RING_SECONDS = 30
const DTMF_DURATION_MS = 280

export class World implements MediaHost, BridgeHost {
  readonly secondsMs: number
  readonly recordingsDir: string
  readonly log: Logger | undefined
  readonly asteriskId: string
  readonly stasisApp: string
  readonly startedAt = new Date()
  readonly lastReloadAt = new Date()
  sinks: WorldSinks = { ari: () => {}, ami: () => {}, isAppActive: () => false }

  private readonly channelsById = new Map<string, SimChannel>()
  private readonly endpoints = new Map<string, Endpoint>()
  private readonly knownApps = new Set<string>()
  private readonly worldTimers = new Set<NodeJS.Timeout>()
  private uniqueSeq = 1
  /** Files `dialplan reload` reads (the include files ringlead writes). */
  dialplanFiles: string[] = []
  /** Tests make the next reload fail: 'reject' answers an error, 'ignore' claims success but loads nothing. */
  reloadFault: 'reject' | 'ignore' | null = null
  private contexts: Contexts = loadDialplan([])
  /** What each channel ran in the dialplan when Stasis did not take it, by channel id. */
  private readonly dialplanTraces = new Map<string, string[]>()
  private nameSeq = 1
  private snoopSeq = 0
  private closed = false
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
    this.player.onGone = (channelId, playbackId) => { this.bridges.playbackGone(channelId, playbackId) }
    this.endpoints.set('carrier', { resource: 'carrier', registered: true, behaviour: { kind: 'answer', afterMs: 0 }, device: 'NOT_INUSE', contactPort: 5070 })
  }

  // ---- introspection -------------------------------------------------------------------------

  getChannel (channelId: string): SimChannel | undefined { return this.channelsById.get(channelId) }
  channelViews (): SimChannelView[] { return [...this.channelsById.values()].map(channelView) }
  bridgeViews (): SimBridgeView[] { return this.bridges.views() }
  /** Whose voices reach the channel through bridges, snoops and whispers (snoop.ts). */
  voicesReaching (channelId: string): string[] { return voicesReaching({ getChannel: (id) => this.channelsById.get(id), getBridge: (id) => this.getBridge(id) }, channelId) }

  // ---- phones --------------------------------------------------------------------------------

  addEndpoint (resource: string, opts: { registered?: boolean; behaviour?: PhoneBehaviour } = {}): void {
    const registered = opts.registered ?? true
    const port = 5061 + this.endpoints.size
    this.endpoints.set(resource, { resource, registered, behaviour: opts.behaviour ?? { kind: 'answer', afterMs: this.secondsMs }, device: registered ? 'NOT_INUSE' : 'UNAVAILABLE', contactPort: port })
  }

  setBehaviour (resource: string, behaviour: PhoneBehaviour): void {
    this.endpointOrThrow(resource).behaviour = behaviour
  }

  register (resource: string): void {
    const ep = this.endpointOrThrow(resource)
    if (ep.registered) return
    ep.registered = true
    this.amiContactEvents(ep, 'Reachable', 'Created')
    this.emit('EndpointStateChange', { endpoint: this.endpointSnapshot(ep) }, new Set(), { allOnly: true })
    this.refreshDevice(resource)
  }

  unregister (resource: string): void {
    const ep = this.endpointOrThrow(resource)
    if (!ep.registered) return
    ep.registered = false
    this.amiContactEvents(ep, 'Unreachable', 'Removed')
    this.emit('EndpointStateChange', { endpoint: this.endpointSnapshot(ep) }, new Set(), { allOnly: true })
    this.refreshDevice(resource)
  }

  endpointList (tech?: string): Array<Record<string, unknown>> {
    if (tech !== undefined && tech !== 'PJSIP') throw ariFail(404, `No Endpoints found - invalid tech ${tech}`)
    return [...this.endpoints.values()].reverse().map((ep) => this.endpointSnapshot(ep))
  }

  endpointGet (tech: string, resource: string): Record<string, unknown> {
    const ep = tech === 'PJSIP' ? this.endpoints.get(resource) : undefined
    if (!ep) throw ariFail(404, 'Endpoint not found')
    return this.endpointSnapshot(ep)
  }

  contacts (): Array<{ resource: string; uri: string; port: number }> {
    return [...this.endpoints.values()].filter((ep) => ep.registered && ep.resource !== 'carrier')
      .map((ep) => ({ resource: ep.resource, uri: `sip:${ep.resource}@127.0.0.1:${ep.contactPort}`, port: ep.contactPort }))
  }

  deviceStates (): Array<{ device: string; state: DeviceState }> {
    return [...this.endpoints.values()].map((ep) => ({ device: `PJSIP/${ep.resource}`, state: ep.device }))
  }

  private endpointOrThrow (resource: string): Endpoint {
    const ep = this.endpoints.get(resource)
    if (!ep) throw new Error(`endpoint PJSIP/${resource} not configured in the simulator`)
    return ep
  }

  private endpointSnapshot (ep: Endpoint): Record<string, unknown> {
    const channelIds = [...this.channelsById.values()].filter((c) => c.endpoint === ep.resource).map((c) => c.id)
    return { technology: 'PJSIP', resource: ep.resource, state: ep.registered ? 'online' : 'offline', channel_ids: channelIds }
  }

  // ---- applications ---------------------------------------------------------------------------

  appRegistered (app: string): void { this.knownApps.add(app) }

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
      events_allowed: [],
      events_disallowed: []
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

  // ---- dialplan ------------------------------------------------------------------------------------

  /** `dialplan reload`: reads the dialplan files again, unless a test told it to fail. */
  reloadDialplan (): { ok: boolean; lines: string[] } {
    const fault = this.reloadFault
    this.reloadFault = null // one reload fails; the one that puts the previous version back works
    if (fault === 'reject') return { ok: false, lines: ['Unable to reload dialplan: pbx_config declined the reload'] }
    if (fault !== 'ignore') this.contexts = loadDialplan(this.dialplanFiles)
    return { ok: true, lines: ['Dialplan reloaded.'] }
  }

  /** `dialplan show [context]`. */
  showDialplan (context?: string): { ok: boolean; lines: string[] } {
    if (context === undefined) {
      const all = [...this.contexts].flatMap(([name, exts]) => [...showContext(name, exts), ''])
      return { ok: true, lines: [...all, `-= ${this.contexts.size} contexts =-`] }
    }
    const exts = this.contexts.get(context)
    if (!exts) return { ok: false, lines: [`There is no existence of '${context}' context`] }
    const priorities = exts.reduce((n, e) => n + e.priorities.length, 0)
    return { ok: true, lines: [...showContext(context, exts), '', `-= ${exts.length} extension${exts.length === 1 ? '' : 's'} (${priorities} priorit${priorities === 1 ? 'y' : 'ies'}) in 1 context. =-`] }
  }

  dialplanTrace (channelId: string): string[] { return [...this.dialplanTraces.get(channelId) ?? []] }

  /** Walks the dialplan for a channel Stasis did not take: NoOp, Set, Goto, GotoIf on STASISSTATUS, Dial, Hangup. */
  private async runDialplan (ch: SimChannel, context: string, exten: string): Promise<void> {
    const trace: string[] = []
    this.dialplanTraces.set(ch.id, trace)
    if (this.dialplanTraces.size > 1000) this.dialplanTraces.delete(this.dialplanTraces.keys().next().value!) // a long demo keeps the latest only
    const vars = new Map<string, string>([['EXTEN', exten]])
    const expand = (text: string): string => text.replace(/\$\{([A-Za-z_()]+)\}/g, (_, name: string) => vars.get(name) ?? '')
    let ext = findExtension(this.contexts.get(context) ?? [], exten)
    let index = 0
    for (let steps = 0; ext && steps < 100 && !ch.gone; steps++) {
      const p = ext.priorities[index]
      if (!p) break
      const data = expand(p.data)
      index++
      if (p.app === 'Stasis') {
        vars.set('STASISSTATUS', 'FAILED') // the app is not registered: that is why we walk the dialplan
        trace.push(`Stasis(${data}) FAILED`)
      } else if (p.app === 'Goto' || p.app === 'GotoIf') {
        let target = data
        if (p.app === 'GotoIf') {
          const m = /^\$\["([^"]*)"\s*=\s*"([^"]*)"\]\?([^:]*)(?::(.*))?$/.exec(data)
          target = m ? (m[1] === m[2] ? m[3]! : m[4] ?? '') : ''
          if (target === '') continue
        }
        const parts = target.split(',')
        const [ctxName, extName, prio] = parts.length >= 3 ? parts : parts.length === 2 ? [context, ...parts] : [context, exten, parts[0]]
        if (ctxName !== context || extName !== exten) {
          context = ctxName!
          exten = extName!
          vars.set('EXTEN', exten)
          ext = findExtension(this.contexts.get(context) ?? [], exten)
        }
        const byLabel = ext?.priorities.findIndex((q) => q.label === prio) ?? -1
        index = byLabel >= 0 ? byLabel : Math.max(0, Number(prio) - 1)
        trace.push(`Goto(${context},${exten},${prio})`)
      } else if (p.app === 'Dial') {
        const [targets = '', seconds = '30'] = data.split(',')
        const result = await this.dialplanDial(ch, targets.split('&').filter((t) => t !== ''), Number(seconds) || 30)
        vars.set('DIALSTATUS', result.status)
        trace.push(`Dial(${targets},${seconds}) ${result.status}${result.answeredBy ? ` ${result.answeredBy}` : ''}`)
        if (result.status === 'ANSWER') return // the call is connected; it ends when either side hangs up
      } else if (p.app === 'Hangup') {
        trace.push('Hangup()')
        this.tearDown(ch, 16)
        return
      } else if (p.app === 'Set') {
        const eq = data.indexOf('=')
        if (eq > 0) vars.set(data.slice(0, eq), data.slice(eq + 1))
      }
    }
    if (!ch.gone) { trace.push('end of dialplan'); this.tearDown(ch, 16) }
  }

  /** Dial(PJSIP/a&PJSIP/b,seconds): rings all at once, the first to answer takes the call. */
  private dialplanDial (caller: SimChannel, targets: string[], seconds: number): Promise<{ status: string; answeredBy?: string }> {
    return new Promise((resolve) => {
      const legs: SimChannel[] = []
      let done = false
      let failed = 0
      const finish = (status: string, answeredBy?: string): void => {
        if (done) return
        done = true
        resolve(answeredBy ? { status, answeredBy } : { status })
      }
      for (const target of targets) {
        const resource = target.startsWith('PJSIP/') ? target.slice(6) : ''
        const ep = this.endpoints.get(resource)
        if (!ep || !ep.registered) { failed++; continue }
        const leg = this.newOutgoingChannel(resource, { ...caller.caller })
        legs.push(leg)
        this.amiDialBegin(leg)
        this.dial(leg, ep.behaviour, seconds, {
          answered: (c) => {
            if (done || caller.gone) { this.tearDown(c, 26); return }
            for (const other of legs) if (other !== c && !other.gone) this.tearDown(other, 26) // answered elsewhere
            this.setState(caller, 'Up')
            // Connected: whoever hangs up first ends the other leg too.
            const callerGone = caller.onGone
            caller.onGone = (cause, declined) => { if (!c.gone) this.tearDown(c, 16); callerGone?.(cause, declined) }
            c.onGone = () => { if (!caller.gone) this.tearDown(caller, 16) }
            if (ep.behaviour.kind === 'answer' && ep.behaviour.hangupAfterMs !== undefined) this.after(c, ep.behaviour.hangupAfterMs, () => this.remoteHangup(c.id))
            finish('ANSWER', target)
          },
          failed: () => { if (++failed === targets.length) finish('NOANSWER') }
        })
      }
      if (failed === targets.length) finish(targets.length === 0 ? 'INVALIDARGS' : 'CHANUNAVAIL')
      caller.onGone = ((prev) => (cause: number, declined: boolean) => {
        for (const leg of legs) if (!leg.gone) this.tearDown(leg, 16)
        finish('CANCEL')
        prev?.(cause, declined)
      })(caller.onGone)
    })
  }

  /** Digits the caller presses, counted from the moment the call is answered (media flows only then). */
  private readonly pendingDtmf = new Map<string, Array<{ digit: string; afterMs: number }>>()

  /** durationMs: RFC 4733 digits from the phones last 280 ms; a SIP INFO carries its own Duration (flow13: 250). */
  sendDtmf (channelId: string, digit: string, durationMs = DTMF_DURATION_MS): void {
    const ch = this.channelsById.get(channelId)
    if (!ch || ch.gone) return
    this.emit('ChannelDtmfReceived', { digit, duration_ms: durationMs, channel: channelSnapshot(ch) }, ch.apps)
  }

  // ---- direct dialling -------------------------------------------------------------------------------

  /**
   * The operator's phone dials a number itself: from-operators runs Dial(PJSIP/<number>@carrier).
   * AMI sees Newchannel (phone), Newchannel (trunk leg, same Linkedid), DialBegin with both sides,
   * DialState RINGING, DialEnd with the status, Hangup of each leg (as in traces/ami).
   */
  operatorDials (resource: string, number: string, o: DirectDial = {}): DirectDialHandle {
    const ep = this.endpoints.get(resource)
    if (!ep || !ep.registered) throw new Error(`phone ${resource} is not registered: it cannot dial`)
    let settle: () => void = () => {}
    const ended = new Promise<void>((resolve) => { settle = resolve })
    const dialString = `${number}@carrier`
    const phone = this.newChannel({
      origin: 'direct', endpoint: resource, name: `PJSIP/${resource}-${channelSuffix(this.nameSeq++)}`, protocolId: randomUUID(),
      state: 'Ring', caller: { name: '', number: resource }, connected: { name: '', number: '' },
      dialplan: { context: 'from-operators', exten: number, priority: 1, app_name: 'Dial', app_data: `PJSIP/${dialString},60` },
      toneHz: operatorTone(resource)
    })
    const trunk = this.newChannel({
      origin: 'direct', endpoint: 'carrier', name: `PJSIP/carrier-${channelSuffix(this.nameSeq++)}`, protocolId: randomUUID(),
      state: 'Down', caller: { name: '', number: resource }, connected: { name: '', number: resource },
      dialplan: { context: 'from-carrier', exten: number, priority: 1, app_name: 'AppDial', app_data: '(Outgoing Line)' },
      toneHz: 440, linkedId: phone.id
    })
    phone.onGone = () => settle()
    const both = (): AmiFields => [...amiChannelFields(phone), ...prefixed('Dest', amiChannelFields(trunk))]
    const end = (first: SimChannel, second: SimChannel, cause: number): void => {
      this.hangupRequest(first, { cause })
      this.destroy(first, cause)
      this.destroy(second, cause)
    }
    this.ami('DialBegin', [...both(), ['DialString', dialString]])
    this.after(phone, 0, () => {
      if (o.busy) {
        this.after(phone, this.secondsMs / 2, () => {
          this.ami('DialEnd', [...both(), ['DialStatus', 'BUSY']])
          end(trunk, phone, 17)
        })
        return
      }
      this.setState(trunk, 'Ringing')
      this.ami('DialState', [...both(), ['DialStatus', 'RINGING']])
      if (o.answerAfterMs === undefined) {
        this.after(phone, o.giveUpAfterMs ?? 3 * this.secondsMs, () => {
          this.ami('DialEnd', [...both(), ['DialStatus', 'CANCEL']])
          end(phone, trunk, 16)
        })
        return
      }
      this.after(phone, o.answerAfterMs, () => {
        this.setState(trunk, 'Up')
        this.ami('DialEnd', [...both(), ['DialStatus', 'ANSWER']])
        this.setState(phone, 'Up')
        phone.answeredAtMs = performance.now()
        this.after(phone, o.talkMs ?? 2 * this.secondsMs, () => {
          if (o.hangupBy === 'operator') end(phone, trunk, 16)
          else end(trunk, phone, 16)
        })
      })
    })
    return { channelId: phone.id, ended }
  }

  // ---- originate --------------------------------------------------------------------------------

  originate (params: OriginateParams): Record<string, unknown> {
    const endpoint = params.endpoint
    if (!endpoint) throw ariFail(400, 'Endpoint must be specified')
    if (!params.app && !params.extension) throw ariFail(400, 'Application or extension must be specified')
    const slash = endpoint.indexOf('/')
    if (slash < 0) throw ariFail(400, 'Invalid endpoint specified')
    const tech = endpoint.slice(0, slash)
    const resource = endpoint.slice(slash + 1)
    // Numbers dialled through the carrier trunk ("PJSIP/79031112233@carrier") reach simulated
    // customers, who answer and talk for a while.
    if (tech === 'PJSIP' && /^\+?\d{3,20}@carrier$/.test(resource) && !this.endpoints.has(resource)) {
      this.addEndpoint(resource, { registered: true, behaviour: { kind: 'answer', afterMs: 2 * this.secondsMs, hangupAfterMs: 20 * this.secondsMs } })
    }
    const ep = tech === 'PJSIP' ? this.endpoints.get(resource) : undefined
    // chan_pjsip cannot build a dialog without a contact: the channel is never allocated.
    if (!ep || !ep.registered || resource === 'carrier') throw allocationFailed()
    if (params.channelId && this.channelsById.has(params.channelId)) throw ariFail(409, 'Channel with given unique ID already exists')
    const caller = parseCallerId(params.callerId)
    const vars = params.variables ?? {}
    if (vars['CALLERID(name)'] !== undefined) caller.name = vars['CALLERID(name)']
    if (vars['CALLERID(num)'] !== undefined) caller.number = vars['CALLERID(num)']
    const ch = this.newOutgoingChannel(resource, caller, params.channelId)
    for (const [k, v] of Object.entries(vars)) ch.variables.set(k, v)
    const app = params.app
    if (app) ch.apps.add(app)
    const args = params.appArgs ? params.appArgs.split(',') : []
    const snapshot = channelSnapshot(ch)
    this.amiDialBegin(ch)
    this.dial(ch, ep.behaviour, ringSeconds(params.timeout), {
      answered: (c) => {
        if (!app) return this.later(c, 0, () => this.appHangup(c.id, 16))
        if (!this.sinks.isAppActive(app)) {
          // The phone answers, Stasis finds no app and Asterisk sends BYE at once (flow12).
          this.later(c, 0, () => this.destroy(c, 16))
          return
        }
        c.dialplan = { ...c.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') }
        this.emit('ChannelVarset', { variable: 'STASISSTATUS', value: '', channel: channelSnapshot(c) }, c.apps)
        c.stasisApp = app
        this.emit('StasisStart', { args, channel: channelSnapshot(c) }, c.apps)
        // A person who knows the menu keys it the instant they pick up, before any prompt.
        if (ep.behaviour.kind === 'answer') for (const digit of ep.behaviour.keysOnAnswer ?? '') this.sendDtmf(c.id, digit)
        if (ep.behaviour.kind === 'answer' && ep.behaviour.hangupAfterMs !== undefined) {
          this.after(c, ep.behaviour.hangupAfterMs, () => this.remoteHangup(c.id))
        }
      },
      failed: () => {}
    })
    return snapshot
  }

  /** A channel to a phone, as Asterisk creates it for ARI and AMI originates alike. */
  private newOutgoingChannel (resource: string, caller: CallerId, channelId?: string): SimChannel {
    return this.newChannel({
      id: channelId,
      origin: 'originated',
      endpoint: resource,
      name: `PJSIP/${resource}-${channelSuffix(this.nameSeq++)}`,
      protocolId: randomUUID(),
      state: 'Down',
      caller,
      connected: { ...caller },
      dialplan: { context: 'from-operators', exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' },
      toneHz: operatorTone(resource)
    })
  }

  /** AMI Originate: the same phone behaviour, reported through OriginateResponse. */
  amiOriginate (channel: string, callerId: string | undefined, timeoutMs: number | undefined, waitSeconds: number,
    done: (ok: boolean, reason: number, ch: SimChannel | undefined) => void): void {
    const slash = channel.indexOf('/')
    const resource = channel.slice(slash + 1)
    const ep = channel.slice(0, slash) === 'PJSIP' ? this.endpoints.get(resource) : undefined
    if (slash < 0 || !ep || !ep.registered) { done(false, 0, undefined); return }
    const ch = this.newOutgoingChannel(resource, parseCallerId(callerId))
    this.amiDialBegin(ch)
    const seconds = timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs / 1000 : DEFAULT_RING_SECONDS
    this.dial(ch, ep.behaviour, seconds, {
      answered: (c) => {
        done(true, 4, c)
        this.later(c, waitSeconds * this.secondsMs, () => this.appHangup(c.id, 16))
      },
      // AMI reports a busy or failed dial as reason 0 (observed), a ring timeout as 3.
      failed: (c, why) => done(false, why === 'noanswer' ? 3 : 0, c)
    })
  }

  /** Drives one outgoing SIP dial according to the phone's behaviour. */
  private dial (ch: SimChannel, behaviour: PhoneBehaviour, timeoutSeconds: number, hooks: DialHooks): void {
    this.later(ch, 0, () => {
      this.emitDial(ch, '')
      const ringTimeout = () => {
        if (timeoutSeconds > 0) {
          // after(): the answer clears it; a ring timeout must never end an answered call.
          this.after(ch, timeoutSeconds * this.secondsMs, () => {
            // Originate timeout: only ChannelDestroyed 19/480, no hang-up request, no Dial NOANSWER.
            this.destroy(ch, 19)
            hooks.failed(ch, 'noanswer')
          })
        }
      }
      switch (behaviour.kind) {
        case 'answer':
        case 'noanswer': {
          this.setState(ch, 'Ringing')
          this.emitDial(ch, 'RINGING')
          ringTimeout()
          if (behaviour.kind === 'answer') {
            this.after(ch, behaviour.afterMs, () => {
              this.clearTimers(ch)
              this.setState(ch, 'Up')
              ch.answeredAtMs = performance.now()
              this.emitDial(ch, 'ANSWER')
              hooks.answered(ch)
            })
          }
          return
        }
        case 'busy':
          this.after(ch, behaviour.afterMs ?? this.secondsMs / 2, () => {
            this.clearTimers(ch)
            this.hangupRequest(ch, { cause: 17, tech_cause: 486 })
            this.emitDial(ch, 'BUSY')
            this.destroy(ch, 17)
            hooks.failed(ch, 'busy')
          })
          return
        case 'unreachable':
          // No 1xx ever: SIP timer B (32 s) ends it with 18/408, unless the originate timeout comes first.
          if (timeoutSeconds > 0 && timeoutSeconds < TIMER_B_SECONDS) { ringTimeout(); return }
          this.later(ch, TIMER_B_SECONDS * this.secondsMs, () => {
            this.hangupRequest(ch, { cause: 18, tech_cause: 408 })
            this.emitDial(ch, 'NOANSWER')
            this.destroy(ch, 18)
            hooks.failed(ch, 'unreachable')
          })
      }
    })
  }

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
  private tearDown (ch: SimChannel, cause: number): void {
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

  private stasisEnd (ch: SimChannel): void {
    this.emit('StasisEnd', { channel: channelSnapshot(ch) }, ch.apps)
    const app = ch.stasisApp
    ch.stasisApp = undefined
    if (ch.origin === 'originated') {
      ch.dialplan = { ...ch.dialplan, app_name: 'AppDial2', app_data: '(Outgoing Line)' }
    } else if (app) {
      ch.apps.delete(app)
    }
  }

  private destroy (ch: SimChannel, cause: number, opts: { declined?: boolean } = {}): void {
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
    this.pendingDtmf.delete(ch.id)
    if (ch.snoopOf) this.channelsById.get(ch.snoopOf)?.snoops.delete(ch.id)
    this.ami('Hangup', [...amiChannelFields(ch), ['Cause', String(cause)], ['Cause-txt', causeText(cause)], ...(tech !== undefined ? [['TechCause', String(tech)] as [string, string]] : [])])
    if (ch.endpoint) this.refreshDevice(ch.endpoint)
    ch.onGone?.(cause, opts.declined ?? false)
  }

  // ---- snoop ------------------------------------------------------------------------------------

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
  private answerMenu (playback: { target_uri?: string } | undefined): void {
    const channelId = playback?.target_uri?.startsWith('channel:') ? playback.target_uri.slice('channel:'.length) : undefined
    const ch = channelId ? this.channelsById.get(channelId) : undefined
    const ep = ch?.endpoint ? this.endpoints.get(ch.endpoint) : undefined
    const keys = ep?.behaviour.kind === 'answer' ? ep.behaviour.menuKeys : undefined
    if (!ch || !keys) return
    const digit = keys[Math.floor(Math.random() * keys.length)]!
    this.after(ch, this.secondsMs, () => { this.sendDtmf(ch.id, digit) })
  }

  ami (event: string, fields: AmiFields): void {
    if (!this.closed) this.sinks.ami(event, fields)
  }

  private emitDial (ch: SimChannel, dialstatus: string): void {
    this.emit('Dial', { dialstatus, forward: '', dialstring: ch.dialstring, peer: channelSnapshot(ch) }, ch.apps)
    if (dialstatus !== '' && dialstatus !== 'RINGING') {
      this.ami('DialEnd', [...prefixed('Dest', amiChannelFields(ch)), ['DialStatus', dialstatus]])
    }
  }

  private amiDialBegin (ch: SimChannel): void {
    this.ami('DialBegin', [...prefixed('Dest', amiChannelFields(ch)), ['DialString', ch.dialstring]])
  }

  private hangupRequest (ch: SimChannel, fields: { cause?: number; tech_cause?: number; soft?: boolean }, opts: EmitOptions = {}): void {
    this.emit('ChannelHangupRequest', { ...fields, channel: channelSnapshot(ch) }, ch.apps, opts)
    if (opts.allOnly) return
    const cause = fields.cause ?? 16
    this.ami(fields.soft ? 'SoftHangupRequest' : 'HangupRequest', [...amiChannelFields(ch), ['Cause', String(cause)], ...(fields.tech_cause !== undefined ? [['TechCause', String(fields.tech_cause)] as [string, string]] : [])])
  }

  private setState (ch: SimChannel, state: ChannelState): void {
    if (ch.state === state) return
    ch.state = state
    this.emit('ChannelStateChange', { channel: channelSnapshot(ch) }, ch.apps)
    this.ami('Newstate', amiChannelFields(ch))
    if (ch.endpoint) this.refreshDevice(ch.endpoint)
  }

  private newChannel (init: Omit<SimChannel, 'id' | 'createdAt' | 'apps' | 'variables' | 'timers' | 'gone' | 'snoops' | 'dialstring'> & { id?: string | undefined }): SimChannel {
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
    this.emit('ChannelCreated', { channel: channelSnapshot(ch) }, ch.apps, { allOnly: true })
    this.ami('Newchannel', amiChannelFields(ch))
    if (ch.endpoint) this.refreshDevice(ch.endpoint)
    return ch
  }

  /** Device state of a phone as chan_pjsip aggregates it from registration and channels. */
  private refreshDevice (resource: string): void {
    const ep = this.endpoints.get(resource)
    if (!ep) return
    const chans = [...this.channelsById.values()].filter((c) => c.endpoint === resource && !c.gone)
    const ringing = chans.some((c) => c.state === 'Ringing')
    const inUse = chans.some((c) => c.state === 'Up' || c.state === 'Ring')
    let next: DeviceState
    if (ringing && inUse) next = 'RINGINUSE'
    else if (inUse) next = 'INUSE'
    else if (ringing) next = 'RINGING'
    else next = ep.registered ? 'NOT_INUSE' : 'UNAVAILABLE'
    if (next === ep.device) return
    ep.device = next
    this.ami('DeviceStateChange', [['Device', `PJSIP/${resource}`], ['State', next]])
  }

  private amiContactEvents (ep: Endpoint, peerStatus: string, contactStatus: string): void {
    this.ami('PeerStatus', [['ChannelType', 'PJSIP'], ['Peer', `PJSIP/${ep.resource}`], ['PeerStatus', peerStatus]])
    const uri = `sip:${ep.resource}@127.0.0.1:${ep.contactPort}`
    this.ami('ContactStatus', [['URI', uri], ['ContactStatus', contactStatus], ['AOR', ep.resource], ['EndpointName', ep.resource], ['RoundtripUsec', '0']])
    if (contactStatus === 'Created') {
      // A fresh registration without qualify is reported NonQualified right after Created.
      this.ami('ContactStatus', [['URI', uri], ['ContactStatus', 'NonQualified'], ['AOR', ep.resource], ['EndpointName', ep.resource], ['RoundtripUsec', '0']])
    }
  }

  /** Runs fn after ms unless the channel is gone first (timer owned by the channel). */
  private after (ch: SimChannel, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      ch.timers.delete(t)
      if (!ch.gone && !this.closed) fn()
    }, Math.max(0, ms))
    ch.timers.add(t)
  }

  /** Like after(), but not cancelled by clearTimers(): for steps that must follow an answer. */
  private later (ch: SimChannel, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.worldTimers.delete(t)
      if (!ch.gone && !this.closed) fn()
    }, Math.max(0, ms))
    this.worldTimers.add(t)
  }

  private clearTimers (ch: SimChannel): void {
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

  uptimeSeconds (): number { return Math.floor((Date.now() - this.startedAt.getTime()) / 1000) }
}

// ---- pure helpers -----------------------------------------------------------------------------------

export function parseCallerId (raw: string | undefined): CallerId {
  if (!raw) return { name: '', number: '' }
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(raw)
  if (m) return { name: (m[1] ?? '').trim(), number: (m[2] ?? '').trim() }
  return { name: '', number: raw.trim() }
}

/** Originate timeout: Asterisk reads it with atoi, so garbage means 0, and 0 or -1 mean "ring until timer B". */
function ringSeconds (raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_RING_SECONDS
  const n = Number.parseInt(raw, 10)
  return Number.isFinite(n) && n > 0 ? n : 0
}

function operatorTone (resource: string): number {
  let h = 0
  for (const c of resource) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return 700 + (h % 8) * 50
}

function readVariable (ch: SimChannel, name: string): string | undefined {
  switch (name) {
    case 'CALLERID(all)': return ch.caller.name ? `"${ch.caller.name}" <${ch.caller.number}>` : `<${ch.caller.number}>`
    case 'CALLERID(name)': return ch.caller.name
    case 'CALLERID(num)': case 'CALLERID(number)': return ch.caller.number
    case 'UNIQUEID': return ch.id
    case 'CHANNEL(name)': case 'CHANNEL': return ch.name
    case 'EXTEN': return ch.dialplan.exten
    default: return ch.variables.get(name)
  }
}

const unknownIfEmpty = (s: string) => (s === '' ? '<unknown>' : s)

export function amiChannelFields (ch: SimChannel): AmiFields {
  return [
    ['Channel', ch.name],
    ['ChannelState', String(AMI_STATE_NUMBER[ch.state] ?? 0)],
    ['ChannelStateDesc', ch.state],
    ['CallerIDNum', unknownIfEmpty(ch.caller.number)],
    ['CallerIDName', unknownIfEmpty(ch.caller.name)],
    ['ConnectedLineNum', unknownIfEmpty(ch.connected.number)],
    ['ConnectedLineName', unknownIfEmpty(ch.connected.name)],
    ['Language', 'en'],
    ['AccountCode', ''],
    ['Context', ch.dialplan.context],
    ['Exten', ch.dialplan.exten],
    ['Priority', String(ch.dialplan.priority)],
    ['Uniqueid', ch.id],
    ['Linkedid', ch.linkedId ?? ch.id]
  ]
}

function prefixed (prefix: string, fields: AmiFields): AmiFields {
  return fields.map(([k, v]) => [`${prefix}${k}`, v])
}

