// ARI: the Stasis app's connection (ari-connection.ts: retried until Asterisk is there), ARI
// events turned into leg/recording events keyed by id, and commands (ari-rest.ts, each with a
// deadline). It translates; it never decides.
import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { type Clock, systemClock } from '../clock.js'
import { AriConnection } from './ari-connection.js'
import { sendUserEvent } from './delivery-probe.js'
import { dropUnreadEvents } from './event-filter.js'
import { AriRest, type Repeat } from './ari-rest.js'
import { ChannelPlaybacks } from './channel-playbacks.js'
import { AsteriskCommandFailed, asteriskMessageOf } from './errors.js'
import type { LinkStatus } from './link-health.js'
import { ignoreChannelGone } from './expected-errors.js'

const enc = encodeURIComponent

export interface AriLinkOptions {
  url: string; user: string; password: string; app: string
  log: Logger
  reconnectMinMs?: number; reconnectMaxMs?: number
  /** Timers of the link, its commands and of voice menus on its channels; default the system clock. */
  clock?: Clock
  /** How long a stopped playback may take to report its end before we go on (default 2000). */
  playbackStopWaitMs?: number
  /** Deadline of one command (default 5 s) and of a recording download (default 60 s). */
  commandTimeoutMs?: number; fileTimeoutMs?: number
  /** Deadline of each connection step (default 10 s). */
  connectTimeoutMs?: number
  /** Idle keep-alive sockets are closed after this (default 4 s): below Asterisk's 15 s and Node servers' 5 s. */
  keepAliveIdleMs?: number
  /** Keep-alive sockets to ARI at most (default 64). */
  maxSockets?: number
}

/** What happened to one channel, in the words the call layer uses. */
export type LegEvent =
  | { kind: 'entered'; args: string[]; state: string }
  | { kind: 'ringing' }
  | { kind: 'up' }
  | { kind: 'dial'; status: string }
  | { kind: 'hangup_requested'; cause: number | null }
  | { kind: 'left' }
  | { kind: 'destroyed'; cause: number; causeText: string }
  | { kind: 'dtmf'; digit: string }
  | { kind: 'malformed'; problem: string }

export type RecordingEvent =
  | { kind: 'started' }
  | { kind: 'finished'; durationSeconds: number | null }
  | { kind: 'failed'; problem: string }

export interface InboundChannel {
  channelId: string
  callerNumber: string
  callerName: string
  /** The dialled number: the extension the dialplan sent to Stasis. */
  did: string
  args: string[]
  state: string
  /** Monotonic time (performance.now()) the StasisStart frame arrived; null for a channel found by listing. */
  arrivedAtPerf: number | null
}

export interface ChannelView {
  channelId: string; name: string; state: string; callerNumber: string; callerName: string; dialplanExten: string
  /** Arguments of Stasis(<our app>,…) when the dialplan sent the channel to us; null otherwise. */
  appArgs: string[] | null
}
export type SnoopDirection = 'none' | 'in' | 'out' | 'both'
export interface BridgeView { bridgeId: string; channelIds: string[] }

interface AriEventWire {
  type: string
  channel?: { id: string; name?: string; state?: string; caller?: { number?: string; name?: string }; dialplan?: { exten?: string } }
  peer?: { id: string }
  recording?: { name: string; duration?: number; cause?: string }
  playback?: { id: string; state?: string; target_uri?: string }
  args?: string[]
  cause?: number
  cause_txt?: string
  dialstatus?: string
  digit?: string
}

type Handler<E> = (event: E) => void

/**
 * Commands whose repeat leaves Asterisk as one send would: they set a state (answer, ring, music,
 * a channel already in the bridge stays there), so they are sent again after any connection reset.
 */
const setsState = { repeat: 'any-reset' } as const
/**
 * Creates that name what they create (originate's channelId, the bridgeId, the recording name):
 * sent again after any reset, and a 409 "already exists" on the repeat means the first send went
 * through. Play (a repeat could play the prompt twice) and snoop (Asterisk documents no 409 for a
 * taken snoop id) keep the default: again only when a reused socket was reset unread.
 */
const createsNamed = { repeat: 'any-reset', createsNamed: true } as const

/** First Stasis argument of the legs ringlead originates itself (never a new inbound call). */
const ourLegKinds = new Set(['dialed', 'snoop', 'escalation', 'customer', 'supervisor'])

