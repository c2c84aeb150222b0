// Takes every inbound call Asterisk hands to the Stasis app and runs a CallSession for it; runs
// the outbound calls placed through ringlead; feeds AMI states to the operator board; after a restart or a WebSocket outage, squares what ringlead
// believes with what Asterisk reports.
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import type { AmiLink } from '../asterisk/ami-link.js'
import type { InboundChannel } from '../asterisk/ari-link.js'
import { withDeadline } from '../clock.js'
import { eventsStillMade } from '../domain/ami-events.js'
import type { CallEnded } from '../domain/call-events.js'
import { Unavailable } from '../errors.js'
import { CallSession, type CallSessionDeps } from './call-session.js'
import type { CrashRecovery } from './crash-recovery.js'
import { callOfBridge, isOurs, recordedPartyOf, recordingSnoopOf } from './leg-names.js'
import { OutboundCall, type OutboundCallSettings, type OutboundRequest } from './outbound-call.js'
import { ignoreChannelGone } from '../asterisk/expected-errors.js'

export interface CallCenterDeps extends CallSessionDeps {
  ami: AmiLink | null
  outbound: OutboundCallSettings
  /** Gives the calls a crash left their outcome once Asterisk says what it still holds. */
  recovery?: CrashRecovery
}

/** What squaring with Asterisk needs of a running call, inbound or outbound. */
interface LiveCall {
  readonly bridge: string | null
  owns (channelId: string): boolean
  reconcile (liveChannelIds: ReadonlySet<string>, listedAtPerf: number): void
}

export class CallCenter {
  private readonly sessions = new Map<string, CallSession>()
  private readonly outbound = new Map<string, OutboundCall>()
  private readonly running = new Set<Promise<CallEnded>>()
  private readonly log: Logger
  private readonly adopted = new Set<string>()
  private accepting = true
  /** Squarings under way, and the callers whose call ended meanwhile: a channel list taken before is stale for them. */
  private squarings = 0
  private readonly endedWhileSquaring = new Set<string>()
  /** Squarings with Asterisk finished since start (one per (re)connect that got Asterisk's lists). */
  get squared (): number { return this.squaredRounds }
  private squaredRounds = 0

  /** Other parts' live channels (a supervisor listening in), kept when squaring after a reconnect. */
  readonly otherOwners: Array<(channelId: string) => boolean> = []

  constructor (private readonly deps: CallCenterDeps) {
    this.log = deps.log.child({ part: 'calls' })
  }

  /** Starts listening; the calls a previous run left are settled on the first look at Asterisk. */
  start (): void {
    this.deps.ari.on('inbound', (channel) => { this.takeCall(channel) })
    this.deps.ari.on('connected', ({ reconnect }) => {
      this.log.info({ reconnect }, 'squaring calls with Asterisk')
      void this.squareUntilDone()
    })
    const ami = this.deps.ami
    if (ami) {
      ami.on('device', ({ device, state }) => { this.deps.board.setDeviceState(device, state) })
      ami.on('contact', ({ endpoint, registered }) => { this.deps.board.setRegistered(endpoint, registered) })
      ami.on('connected', () => { void this.adviseOnAmiEvents(ami) })
    }
  }

  /**
   * Tells the PBX admin, once a connection, that Asterisk still makes the events a call makes by the
   * dozen that ringlead never reads: with an AMI session open each costs Asterisk CPU on every call.
   */
  private async adviseOnAmiEvents (ami: AmiLink): Promise<void> {
    const disabled = await ami.disabledEvents().catch((err: Error) => {
      this.log.debug({ err: err.message }, 'AMI: manager settings not read')
      return null
    })
    if (disabled === null) return
    const made = eventsStillMade(disabled)
    if (made.length === 0) return
    this.log.info({ events: made },
      'Asterisk makes AMI events on every call that ringlead never reads: disabledevents in manager.conf saves Asterisk that CPU, if nothing else of yours reads them (docs/pbx.md, "AMI events")')
  }

  get activeCalls (): number { return this.sessions.size + this.outbound.size }

  /** Starts an outbound call (the operator's phone rings first); returns its call id at once. */
  placeOutbound (req: OutboundRequest): string {
    if (!this.accepting) throw new Unavailable('ringlead is shutting down: no new calls')
    const d = this.deps
    const call = new OutboundCall({ ari: d.ari, repo: d.repo, board: d.board, bus: d.bus, store: d.store, log: d.log, clock: d.clock, newId: d.newId, recording: d.recording, ...(d.live ? { live: d.live } : {}), settings: d.outbound }, req)
    this.outbound.set(call.callId, call)
    const done = call.run()
    this.running.add(done)
    void done.catch((err: Error) => { this.log.error({ err, callId: call.callId }, 'outbound call crashed') })
      .finally(() => {
        this.outbound.delete(call.callId)
        this.running.delete(done)
      })
    return call.callId
  }

