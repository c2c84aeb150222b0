// A stand-in for Asterisk 22 on loopback: ARI (HTTP + WebSocket) and AMI with simulated phones and carrier.
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { AmiServer } from './ami-server.js'
import { AriEventHub } from './ari-events.js'
import { AriServer } from './ari-server.js'
import type { SimBridgeView, SimChannelView } from './model.js'
import type { ExternalMediaView } from './external-media.js'
import { WireLog } from './wire-log.js'
import { type DirectDial, type DirectDialHandle, type PhoneBehaviour, World } from './world.js'

export type { DirectDial, DirectDialHandle, PhoneBehaviour } from './world.js'
export type { SimBridgeView, SimChannelView } from './model.js'
export { WireLog } from './wire-log.js'
export type { ExternalMediaView } from './external-media.js'

export interface SimOptions {
  host?: string
  ariPort?: number
  amiPort?: number
  ariUser?: string
  ariPassword?: string
  amiUser?: string
  amiSecret?: string
  recordingsDir: string
  /** Real milliseconds per protocol second (originate timeout, timer B, recording and sound lengths). */
  secondsMs?: number
  /** Stasis app the sim's dialplan sends inbound calls to; default "ringlead". */
  stasisApp?: string
  /** Extensions files `dialplan reload` reads (ringlead's include file); none = the built-in dialplan only. */
  dialplanFiles?: string[]
  /** Extra sound files (name -> length in protocol seconds) that sound: playbacks can find. */
  sounds?: Record<string, number>
  /** What `manager show settings` lists as manager.conf's `disabledevents` (none by default). */
  amiDisabledEvents?: readonly string[]
  log?: Logger
}

export interface PlaceCallOptions {
  from: string
  callerName?: string
  did: string
  /** Caller hangs up this long (real ms) after entering Stasis: CANCEL while ringing, BYE once answered. */
  hangupAfterMs?: number
  /** Digits the caller presses; afterMs counts from when the app answers the call. */
  dtmf?: Array<{ digit: string; afterMs: number }>
}

export interface SimCall { channelId: string; ended: Promise<{ cause: number; declined: boolean }> }

/**
 * Faults of ARI's transport, for tests and soaks. Asterisk's own behaviour stays as recorded: after
 * a WebSocket drop channels stay in Stasis and no events are replayed (FINDINGS "WS DISCONNECT").
 */
export interface AriFaults {
  /** Accept ARI requests (REST, API descriptions, WebSocket upgrades) but never answer them, until turned off. */
  stall (on: boolean): void
  /** Requests and upgrades left unanswered while stalled. */
  readonly stalledRequests: number
  /** Destroys every open ARI HTTP connection: idle keep-alive sockets and requests in flight. */
  resetHttp (): void
  /** The next `count` requests that arrive on an already used keep-alive connection are cut unanswered, as when the server closes an idle connection just as a request crosses it. */
  cutReusedRequests (count: number): void
  /**
   * The next event WebSocket to close takes its apps' registration with it after a newer socket has
   * registered them, as Asterisk 22 does when the old socket's teardown crosses the new one's
   * registration (its log: "Replacing Stasis app", then "Deactivating Stasis app"): the newer socket
   * stays open and receives nothing ("Inactive Stasis app missed message") until a socket registers
   * the app again.
   */
  staleTeardown (): void
  /** Resets HTTP connections and/or the event WebSockets every `everyMs`; null stops. */
  resetEvery (everyMs: number | null, what?: { http?: boolean; webSockets?: boolean }): void
  /** How many periodic resets ran. */
  readonly resets: number
  /** Drops every ARI connection and listens on nothing for `forMs` (connections are refused), then listens again on the same port. */
  refuse (forMs: number): Promise<void>
}

export interface Simulator {
  readonly ariUrl: string
  readonly amiPort: number
  readonly wire: WireLog
  addEndpoint (resource: string, opts?: { registered?: boolean; behaviour?: PhoneBehaviour }): void
  setBehaviour (resource: string, behaviour: PhoneBehaviour): void
  register (resource: string): void
  unregister (resource: string): void
  placeCall (opts: PlaceCallOptions): SimCall
  hangup (channelId: string): void
  /** The operator's phone dials a number itself (seen by ringlead over AMI only). */
  operatorDials (resource: string, number: string, o?: DirectDial): DirectDialHandle
  /** A digit the phone of the channel sends; durationMs for SIP INFO digits (RFC 4733 ones last 280 ms). */
  sendDtmf (channelId: string, digit: string, durationMs?: number): void
  /** Media played to a channel so far, in order. */
  heard (channelId: string): string[]
  dropWebSockets (): void
  readonly ariFaults: AriFaults
  /** Sends raw text over every ARI WebSocket (malformed-event tests). */
  sendRawEvent (text: string): void
  channels (): SimChannelView[]
  /** The party on the channel says these 16 kHz mono samples, starting now (heard by snoops and sent to external media). */
  speak (channelId: string, pcm16k: Int16Array): void
  /** External media channels sending RTP now. */
  externalMedia (): ExternalMediaView[]
  bridges (): SimBridgeView[]
  /** The parties whose voices reach the channel: bridge peers, spied snoops and whispers (snoop.ts). */
  hears (channelId: string): string[]
  /** Whether a MixMonitor (AMI) listens on the channel now. */
  mixMonitoring (channelId: string): boolean
  /** Files `dialplan reload` reads from now on. */
  setDialplanFiles (files: string[]): void
  /** Makes the next reload fail ('reject': an error; 'ignore': "reloaded" but nothing loaded), or not (null). */
  setReloadFault (fault: 'reject' | 'ignore' | null): void
  /** What a call ran in the dialplan when Stasis did not take it. */
  dialplanTrace (channelId: string): string[]
  /** Whether an ARI WebSocket currently owns the app (default: the Stasis app). */
  isAppConnected (app?: string): boolean
  close (): Promise<void>
}