interface AriLinkEvents {
  inbound: [InboundChannel]
  connected: [{ reconnect: boolean }]
  disconnected: [{ reason: string }]
}

export class AriLink extends EventEmitter<AriLinkEvents> {
  private readonly connection: AriConnection
  /** Several parts may follow one channel at once (the call and a voice menu on the caller's leg). */
  private readonly legs = new Map<string, Array<Handler<LegEvent>>>()
  private readonly recs = new Map<string, Handler<RecordingEvent>>()
  private readonly playbacks: ChannelPlaybacks
  /** Bridges this process made and has not destroyed: another `rl-` bridge Asterisk lists is from before a restart. */
  readonly bridgesMade = new Set<string>()
  readonly clock: Clock
  readonly log: Logger

  constructor (private readonly opts: AriLinkOptions) {
    super()
    this.log = opts.log.child({ part: 'ari' })
    this.clock = opts.clock ?? systemClock
    this.rest = new AriRest(opts.url, opts.user, opts.password, {
      commandTimeoutMs: opts.commandTimeoutMs ?? 5000, fileTimeoutMs: opts.fileTimeoutMs ?? 60_000, keepAliveIdleMs: opts.keepAliveIdleMs ?? 4000, maxSockets: opts.maxSockets,
      clock: this.clock, log: this.log
    })
    this.playbacks = new ChannelPlaybacks((command, target, method, path, query) => this.rest.send({ command, target, method, path, query, repeat: method === 'DELETE' ? 'any-reset' : 'reused-socket', createsNamed: false }), this.clock, this.log, opts.playbackStopWaitMs ?? 2000)
    this.connection = new AriConnection({ ...opts, log: this.log, sendUserEvent: (name) => sendUserEvent(this.rest, opts.app, name) })
    this.connection.on('event', (event, arrivedAtPerf) => { this.dispatch(event as AriEventWire, arrivedAtPerf) })
    this.connection.on('malformed', (raw, err) => { this.malformed(raw, err) })
    this.connection.on('connected', (e) => { void dropUnreadEvents(this.rest, opts.app, this.log); this.emit('connected', e) })
    this.connection.on('disconnected', (e) => { this.emit('disconnected', e) })
  }

  get connected (): boolean { return this.connection.connected }

  /** Whether the link is up and, when not, why and when it tries again. */
  status (): LinkStatus { return this.connection.status() }

  /** Commands sent again after a connection reset cut them. */
  get repeatedCommands (): number { return this.rest.repeated }

  /** Commands sent and not yet answered, and those of them still waiting for a free socket. */
  commandQueue (): { inFlight: number; waitingForSocket: number } { return { inFlight: this.rest.inFlight, waitingForSocket: this.rest.waitingForSocket } }

  /** Each command's wait for a free socket, in seconds. Returns the unsubscribe. */
  onSocketWait (listener: (seconds: number) => void): () => void { return this.rest.onSocketWait(listener) }

  /** Starts connecting in the background; resolves once connected the first time. */
  start (): Promise<void> {
    return new Promise((resolve) => {
      this.once('connected', () => { resolve() })
      this.connection.start()
    })
  }

  async stop (): Promise<void> { this.connection.stop(); this.rest.close() }

  private malformed (raw: string, err: unknown): void {
    let channelId: string | undefined
    try {
      const parsed = JSON.parse(raw) as AriEventWire
      channelId = parsed.channel?.id ?? parsed.peer?.id
    } catch { /* not JSON at all */ }
    const problem = `malformed ARI event: ${(err as Error).message}`
    this.log.error({ channelId, raw: raw.slice(0, 500), err: (err as Error).message }, 'malformed ARI event')
    if (channelId) this.toLeg(channelId, { kind: 'malformed', problem })
  }

  private dispatch (e: AriEventWire, arrivedAtPerf: number): void {
    try {
      this.route(e, arrivedAtPerf)
    } catch (err) {
      this.log.error({ err, type: e.type, channelId: e.channel?.id }, 'ARI event handler failed')
    }
  }

