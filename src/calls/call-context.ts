// What the steps of one inbound call share: the caller's leg, the operators' legs, the logger bound
// to the call, the clock and the call's timers, and the facts learned along the way. Steps read
// and fill it in; the session frees everything it holds in one place.
import type { Logger } from 'pino'
import type { AriLink, InboundChannel } from '../asterisk/ari-link.js'
import type { Bus } from '../bus.js'
import type { CancelTimer, Clock } from '../clock.js'
import type { CallsRepo, CustomerFacts, TrackingNumberFacts, VisitFacts } from '../db/calls-repo.js'
import type { CallEnded } from '../domain/call-events.js'
import type { Menu, MenuAction } from '../domain/ivr.js'
import type { RoutingPolicy } from '../domain/routing.js'
import type { CallQueue } from './call-queue.js'
import { CallRecorder, type RecordingSetup } from './call-recorder.js'
import { CallerLeg } from './caller-leg.js'
import type { DialAttempt } from './dial-attempt.js'
import { partyChannelOf } from './leg-names.js'
import type { OperatorBoard } from './operator-board.js'
import type { RecordingStore } from './recording-store.js'

export interface CallSessionSettings {
  defaultRegion: string
  basePolicy: RoutingPolicy
  attemptGuardMs: number
  /** How long to wait for recordings to be finished by Asterisk after hang-up. */
  recordingSettleMs: number
  /** Language of the built-in prompts. */
  promptLang: string
  queue: {
    enabled: boolean
    maxWaitMs: number
    announceEveryMs: number
    /** '' = no key for a callback. */
    callbackKey: string
    mohClass: string
    defaultHandleMs: number
  }
}

/** Voice menus as the calls read them. */
export interface MenuSource {
  all: () => ReadonlyMap<string, Menu>
  defaultMenuId: () => string | null
}

/** What every call leg needs, inbound or outbound. */
export interface CallLegDeps {
  ari: AriLink
  repo: CallsRepo
  board: OperatorBoard
  bus: Bus
  store: RecordingStore
  log: Logger
  clock: Clock
  newId: (prefix: string) => string
  /** MixMonitor (through AMI) or ARI recordings, and where MixMonitor writes. */
  recording: RecordingSetup
  /** Streams answered calls for live alerts; absent = off. */
  live?: LiveAlerts
}

/** What the calls need of live alerts: start on a bridged call, stop when it ends. */
export interface LiveAlerts {
  start (callId: string, legs: ReadonlyArray<{ speaker: 'caller' | 'operator'; channelId: string }>, log: Logger): Promise<{ stop (): Promise<void> } | null>
}

export interface CallSessionDeps extends CallLegDeps {
  settings: CallSessionSettings
  /**
   * Runs after an answered call the customer ended, with the operator's leg still up (the
   * disposition menu). It owns the leg and hangs it up.
   */
  afterCall?: (info: { callId: string; operatorId: string; channelId: string; pressed: string[] }) => Promise<unknown>
  menus?: MenuSource
  /** Callers wait here when nobody is free; without it they are not kept. */
  queue?: CallQueue
  /** Working hours: menus have after-hours variants. Always working when not given. */
  isWorkingTime?: (ms: number) => boolean
}

/** An operator's phone rung for this call, and the attempt row it is written to. */
export interface OperatorLeg { attempt: DialAttempt; operatorId: string; attemptId: string; startedAt: number }

export type QueueOutcome = 'connected' | 'abandoned' | 'callback_key' | 'callback_timeout' | 'nobody_left'

/** What the call learns on its way; the call row and call.ended are written from it. */
export interface CallFacts {
  callerPhone: string | null
  customer: CustomerFacts | null
  tracking: TrackingNumberFacts | null
  /** The site visit this pool number was handed to, when the call came within its hold time. */
  visit: VisitFacts | null
  categoryId: string | null
  warnings: string[]
  /** The call this caller's channel had before a restart, when it is picked up again. */
  resumedFrom: string | null
  menuEntered: boolean
  menuPath: string[]
  /** What the voice menu chose; null without a menu. */
  menuChoice: Exclude<MenuAction, { kind: 'menu' }> | null
  /** The policy the call is routed by, once planned. */
  policy: RoutingPolicy | null
  queuedAt: number | null
  queueOutcome: QueueOutcome | null
  /** Why the caller is to be called back; null when they are not. */
  callbackWhy: string | null
}