  /** The operator talking on a running call (inbound or outbound) and their channel; null when none is. */
  talkingOn (callId: string): { operatorId: string; channelId: string } | null {
    for (const call of [...this.sessions.values(), ...this.outbound.values()]) if (call.callId === callId) return call.talking
    return null
  }

  private liveCalls (): LiveCall[] { return [...this.sessions.values(), ...this.outbound.values()] }

  private takeCall (channel: InboundChannel): void {
    if (this.sessions.has(channel.channelId)) return // already taken (listed and announced at once)
    if (!this.accepting) {
      void this.deps.ari.hangup(channel.channelId, 'congestion').catch(ignoreChannelGone(this.log, 'refuse call while stopping', { channelId: channel.channelId }))
      return
    }
    const session = new CallSession(this.deps, channel)
    this.sessions.set(channel.channelId, session)
    const done = session.run()
    this.running.add(done)
    void done.catch((err: Error) => { this.log.error({ err, callId: session.callId }, 'call session crashed') })
      .finally(() => {
        this.sessions.delete(channel.channelId)
        this.running.delete(done)
        if (this.squarings > 0) this.endedWhileSquaring.add(channel.channelId)
      })
  }

  /**
   * Sessions whose events were lost wait on this, so a failed listing is tried again while the link
   * stays up (a new drop brings a new 'connected' and a new round).
   */
  private async squareUntilDone (attempts = 3): Promise<void> {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.squareWithAsterisk()
        return
      } catch (err) {
        this.log.error({ err: (err as Error).message, attempt }, 'reconciliation with Asterisk failed')
        if (!this.deps.ari.connected) return
      }
    }
  }

  /**
   * After (re)connecting: channels Asterisk no longer has are settled in their sessions (Asterisk
   * does not replay missed events). Whatever Asterisk still has that no session owns is from before
   * a restart: conversations still bridged are left talking and hung up together; callers still
   * waiting are routed again; our stray legs are hung up.
   */
  private async squareWithAsterisk (): Promise<void> {
    this.squarings++
    try {
      await this.squareNow()
    } finally {
      if (--this.squarings === 0) this.endedWhileSquaring.clear()
    }
  }

  private async squareNow (): Promise<void> {
    // Bridges before channels: a side of a conversation that hangs up between the two lists is then
    // missing from the channels (and its call ended below) instead of looking like a caller still
    // waiting, routed again to an operator for nobody while the call it left never got its end.
    const bridges = await this.deps.ari.listBridges()
    const listedAt = performance.now()
    const channels = await this.deps.ari.listChannels()
    const live = new Set(channels.map((c) => c.channelId))
    for (const call of this.liveCalls()) call.reconcile(live, listedAt)
    const sessions = this.liveCalls()
    const owned = (channelId: string): boolean => sessions.some((s) => s.owns(channelId)) || this.otherOwners.some((owns) => owns(channelId))
    const bridged = new Set<string>()
    // Live-alert, escalation and supervision bridges of a process before a restart: their legs are
    // hung up below as strays, and the bridges go after them (Asterisk keeps an empty one for ever).
    const leftovers = bridges.filter((b) => isOurs(b.bridgeId) && callOfBridge(b.bridgeId) === null && !this.deps.ari.bridgesMade.has(b.bridgeId))
    for (const bridge of bridges) {
      if (callOfBridge(bridge.bridgeId) === null || sessions.some((s) => s.bridge === bridge.bridgeId)) continue
      for (const id of bridge.channelIds) bridged.add(id)
      // The operator in it is busy: the board must say so before waiting callers are routed again.
      const operatorIds = bridge.channelIds.flatMap((id) => {
        const name = channels.find((c) => c.channelId === id)?.name ?? ''
        const operatorId = this.deps.board.operatorIdOf(name.replace(/-[0-9a-f]+$/i, ''))
        return operatorId ? [operatorId] : []
      })
      // A conversation that lost a side while ringlead was down is over: the rest is hung up and
      // crash recovery closes the call as interrupted.
      if (bridge.channelIds.length >= 2) this.adoptBridge(bridge.bridgeId, bridge.channelIds, operatorIds, live)
      else await this.endBridge(bridge.bridgeId, bridge.channelIds)
    }
    const recovery = this.deps.recovery
    let strays = 0
    let rerouted = 0
    for (const c of channels) {
      // A call that ended while Asterisk was being asked is over, though the list still shows its caller.
      if (bridged.has(c.channelId) || owned(c.channelId) || this.sessions.has(c.channelId) || this.endedWhileSquaring.has(c.channelId)) continue
      // A recording snoop on a conversation that goes on keeps recording it; it ends with it.
      const snoopOf = recordedPartyOf(c.channelId)
      if (snoopOf !== null && bridged.has(snoopOf)) continue
      if (isOurs(c.channelId) || snoopOf !== null || c.appArgs?.[0] === 'snoop') {
        this.log.warn({ channelId: c.channelId }, 'stray leg from before the restart hung up')
        strays++
        await this.deps.ari.hangup(c.channelId).catch(ignoreChannelGone(this.log, 'stray leg hangup', { channelId: c.channelId }))
      } else if (c.appArgs !== null) {
        this.log.warn({ channelId: c.channelId }, 'caller still waiting after the restart, routing again')
        recovery?.continueCaller(c.channelId)
        rerouted++
        this.takeCall({ channelId: c.channelId, callerNumber: c.callerNumber, callerName: c.callerName, did: c.dialplanExten, args: c.appArgs, state: c.state, arrivedAtPerf: null })
      }
    }
    for (const { bridgeId } of leftovers) {
      this.log.warn({ bridgeId }, 'bridge from before the restart destroyed')
      await this.deps.ari.destroyBridge(bridgeId).catch(ignoreChannelGone(this.log, 'leftover bridge destroy', { bridgeId }))
    }
    void recovery?.settle()
    this.squaredRounds++
    this.log.info({ calls: sessions.length, adopted: this.adopted.size, strays, rerouted, leftoverBridges: leftovers.length }, 'squared with Asterisk')
  }

  /**
   * A conversation from before a restart: when one side leaves, the other is hung up too, and the
   * call's row gets its real end.
   */
  private adoptBridge (bridgeId: string, channelIds: string[], operatorIds: string[], live: ReadonlySet<string>): void {
    if (this.adopted.has(bridgeId)) return
    this.adopted.add(bridgeId)
    this.log.warn({ bridgeId, channelIds, operatorIds }, 'conversation from before the restart adopted')
    for (const id of operatorIds) this.deps.board.adoptedTalk(id, +1)
    const callId = callOfBridge(bridgeId)!
    const callerChannelId = this.deps.repo.call(callId)?.channelId ?? null
    this.deps.recovery?.adopt(callId)
    const unwatch: Array<() => void> = []
    let over = false
    const end = (leftChannelId: string): void => {
      if (over) return
      over = true
      const hangupBy = leftChannelId === callerChannelId ? 'caller' : 'operator'
      void this.deps.recovery?.endAdopted(callId, hangupBy).catch((err: Error) => { this.log.error({ err, callId }, 'adopted call not written') })
      this.adopted.delete(bridgeId)
      for (const id of operatorIds) this.deps.board.adoptedTalk(id, -1)
      for (const u of unwatch) u()
      void this.endBridge(bridgeId, channelIds)
    }
    for (const id of channelIds) {
      unwatch.push(this.deps.ari.watchLeg(id, (e) => { if (e.kind === 'left' || e.kind === 'destroyed' || e.kind === 'hangup_requested') end(id) }))
    }
    // A side that hung up after the bridges were listed and before the channels were: its events came
    // before anyone watched for them.
    const gone = channelIds.find((id) => !live.has(id))
    if (gone !== undefined) end(gone)
  }

  private async endBridge (bridgeId: string, channelIds: string[]): Promise<void> {
    const callId = callOfBridge(bridgeId)!
    await Promise.all([...channelIds, ...channelIds.map(recordingSnoopOf)].map((id) => this.deps.ari.hangup(id).catch(ignoreChannelGone(this.log, 'adopted call hangup', { callId, channelId: id }))))
    await this.deps.ari.destroyBridge(bridgeId).catch(ignoreChannelGone(this.log, 'adopted call bridge destroy', { callId, bridgeId }))
  }

  /**
   * Stop taking calls (a new caller is refused with congestion, see README "Stopping") and give the
   * running ones `graceMs` to finish; what is still up then is hung up, and its session gets `hangUpMs`
   * to write the outcome; a call still open then is settled by crash recovery at the next start.
   */
  async drain (graceMs = 10_000, hangUpMs = 5_000): Promise<void> {
    this.accepting = false
    if (await this.allEndedWithin(graceMs)) return
    this.log.warn({ calls: this.activeCalls }, 'calls still up at shutdown: hanging up')
    const hungUp = Promise.allSettled([
      ...[...this.sessions.keys()].map((channelId) => this.deps.ari.hangup(channelId)),
      ...[...this.outbound.values()].map((call) => call.hangup())
    ]).then(() => Promise.allSettled([...this.running])).then(() => true)
    if (await withDeadline(this.deps.clock, hangUpMs, hungUp, () => false)) return
    // Sessions still tearing down (Asterisk slow to answer) leave their rows open; crash recovery at
    // the next start closes them with their call.ended, webhook and lead.
    this.log.warn({ calls: this.activeCalls }, 'calls still open at shutdown: the next start settles them')
  }

  private async allEndedWithin (ms: number): Promise<boolean> {
    return await withDeadline(this.deps.clock, ms, Promise.allSettled([...this.running]).then(() => true), () => false)
  }
}