  private route (e: AriEventWire, arrivedAtPerf: number): void {
    const channelId = e.channel?.id
    if (this.log.isLevelEnabled('debug')) this.log.debug({ type: e.type, channelId, peer: e.peer?.id, recording: e.recording?.name, cause: e.cause }, 'ARI event')
    switch (e.type) {
      case 'StasisStart': {
        if (!channelId) return
        const args = e.args ?? []
        if (this.legs.has(channelId)) return this.toLeg(channelId, { kind: 'entered', args, state: e.channel?.state ?? '' })
        if (args[0] !== undefined && ourLegKinds.has(args[0])) {
          // A leg we originated whose session is gone (e.g. the caller hung up meanwhile).
          this.log.warn({ channelId, args }, 'orphan leg entered Stasis, hanging up')
          void this.hangup(channelId).catch(ignoreChannelGone(this.log, 'orphan leg hangup', { channelId }))
          return
        }
        this.emit('inbound', {
          channelId,
          callerNumber: e.channel?.caller?.number ?? '',
          callerName: e.channel?.caller?.name ?? '',
          did: e.channel?.dialplan?.exten ?? '',
          args,
          state: e.channel?.state ?? '',
          arrivedAtPerf
        })
        return
      }
      case 'StasisEnd':
        if (channelId) this.playbacks.channelGone(channelId)
        return this.toLeg(channelId, { kind: 'left' })
      case 'ChannelStateChange':
        if (e.channel?.state === 'Ringing') return this.toLeg(channelId, { kind: 'ringing' })
        if (e.channel?.state === 'Up') return this.toLeg(channelId, { kind: 'up' })
        return
      case 'Dial': return this.toLeg(e.peer?.id, { kind: 'dial', status: e.dialstatus ?? '' })
      case 'ChannelHangupRequest': return this.toLeg(channelId, { kind: 'hangup_requested', cause: typeof e.cause === 'number' ? e.cause : null })
      case 'ChannelDestroyed':
        if (channelId) this.playbacks.channelGone(channelId)
        return this.toLeg(channelId, { kind: 'destroyed', cause: e.cause ?? 0, causeText: e.cause_txt ?? '' })
      case 'ChannelDtmfReceived': return this.toLeg(channelId, { kind: 'dtmf', digit: e.digit ?? '' })
      case 'RecordingStarted': return this.toRec(e.recording?.name, { kind: 'started' })
      case 'RecordingFinished': return this.toRec(e.recording?.name, { kind: 'finished', durationSeconds: e.recording?.duration ?? null })
      case 'RecordingFailed': return this.toRec(e.recording?.name, { kind: 'failed', problem: e.recording?.cause ?? 'recording failed' })
      case 'PlaybackStarted': return e.playback?.id ? this.playbacks.started(e.playback.id, e.playback.target_uri) : undefined
      case 'PlaybackFinished': return e.playback?.id ? this.playbacks.finished(e.playback.id, e.playback.state ?? '') : undefined
      default:
    }
  }

  private toLeg (channelId: string | undefined, event: LegEvent): void {
    const handlers = channelId === undefined ? undefined : this.legs.get(channelId)
    if (!handlers) return
    if (handlers.length === 1) return handlers[0]!(event)
    for (const h of [...handlers]) h(event)
  }

  private toRec (name: string | undefined, event: RecordingEvent): void {
    if (name) this.recs.get(name)?.(event)
  }

  /** Listen to one channel's events. Register before originating so nothing is missed. */
  watchLeg (channelId: string, handler: Handler<LegEvent>): () => void {
    const handlers = this.legs.get(channelId)
    if (handlers) handlers.push(handler)
    else this.legs.set(channelId, [handler])
    return () => {
      const list = this.legs.get(channelId)
      const i = list ? list.indexOf(handler) : -1
      if (i < 0) return
      list!.splice(i, 1)
      if (list!.length === 0) this.legs.delete(channelId)
    }
  }

  watchRecording (name: string, handler: Handler<RecordingEvent>): () => void {
    this.recs.set(name, handler)
    return () => { if (this.recs.get(name) === handler) this.recs.delete(name) }
  }

  newChannelId (): string { return `rl-${randomUUID()}` }

  /**
   * Plays media (sound:, number:, digits: …) to a channel; resolves with the final playback state
   * ("done", "failed", or "stopped" when the channel left first).
   */
  play (channelId: string, media: string[], lang: string): Promise<string> { return this.playbacks.play(channelId, media, lang) }