export class CallContext {
  readonly callId: string
  readonly log: Logger
  readonly clock: Clock
  readonly startedAt: number
  readonly caller: CallerLeg
  readonly recorder: CallRecorder
  readonly facts: CallFacts = {
    callerPhone: null, customer: null, tracking: null, visit: null, categoryId: null, warnings: [], resumedFrom: null,
    menuEntered: false, menuPath: [], menuChoice: null, policy: null, queuedAt: null, queueOutcome: null, callbackWhy: null
  }

  /** Operators' phones ringing now, by channel. */
  readonly ringing = new Map<string, OperatorLeg>()
  answered: OperatorLeg | null = null
  /** The operator the board counts as talking on this call, from their answer on (before `answered` is set). */
  talkingOnBoard: string | null = null
  answeredAt: number | null = null
  bridgeId: string | null = null
  /** False while the caller id stands in its plain form, its full parse still to come (identify-caller.ts). */
  phoneParsed = true
  hangupBy: CallEnded['hangupBy'] = null
  /** Why the call failed, when it did. */
  problem: string | null = null
  readonly attempts: CallEnded['attempts'] = []
  /** Ring steps taken so far (plan and queue alike): each attempt row carries its index. */
  stepCount = 0
  private readonly timers = new Set<CancelTimer>()
  /** What the call does once its first operator ring has left (its row, ringback): run once. */
  private opening: (() => void) | null = null
  /** Whether call.routed went out (the first originate's send). */
  private routed = false

  constructor (readonly deps: CallSessionDeps, readonly channel: InboundChannel) {
    this.callId = deps.newId('call')
    this.clock = deps.clock
    this.startedAt = deps.clock.now()
    this.log = deps.log.child({ callId: this.callId, channelId: channel.channelId })
    this.caller = new CallerLeg({ ari: deps.ari, log: this.log, mohClass: deps.settings.queue.mohClass, lang: deps.settings.promptLang }, channel, {
      onGone: () => {
        if (this.hangupBy === null) this.hangupBy = 'caller'
        // Keys pressed while talking were for the customer; only the ones after this count for the menu.
        this.answered?.attempt.takeKeys()
      },
      onBroken: (problem) => { this.problem = problem }
    })
    this.recorder = new CallRecorder({
      ari: deps.ari, repo: deps.repo, store: deps.store, log: this.log, clock: deps.clock,
      newId: () => deps.newId('rec'), settleMs: deps.settings.recordingSettleMs, snoopWaitMs: 5000, recording: deps.recording
    }, this.callId)
  }

  /** The caller left or the call cannot go on: no step starts anything new. */
  get isOver (): boolean { return this.caller.isGone || this.caller.isBroken }

  now (): number { return this.clock.now() }

  /** The visit's source wins over the number's: a pool number is shared by one source anyway, but the visit is what was seen. */
  get source (): string | null { return this.facts.visit?.source ?? this.facts.tracking?.source ?? null }

  /** A timer of this call: released with the call if it has not fired by then. */
  after (ms: number, fn: () => void): CancelTimer {
    const cancel = this.clock.setTimeout(() => { this.timers.delete(cancel); fn() }, ms)
    this.timers.add(cancel)
    return () => { this.timers.delete(cancel); cancel() }
  }

  /** Whether a channel Asterisk lists belongs to this call (caller, operator legs, their snoops and live streams). */
  owns (channelId: string): boolean {
    const base = partyChannelOf(channelId)
    return base === this.caller.channelId || this.ringing.has(base) || this.answered?.attempt.channelId === base
  }

  /** Sets what runs once the first operator ring has left, or at once when the call opens without one. */
  whenOpened (fn: () => void): void { this.opening = fn }

  /** Runs the opening work, once. */
  open (): void {
    const fn = this.opening
    this.opening = null
    fn?.()
  }

  /** The first operator originate of the call was handed to its socket at `atPerf`. */
  originateSent (atPerf: number): void {
    if (this.routed) return
    this.routed = true
    const arrived = this.channel.arrivedAtPerf
    if (arrived !== null) this.deps.bus.emit('call.routed', { callId: this.callId, routingMs: atPerf - arrived })
  }

  releaseTimers (): void {
    for (const cancel of [...this.timers]) cancel()
    this.timers.clear()
  }
}