/** Entity id reported as asterisk_id (a MAC address, as Asterisk uses). */
const ASTERISK_ID = '02:52:4c:00:00:01'

export async function startSimulator (opts: SimOptions): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1'
  const log = opts.log
  const stasisApp = opts.stasisApp ?? 'ringlead'
  const wire = new WireLog()
  const world = new World({
    secondsMs: opts.secondsMs ?? 1000, recordingsDir: opts.recordingsDir, asteriskId: ASTERISK_ID, stasisApp,
    ...(opts.sounds ? { sounds: opts.sounds } : {}), ...(log ? { log } : {})
  })
  const hub = new AriEventHub(ASTERISK_ID, wire, (app) => world.appRegistered(app), log, (app, type) => world.eventAllowed(app, type))
  const ari = new AriServer(world, hub, wire, { user: opts.ariUser ?? 'ringlead', password: opts.ariPassword ?? 'ringlead', ...(log ? { log } : {}) })
  const ami = new AmiServer(world, { user: opts.amiUser ?? 'ringlead', secret: opts.amiSecret ?? 'ringlead', disabledEvents: opts.amiDisabledEvents ?? [], ...(log ? { log } : {}) })
  world.dialplanFiles = opts.dialplanFiles ?? []
  world.sinks = {
    ari: (event) => hub.deliver(event),
    ami: (event, fields) => ami.broadcast(event, fields),
    isAppActive: (app) => hub.isAppActive(app)
  }

  const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown; once: (ev: 'error', cb: (err: Error) => void) => unknown; address: () => AddressInfo | string | null }, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port))
    })
  const ariPort = await listen(ari.http, opts.ariPort ?? 0)
  const amiPort = await listen(ami.tcp, opts.amiPort ?? 0)
  const ariUrl = `http://${host}:${ariPort}`
  log?.info({ ariUrl, amiPort }, 'asterisk simulator listening')

  let closed = false
  let resetTimer: NodeJS.Timeout | undefined
  let relistenTimer: NodeJS.Timeout | undefined
  let resets = 0
  const ariFaults: AriFaults = {
    stall: (on) => { ari.stalled = on },
    get stalledRequests () { return ari.stalledRequests },
    resetHttp: () => { ari.resetHttp() },
    cutReusedRequests: (count) => { ari.cutReused = count },
    staleTeardown: () => { hub.staleTeardown() },
    resetEvery (everyMs, what = { http: true, webSockets: true }) {
      clearInterval(resetTimer)
      if (everyMs === null) return
      resetTimer = setInterval(() => {
        resets++
        if (what.http !== false) ari.resetHttp()
        if (what.webSockets !== false) hub.dropAll()
      }, everyMs)
    },
    get resets () { return resets },
    async refuse (forMs) {
      hub.dropAll()
      ari.resetHttp()
      await new Promise<void>((resolve) => ari.http.close(() => { resolve() }))
      if (closed) return
      relistenTimer = setTimeout(() => { if (!closed) ari.http.listen(ariPort, host) }, forMs)
    }
  }
  return {
    ariFaults,
    ariUrl,
    amiPort,
    wire,
    addEndpoint: (resource, o) => world.addEndpoint(resource, o),
    setBehaviour: (resource, behaviour) => world.setBehaviour(resource, behaviour),
    register: (resource) => world.register(resource),
    unregister: (resource) => world.unregister(resource),
    placeCall: (o) => world.placeCall(o),
    hangup: (channelId) => world.remoteHangup(channelId),
    operatorDials: (resource, number, o) => world.operatorDials(resource, number, o),
    sendDtmf: (channelId, digit, durationMs) => world.sendDtmf(channelId, digit, durationMs),
    heard: (channelId) => world.heard(channelId),
    dropWebSockets: () => hub.dropAll(),
    sendRawEvent: (text: string) => { hub.sendRaw(text) },
    channels: () => world.channelViews(),
    speak: (channelId, pcm16k) => { world.media.speak(channelId, pcm16k) },
    externalMedia: () => world.media.views(),
    bridges: () => world.bridgeViews(),
    hears: (channelId) => world.voicesReaching(channelId),
    mixMonitoring: (channelId) => world.recorder.monitors.has(channelId),
    setDialplanFiles: (files) => { world.dialplanFiles = files },
    setReloadFault: (fault) => { world.reloadFault = fault },
    dialplanTrace: (channelId) => world.dialplanTrace(channelId),
    isAppConnected: (app = stasisApp) => hub.isAppActive(app),
    async close () {
      if (closed) return
      closed = true
      clearInterval(resetTimer)
      clearTimeout(relistenTimer)
      world.close()
      ami.close()
      await hub.close()
      ari.resetHttp()
      ari.http.closeAllConnections()
      await new Promise<void>((resolve) => ari.http.close(() => resolve()))
      // Files the calls' ends wrote are on disk before close returns (a caller may remove the folder next).
      await world.recorder.files.flush()
    }
  }
}