  /** Stops what plays on the channel (a prompt a key answered) and waits until it has ended. */
  stopPlaybacks (channelId: string): Promise<void> { return this.playbacks.stopAll(channelId) }

  private readonly rest: AriRest

  ring (channelId: string): Promise<void> {
    return this.cmd('ring', channelId, 'POST', `channels/${enc(channelId)}/ring`, undefined, undefined, setsState)
  }

  /** Music on hold for a caller who waits; stopped before a prompt or the bridge. */
  startMoh (channelId: string, mohClass?: string): Promise<void> {
    return this.cmd('start music on hold', channelId, 'POST', `channels/${enc(channelId)}/moh`, mohClass ? { mohClass } : undefined, undefined, setsState)
  }

  stopMoh (channelId: string): Promise<void> {
    return this.cmd('stop music on hold', channelId, 'DELETE', `channels/${enc(channelId)}/moh`)
  }

  answer (channelId: string): Promise<void> {
    return this.cmd('answer', channelId, 'POST', `channels/${enc(channelId)}/answer`, undefined, undefined, setsState)
  }

  /**
   * Sends a command under its deadline. Unless `how` says otherwise, GET and DELETE are sent again
   * after a connection reset (a repeated DELETE finds the thing gone: 404, which callers take as
   * done) and anything else only when a reused keep-alive socket was reset before the server read
   * it; see `Repeat` in ari-rest.ts.
   */
  private async cmd (command: string, target: string, method: string, path: string, query?: Record<string, string | number | undefined>, body?: unknown, how?: { repeat: Repeat; createsNamed?: boolean }): Promise<void> {
    const repeat: Repeat = how?.repeat ?? (method === 'GET' || method === 'DELETE' ? 'any-reset' : 'reused-socket')
    await this.rest.send({ command, target, method, path, query, body, repeat, createsNamed: how?.createsNamed ?? false })
  }

  /** Hangs up; false when the channel was already gone. */
  async hangup (channelId: string, reason?: 'normal' | 'busy' | 'no_answer' | 'congestion'): Promise<boolean> {
    try {
      await this.cmd('hangup', channelId, 'DELETE', `channels/${enc(channelId)}`, { reason })
      return true
    } catch (err) {
      if (err instanceof AsteriskCommandFailed && err.isNotFound) return false
      throw err
    }
  }

  /** `sent` is told (performance.now()) when the request has left for Asterisk. */
  async originate (o: { channelId: string; endpoint: string; callerId: string; timeoutSeconds: number; appArgs: string; variables?: Record<string, string>; sent?: (atPerf: number) => void }): Promise<void> {
    await this.rest.send({
      command: 'originate to', target: o.endpoint, method: 'POST', path: 'channels',
      query: { endpoint: o.endpoint, app: this.opts.app, appArgs: o.appArgs, callerId: o.callerId, timeout: o.timeoutSeconds, channelId: o.channelId },
      body: o.variables ? { variables: o.variables } : undefined, ...createsNamed, sent: o.sent
    })
  }

  async createBridge (bridgeId: string): Promise<void> {
    this.bridgesMade.add(bridgeId)
    await this.cmd('create bridge', bridgeId, 'POST', 'bridges', { type: 'mixing', bridgeId, name: bridgeId }, undefined, createsNamed)
  }

  /** Asterisk holds a channel out of the bridge until its playback ends: that is stopped first. */
  async addToBridge (bridgeId: string, channelIds: string[]): Promise<void> {
    await Promise.all(channelIds.map((channelId) => this.playbacks.stopAll(channelId)))
    await this.cmd('add to bridge', bridgeId, 'POST', `bridges/${enc(bridgeId)}/addChannel`, { channel: channelIds.join(',') }, undefined, setsState)
  }

  async destroyBridge (bridgeId: string): Promise<boolean> {
    this.bridgesMade.delete(bridgeId)
    return await this.cmd('destroy bridge', bridgeId, 'DELETE', `bridges/${enc(bridgeId)}`).then(() => true, (err: unknown) => {
      if (err instanceof AsteriskCommandFailed && err.isNotFound) return false
      throw err
    })
  }

