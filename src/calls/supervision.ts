// Listening in: a supervisor's own phone rings; once answered it sits in a bridge of its own with a
// snoop on the operator's channel whose directions give the mode (listen, whisper to the operator,
// barge in). Keys on the supervisor's phone switch the mode by putting a new snoop in place of the
// old. The session ends when the supervisor hangs up or the call ends; its snoop, the supervisor's
// leg and the bridge go with it. Each step is written on the call's story.
import type { Logger } from 'pino'
import type { AriLink, LegEvent } from '../asterisk/ari-link.js'
import { ignoreChannelGone } from '../asterisk/expected-errors.js'
import { withDeadline, type Clock } from '../clock.js'
import { sipCallerId } from '../domain/caller-id.js'
import { modeForKey, snoopDirections, type SupervisionMode } from '../domain/supervision.js'
import type { SupervisionRepo } from '../db/supervision-repo.js'
import { Conflict, NotFound } from '../errors.js'
import { DialAttempt } from './dial-attempt.js'

/** The talking side of a live call: the operator's channel a snoop attaches to. */
export interface TalkingCall { callId: string; operatorChannelId: string; operatorName: string }

export interface Supervisor { userId: string; name: string; endpoint: string }

export interface SupervisionSettings {
  /** How long the supervisor's phone rings (on the injected clock, plus `guardMs`). */
  ringTimeoutSeconds: number
  guardMs: number
  /** How long a snoop may take to enter the app. */
  snoopWaitMs: number
}

export interface SupervisionDeps {
  ari: AriLink
  clock: Clock
  log: Logger
  repo: SupervisionRepo
  newId: (prefix: string) => string
  /** The call while an operator talks on it; null otherwise. */
  talkingCall: (callId: string) => TalkingCall | null
  settings: SupervisionSettings
}

export interface SupervisionView { sessionId: string; callId: string; userId: string; mode: SupervisionMode; state: 'ringing' | 'on' }

export class Supervision {
  private readonly sessions = new Map<string, SupervisionSession>()
  private readonly running = new Set<Promise<void>>()

  constructor (private readonly deps: SupervisionDeps) {}

  /** Rings the supervisor's phone for the call; resolves at once with the session (its run goes on). */
  start (callId: string, supervisor: Supervisor, mode: SupervisionMode): SupervisionView {
    const call = this.deps.talkingCall(callId)
    if (call === null) throw new NotFound('talking call', callId)
    for (const s of this.sessions.values()) {
      if (s.supervisor.userId === supervisor.userId) throw new Conflict(`${supervisor.name} already listens to call ${s.call.callId} (session ${s.sessionId}); hang up that phone first`)
    }
    const session = new SupervisionSession(this.deps, call, supervisor, mode)
    this.sessions.set(session.sessionId, session)
    const done = session.run().catch((err: Error) => { this.deps.log.error({ err, callId, sessionId: session.sessionId }, 'supervision failed') })
      .finally(() => { this.sessions.delete(session.sessionId); this.running.delete(done) })
    this.running.add(done)
    return session.view()
  }

  /** Whether the channel is a supervisor's leg or snoop of a running session. */
  owns (channelId: string): boolean {
    for (const s of this.sessions.values()) if (s.owns(channelId)) return true
    return false
  }

  active (): SupervisionView[] { return [...this.sessions.values()].map((s) => s.view()) }

  /** Ends every session (daemon stop) and waits for their clean-up. */
  async stop (): Promise<void> {
    for (const s of this.sessions.values()) s.end('ringlead stopped')
    await Promise.allSettled([...this.running])
  }
}

class SupervisionSession {
  readonly sessionId: string
  private readonly log: Logger
  private readonly leg: DialAttempt
  private readonly bridgeId: string
  private mode: SupervisionMode
  private state: 'ringing' | 'on' = 'ringing'
  private snoopId: string | null = null
  private snoopSeq = 0
  private eventSeq = 0
  private ending: string | null = null
  private wake!: () => void
  private readonly over = new Promise<void>((resolve) => { this.wake = resolve })
  /** Mode switches run one after another, in key order. */
  private switching: Promise<void> = Promise.resolve()

  constructor (private readonly deps: SupervisionDeps, readonly call: TalkingCall, readonly supervisor: Supervisor, mode: SupervisionMode) {
    this.sessionId = deps.newId('sup')
    this.mode = mode
    this.bridgeId = `rl-sup-br-${this.sessionId}`
    this.log = deps.log.child({ part: 'supervision', callId: call.callId, sessionId: this.sessionId, userId: supervisor.userId })
    this.leg = new DialAttempt(deps.ari, {
      endpoint: supervisor.endpoint, callerId: sipCallerId(call.operatorName, 'ringlead'),
      timeoutSeconds: deps.settings.ringTimeoutSeconds, appArgs: `supervisor,${this.sessionId}`, guardMs: deps.settings.guardMs
    }, deps.clock)
  }

  view (): SupervisionView {
    return { sessionId: this.sessionId, callId: this.call.callId, userId: this.supervisor.userId, mode: this.mode, state: this.state }
  }

