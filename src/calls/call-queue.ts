// Callers waiting for a free operator. Keeps them in serving order and, whenever an operator
// becomes free, offers that operator to the first waiting call they fit (domain/wait-queue decides).
import type { Logger } from 'pino'
import type { Bus } from '../bus.js'
import type { CancelTimer, Clock } from '../clock.js'
import { waitingViews, type CallEnded, type WaitingCaller, type WaitingView } from '../domain/call-events.js'
import { RollingAverage } from '../domain/rolling-average.js'
import type { OperatorSnapshot, RoutingPolicy } from '../domain/routing.js'
import { insertionIndex, pickCallFor, positionOf, type QueuePolicy, type WaitingCall } from '../domain/wait-queue.js'
import type { OperatorBoard } from './operator-board.js'

export type { WaitingView }

const DAY_MS = 86_400_000

interface Entry {
  call: WaitingCall & { triedOperatorIds: Set<string> }
  policy: RoutingPolicy
  callerPhone: string | null
  /** Set while the call is ready for an operator; called at most once per offer. */
  offer: ((op: OperatorSnapshot) => void) | null
  offeredTo: string | null
}

export interface CallQueueDeps {
  board: OperatorBoard
  bus: Bus
  now: () => number
  /** Runs the poll: the caller's clock, so tests move it by hand. */
  setTimeout: Clock['setTimeout']
  log: Logger
  settings: QueuePolicy & { pollMs: number }
}

export class CallQueue {
  private readonly ordered: WaitingCall[] = []
  private readonly entries = new Map<string, Entry>()
  private cancelPoll: CancelTimer | null = null
  private readonly onEnded = (e: CallEnded): void => {
    if (e.status === 'answered') this.talk.add(e.startedAt, e.talkMs)
  }

  private readonly onState = ({ operatorId, state }: { operatorId: string; state: string }): void => {
    if (state !== 'available' || this.entries.size === 0) return
    const op = this.deps.board.snapshot(this.deps.now()).find((o) => o.operatorId === operatorId)
    if (op) this.offerOperator(op)
  }

  /** Talk of the calls answered in the last 24 hours (by their start), for a waiting caller's expected wait. */
  private readonly talk = new RollingAverage(DAY_MS)

  constructor (private readonly deps: CallQueueDeps) {}

  start (): void {
    this.deps.bus.on('operator.state', this.onState)
    this.deps.bus.on('call.ended', this.onEnded)
  }

  stop (): void {
    this.deps.bus.off('operator.state', this.onState)
    this.deps.bus.off('call.ended', this.onEnded)
    this.stopPolling()
  }

  /**
   * Reads once, at start, the answered calls of the window as the database holds them (`since`: the
   * window's start); later ones come as they end.
   */
  rememberTalk (answeredSince: (sinceMs: number) => Iterable<{ startedAt: number; talkMs: number }>): void {
    for (const c of answeredSince(this.deps.now() - this.talk.windowMs)) this.talk.add(c.startedAt, c.talkMs)
  }

  /** Average talk of the calls answered in the last 24 hours; null when there were none. */
  averageTalkMs (): number | null {
    return this.talk.average(this.deps.now())
  }

  get size (): number { return this.entries.size }

  /** A caller starts waiting (or, after a restart, waits again from their first arrival). */
  join (call: WaitingCall, policy: RoutingPolicy, callerPhone: string | null): void {
    const entry: Entry = { call: { ...call, triedOperatorIds: new Set(call.triedOperatorIds) }, policy, callerPhone, offer: null, offeredTo: null }
    this.entries.set(call.callId, entry)
    this.ordered.splice(insertionIndex(this.ordered, entry.call, this.deps.settings), 0, entry.call)
    // Wrap-up ends by the clock, with no event: while anyone waits, look for such operators.
    if (this.cancelPoll === null) this.poll()
    this.deps.log.info({ callId: call.callId, position: this.position(call.callId), waiting: this.entries.size }, 'caller waiting for an operator')
    this.changed()
  }