  async recordBridge (bridgeId: string, name: string): Promise<void> {
    await this.cmd('record bridge', bridgeId, 'POST', `bridges/${enc(bridgeId)}/record`, { name, format: 'wav', ifExists: 'overwrite' }, undefined, createsNamed)
  }

  /** A snoop on `channelId` entering our app (default: hears what its party says). "out": what its party hears / is whispered. */
  async snoop (channelId: string, snoopId: string, appArgs: string, directions: { spy: SnoopDirection; whisper: SnoopDirection } = { spy: 'in', whisper: 'none' }): Promise<void> {
    const query = directions.whisper === 'none' ? { spy: directions.spy, app: this.opts.app, appArgs } : { ...directions, app: this.opts.app, appArgs }
    await this.cmd('snoop', channelId, 'POST', `channels/${enc(channelId)}/snoop/${enc(snoopId)}`, query)
  }

  /**
   * An external media channel sending what its bridge hears as RTP over UDP to `externalHost`
   * (host:port); it enters our app with `data` as its arguments. Returns the port Asterisk sends
   * from (the UNICASTRTP_LOCAL_PORT channel variable).
   */
  async externalMedia (o: { channelId: string; externalHost: string; format: string; data: string }): Promise<{ localAddress: string; localPort: number }> {
    const ch = await this.rest.send({
      command: 'external media', target: o.channelId, method: 'POST', path: 'channels/externalMedia',
      query: { channelId: o.channelId, app: this.opts.app, external_host: o.externalHost, encapsulation: 'rtp', transport: 'udp', format: o.format, direction: 'both', data: o.data },
      ...createsNamed
    }) as { channelvars?: Record<string, string> } | undefined
    const vars = ch?.channelvars ?? {}
    const port = Number(vars.UNICASTRTP_LOCAL_PORT)
    if (!Number.isInteger(port) || port <= 0) throw new Error(`external media channel ${o.channelId}: Asterisk named no UNICASTRTP_LOCAL_PORT`)
    return { localAddress: vars.UNICASTRTP_LOCAL_ADDRESS ?? '', localPort: port }
  }

  async recordChannel (channelId: string, name: string): Promise<void> {
    await this.cmd('record', channelId, 'POST', `channels/${enc(channelId)}/record`, { name, format: 'wav', ifExists: 'overwrite' }, undefined, createsNamed)
  }

  /** `onlyIfClosed`: a file Asterisk still writes gives only its head (AriCommand.onlyIfClosedWav). */
  async storedRecordingFile (name: string, opts: { onlyIfClosed?: boolean } = {}): Promise<Buffer> {
    return await this.rest.send({ command: 'get recording', target: name, method: 'GET', path: `recordings/stored/${enc(name)}/file`, repeat: 'any-reset', raw: true, onlyIfClosedWav: opts.onlyIfClosed === true }) as Buffer
  }

  /** Removes Asterisk's stored copy (404 when it holds none). */
  async deleteStoredRecording (name: string): Promise<void> { await this.cmd('delete recording', name, 'DELETE', `recordings/stored/${enc(name)}`) }

  async listChannels (): Promise<ChannelView[]> {
    const list = await this.rest.send({ command: 'list channels', target: '', method: 'GET', path: 'channels', repeat: 'any-reset' }) as Array<{ id: string; name: string; state: string; caller?: { number?: string; name?: string }; dialplan?: { exten?: string; app_name?: string; app_data?: string } }>
    return list.map((ch) => ({
      channelId: ch.id,
      name: ch.name,
      state: ch.state,
      callerNumber: ch.caller?.number ?? '',
      callerName: ch.caller?.name ?? '',
      dialplanExten: ch.dialplan?.exten ?? '',
      appArgs: this.stasisArgs(ch.dialplan?.app_name, ch.dialplan?.app_data)
    }))
  }

  private stasisArgs (appName: string | undefined, appData: string | undefined): string[] | null {
    if (appName !== 'Stasis' || typeof appData !== 'string') return null
    const [app, ...args] = appData.split(',')
    return app === this.opts.app ? args : null
  }

  async listBridges (): Promise<BridgeView[]> {
    const list = await this.rest.send({ command: 'list bridges', target: '', method: 'GET', path: 'bridges', repeat: 'any-reset' }) as Array<{ id: string; channels: string[] }>
    return list.map((b) => ({ bridgeId: b.id, channelIds: [...b.channels] }))
  }
}