  owns (channelId: string): boolean { return channelId === this.leg.channelId || channelId === this.snoopId }

  end (why: string): void {
    if (this.ending !== null) return
    this.ending = why
    this.wake()
  }

  async run (): Promise<void> {
    const { ari } = this.deps
    // The call ending ends the session, whether the phone still rings or listens.
    const unwatchCall = ari.watchLeg(this.call.operatorChannelId, (e: LegEvent) => {
      if (e.kind === 'hangup_requested' || e.kind === 'left' || e.kind === 'destroyed') this.end('the call ended')
    })
    const unwatchKeys = ari.watchLeg(this.leg.channelId, (e: LegEvent) => { if (e.kind === 'dtmf') this.key(e.digit) })
    let bridged = false
    try {
      this.write('ringing', this.mode, this.supervisor.endpoint)
      this.log.info({ endpoint: this.supervisor.endpoint, mode: this.mode }, 'ringing the supervisor')
      void this.leg.start()
      const outcome = await Promise.race([this.leg.outcome, this.over.then(() => null)])
      if (outcome === null || outcome.result !== 'answered') {
        if (outcome !== null) this.end(`the supervisor's phone: ${outcome.result}`)
        return
      }
      void this.leg.ended.then(() => { this.end('the supervisor hung up') })
      if (this.ending !== null) return
      await ari.createBridge(this.bridgeId)
      bridged = true
      await ari.addToBridge(this.bridgeId, [this.leg.channelId])
      await this.attach(this.mode)
      this.state = 'on'
      this.write('started', this.mode, null)
      this.log.info({ mode: this.mode }, 'supervisor listening')
      for (const digit of this.leg.takeKeys()) this.key(digit)
      await this.over
    } catch (err) {
      this.end(`failed: ${(err as Error).message}`)
      throw err
    } finally {
      unwatchCall()
      unwatchKeys()
      await this.switching.catch(() => {})
      await this.cleanUp(bridged)
      this.write('ended', this.state === 'on' ? this.mode : null, this.ending)
      this.log.info({ why: this.ending }, 'supervision ended')
      this.leg.dispose()
    }
  }

  private key (digit: string): void {
    if (this.state !== 'on' || this.ending !== null) return
    this.switching = this.switching.then(async () => {
      const next = modeForKey(digit, this.mode)
      if (next === null || this.ending !== null) return
      await this.attach(next)
      this.mode = next
      this.write('mode', next, `key ${digit}`)
      this.log.info({ mode: next, digit }, 'supervision mode switched')
    }).catch((err: Error) => {
      this.log.warn({ err: err.message, digit }, 'mode switch failed')
      this.end(`failed: ${err.message}`)
    })
  }

  /** A new snoop for the mode joins the bridge before the old one leaves: no gap in what is heard. */
  private async attach (mode: SupervisionMode): Promise<void> {
    const { ari, clock, settings } = this.deps
    const snoopId = `rl-sup-${this.sessionId}-${++this.snoopSeq}`
    let entered!: () => void
    const inApp = new Promise<void>((resolve) => { entered = resolve })
    const unwatch = ari.watchLeg(snoopId, (e) => { if (e.kind === 'entered') entered() })
    const previous = this.snoopId
    this.snoopId = snoopId
    try {
      await ari.snoop(this.call.operatorChannelId, snoopId, `supervisor,${this.sessionId}`, snoopDirections[mode])
      await withDeadline(clock, settings.snoopWaitMs, inApp, () => { throw new Error(`snoop ${snoopId} did not enter the app within ${settings.snoopWaitMs} ms`) })
    } finally {
      unwatch()
    }
    await ari.addToBridge(this.bridgeId, [snoopId])
    if (previous !== null) await ari.hangup(previous).catch(ignoreChannelGone(this.log, 'old supervision snoop hangup', { channelId: previous }))
  }

  private async cleanUp (bridged: boolean): Promise<void> {
    const { ari } = this.deps
    const snoop = this.snoopId
    await Promise.all([
      snoop === null ? null : ari.hangup(snoop).catch(ignoreChannelGone(this.log, 'supervision snoop hangup', { channelId: snoop })),
      this.leg.hangup().catch((err: Error) => { this.log.warn({ err: err.message }, 'supervisor leg hangup failed') })
    ])
    if (bridged) await ari.destroyBridge(this.bridgeId).catch(ignoreChannelGone(this.log, 'supervision bridge destroy', { bridgeId: this.bridgeId }))
  }

  private write (kind: 'ringing' | 'started' | 'mode' | 'ended', mode: SupervisionMode | null, detail: string | null): void {
    try {
      this.deps.repo.add({
        eventId: `${this.sessionId}-${String(++this.eventSeq).padStart(3, '0')}`, sessionId: this.sessionId, callId: this.call.callId,
        userId: this.supervisor.userId, userName: this.supervisor.name, kind, mode, detail, at: this.deps.clock.now()
      })
    } catch (err) {
      this.log.error({ err, kind }, 'supervision event not written')
    }
  }
}