  /**
   * The call is ready for an operator: `offer` runs (synchronously, once) with the first operator
   * free for it. Offers made while the call rings someone are held back.
   */
  ready (callId: string, offer: (op: OperatorSnapshot) => void): void {
    const entry = this.entries.get(callId)
    if (!entry) return
    entry.offer = offer
    this.ringing(entry, null)
    setImmediate(() => { this.dispatch() })
  }

  /** The operator offered did not answer: they are not offered this caller again. */
  notAnswered (callId: string, operatorId: string): void {
    const entry = this.entries.get(callId)
    if (!entry) return
    entry.call.triedOperatorIds.add(operatorId)
    this.ringing(entry, null)
  }

  leave (callId: string): void {
    if (!this.entries.delete(callId)) return
    const i = this.ordered.findIndex((c) => c.callId === callId)
    if (i >= 0) this.ordered.splice(i, 1)
    if (this.entries.size === 0) this.stopPolling()
    this.changed()
  }

  /** One look for free operators after pollMs, then the next while anyone still waits. */
  private poll (): void {
    this.cancelPoll = this.deps.setTimeout(() => {
      this.cancelPoll = null
      this.dispatch()
      if (this.entries.size > 0 && this.cancelPoll === null) this.poll()
    }, this.deps.settings.pollMs)
  }

  private stopPolling (): void {
    this.cancelPoll?.()
    this.cancelPoll = null
  }

  /** Tells the bus the whole line: the console keeps its own copy. */
  private changed (): void {
    this.deps.bus.emit('queue.changed', { waiting: this.entries.size, callers: this.callers() })
  }

  /** Offers happen whenever an operator gets free: the event names the one caller, not the line. */
  private ringing (entry: Entry, operatorId: string | null): void {
    if (entry.offeredTo === operatorId) return
    entry.offeredTo = operatorId
    this.deps.bus.emit('queue.ringing', { callId: entry.call.callId, operatorId })
  }

  private callers (): WaitingCaller[] {
    return this.ordered.map((c) => {
      const e = this.entries.get(c.callId)!
      return { callId: c.callId, callerPhone: e.callerPhone, categoryId: c.categoryId, returning: c.returning, arrivedAt: c.arrivedAtMs, ringingOperatorId: e.offeredTo }
    })
  }

  position (callId: string): number { return positionOf(this.ordered, callId) }

  /** The operator being rung for this waiting caller right now, if any. */
  ringingFor (callId: string): string | null { return this.entries.get(callId)?.offeredTo ?? null }

  /** How many operators at work (any state but paused or offline) could take this call. */
  servingCount (callId: string): number {
    const entry = this.entries.get(callId)
    if (!entry) return 0
    let n = 0
    for (const op of this.deps.board.snapshot(this.deps.now())) {
      if (op.state === 'paused' || op.state === 'unregistered') continue
      if (pickCallFor({ ...op, state: 'available' }, [entry.call], () => entry.policy, () => true) !== null) n++
    }
    return n
  }

  waiting (): WaitingView[] { return waitingViews(this.callers(), this.deps.now()) }

  /** Every free operator takes the first waiting call they fit. */
  dispatch (): void {
    if (this.entries.size === 0) return
    for (const op of this.deps.board.snapshot(this.deps.now())) {
      if (op.state === 'available') this.offerOperator(op)
    }
  }

  /** One operator just became free: the decision the queue makes most often. */
  offerOperator (op: OperatorSnapshot): string | null {
    const call = pickCallFor(op, this.ordered, (c) => this.entries.get(c.callId)!.policy, (c) => {
      const e = this.entries.get(c.callId)!
      return e.offer !== null && e.offeredTo === null
    })
    if (!call) return null
    const entry = this.entries.get(call.callId)!
    const offer = entry.offer!
    entry.offer = null
    this.deps.log.info({ callId: call.callId, operatorId: op.operatorId }, 'free operator offered to a waiting caller')
    this.ringing(entry, op.operatorId)
    offer(op)
    return call.callId
  }
}
