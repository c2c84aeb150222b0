// Live state of every operator: Asterisk's device/contact states, ringlead's own legs, pause and
// wrap-up, combined by domain/operator-state into the snapshot the routing policy reads.
import type { Bus } from '../bus.js'
import type { CancelTimer, Clock } from '../clock.js'
import { decideAvailability, type Availability, type DeviceState, type OperatorSignals } from '../domain/operator-state.js'
import type { OperatorView } from '../domain/call-events.js'
import { skillsOfOneShape, type OperatorSnapshot } from '../domain/routing.js'
import { shopDay } from '../domain/today-figures.js'

export interface OperatorRecord {
  operatorId: string; name: string; endpoint: string; isManager: boolean
  paused: boolean; pausedReason: string | null
  /** When the pause began (the wallboard's time in pause). */
  pausedAt?: number | null
  skills: Record<string, number>
}

interface Live extends OperatorSignals {
  record: OperatorRecord
  /** The routing view of this operator, kept up to date in place (plan() runs on every call). */
  snap: OperatorSnapshot
  state: Availability
  reason: string
  sinceMs: number
  idleSinceMs: number
  today: { currentCalls: number; answeredCalls: number; talkMs: number; deals: number }
  /** When the timed wrap-up ends, and its timer. */
  wrapUpEnd?: { atMs: number; cancel: CancelTimer }
}

export type { OperatorView }

export interface OperatorBoardDeps {
  loadOperators: () => OperatorRecord[]
  /** Answered calls and talk time per operator since a moment. */
  statsSince: (sinceMs: number) => Map<string, { answeredCalls: number; talkMs: number }>
  bus: Bus
  now: () => number
  wrapUpMs: number
  /** The shop's time zone: today's figures start at its midnight, as the reports' do. */
  timeZone: string
  /** Ends a wrap-up on time, so the operator's change reaches everyone as an event; none: only when next read. */
  setTimeout?: Clock['setTimeout']
}

const upperEndpoint = (endpoint: string): string => {
  const slash = endpoint.indexOf('/')
  return slash < 0 ? endpoint : `${endpoint.slice(0, slash).toUpperCase()}${endpoint.slice(slash)}`
}

export class OperatorBoard {
  private readonly live = new Map<string, Live>()
  private readonly byEndpoint = new Map<string, string>()
  /** Device states reported for endpoints not (yet) known as operators. */
  private readonly devices = new Map<string, { deviceState?: DeviceState; registered?: boolean }>()
  private dayStartMs = 0
  private nextDayStartMs = 0
  /** Every live operator's snapshot, rebuilt only when the set of operators changes. */
  private snaps: OperatorSnapshot[] = []
  /** Operators whose availability depends on the clock (wrap-up ends by itself). */
  private readonly timed = new Set<Live>()
  /** Operators whose state changed quietly (see `legRinging`), not yet told on the bus. */
  private readonly unannounced = new Set<string>()

  constructor (private readonly deps: OperatorBoardDeps) {}

  /** (Re)load operators from the database, keeping live signals of those that stay. */
  reload (): void {
    const now = this.deps.now()
    const records = this.deps.loadOperators()
    const seen = new Set<string>()
    this.byEndpoint.clear()
    const day = shopDay(now, this.deps.timeZone)
    const stats = this.deps.statsSince(day.startMs)
    this.dayStartMs = day.startMs
    this.nextDayStartMs = day.nextStartMs
    // The routing view's skills share one shape (see skillsOfOneShape); the records keep their own.
    const skills = skillsOfOneShape(records.map((r) => r.skills))
    for (const [i, record] of records.entries()) {
      seen.add(record.operatorId)
      const endpoint = upperEndpoint(record.endpoint)
      this.byEndpoint.set(endpoint, record.operatorId)
      const existing = this.live.get(record.operatorId)
      const today = stats.get(record.operatorId)
      if (existing) {
        existing.record = record
        existing.paused = record.paused
        existing.today = { ...existing.today, ...(today ?? { answeredCalls: 0, talkMs: 0 }) }
        Object.assign(existing.snap, { endpoint: record.endpoint, isManager: record.isManager, skills: skills[i]!, today: existing.today })
      } else {
        const device = this.devices.get(endpoint) ?? {}
        const todayStats = { currentCalls: 0, answeredCalls: today?.answeredCalls ?? 0, talkMs: today?.talkMs ?? 0, deals: 0 }
        this.live.set(record.operatorId, {
          record, paused: record.paused, ringingLegs: 0, talkingLegs: 0, lastCallEndedMs: null,
          ...device, state: 'available', reason: 'free', sinceMs: now, idleSinceMs: now,
          today: todayStats,
          snap: {
            operatorId: record.operatorId, endpoint: record.endpoint, isManager: record.isManager, skills: skills[i]!,
            state: 'available', stateReason: 'free', idleSinceMs: now, today: todayStats
          }
        })
      }
      this.recompute(record.operatorId)
    }
    for (const [operatorId, l] of [...this.live]) if (!seen.has(operatorId)) { this.live.delete(operatorId); this.timed.delete(l); l.wrapUpEnd?.cancel() }
    this.snaps = [...this.live.values()].map((l) => l.snap)
  }

  operatorIdOf (endpoint: string): string | undefined { return this.byEndpoint.get(upperEndpoint(endpoint)) }

  setDeviceState (device: string, state: DeviceState): void {
    const endpoint = upperEndpoint(device)
    this.devices.set(endpoint, { ...this.devices.get(endpoint), deviceState: state })
    const operatorId = this.byEndpoint.get(endpoint)
    const live = operatorId ? this.live.get(operatorId) : undefined
    if (!live || !operatorId) return
    live.deviceState = state
    live.deviceStateDuringOwnLegs = live.ringingLegs + live.talkingLegs > 0
    // A phone that reports a state is reachable; only Removed/Unreachable contacts say otherwise.
    if (state !== 'UNAVAILABLE' && state !== 'INVALID' && live.registered === false) live.registered = undefined
    this.recompute(operatorId)
  }

  setRegistered (endpoint: string, registered: boolean): void {
    const key = upperEndpoint(endpoint)
    this.devices.set(key, { ...this.devices.get(key), registered })
    const operatorId = this.byEndpoint.get(key)
    const live = operatorId ? this.live.get(operatorId) : undefined
    if (!live || !operatorId) return
    live.registered = registered
    this.recompute(operatorId)
  }

  /**
   * `quiet`: the routing snapshot says ringing at once (no other call may pick the operator), but
   * the bus hears of it only at `announce()`: a call rings the phone first and tells the rest after.
   */
  legRinging (operatorId: string, quiet = false): void { this.bump(operatorId, (l) => { l.ringingLegs++ }, quiet) }

  /** Tells the bus the states changed quietly since the last call. */
  announce (): void {
    const now = this.deps.now()
    for (const operatorId of this.unannounced) {
      const l = this.live.get(operatorId)
      if (l) this.deps.bus.emit('operator.state', { operatorId, state: l.state, reason: l.reason, atMs: now })
    }
    this.unannounced.clear()
  }
  legStoppedRinging (operatorId: string): void { this.bump(operatorId, (l) => { l.ringingLegs = Math.max(0, l.ringingLegs - 1) }) }

  /**
   * The operator answered the leg that rang: ringing becomes talking in one step, so nobody (the
   * waiting line above all) sees them free in between.
   */
  ringAnswered (operatorId: string): void {
    this.bump(operatorId, (l) => { l.ringingLegs = Math.max(0, l.ringingLegs - 1); l.talkingLegs++; l.today.currentCalls++ })
  }

  /** An answered leg the call let go before the conversation began (the caller left first): undoes `ringAnswered`. */
  talkAborted (operatorId: string): void {
    this.bump(operatorId, (l) => { l.talkingLegs = Math.max(0, l.talkingLegs - 1); l.today.currentCalls = Math.max(0, l.today.currentCalls - 1) })
  }

  talkStarted (operatorId: string): void {
    this.bump(operatorId, (l) => { l.talkingLegs++; l.today.currentCalls++ })
  }

  /** `answered` false: the operator was on the line but nobody answered (an outbound call not picked up). */
  talkEnded (operatorId: string, talkMs: number, answered = true): void {
    this.bump(operatorId, (l) => {
      l.talkingLegs = Math.max(0, l.talkingLegs - 1)
      l.today.currentCalls = Math.max(0, l.today.currentCalls - 1)
      if (answered) l.today.answeredCalls++
      l.today.talkMs += talkMs
      l.lastCallEndedMs = this.deps.now()
    })
  }

  /** A conversation from before a restart, found in Asterisk: the operator talks until it ends. */
  adoptedTalk (operatorId: string, delta: 1 | -1): void {
    this.bump(operatorId, (l) => {
      l.talkingLegs = Math.max(0, l.talkingLegs + delta)
      if (delta < 0) l.lastCallEndedMs = this.deps.now()
    })
  }

  dispositionStarted (operatorId: string): void { this.bump(operatorId, (l) => { l.inDisposition = true }) }
  dispositionEnded (operatorId: string): void {
    this.bump(operatorId, (l) => { l.inDisposition = false; l.lastCallEndedMs = this.deps.now() })
  }

  /** Operators whose state says nothing to ringlead's own legs (after a restart). */
  resetLegs (): void {
    for (const [operatorId, l] of this.live) { l.ringingLegs = 0; l.talkingLegs = 0; l.today.currentCalls = 0; this.recompute(operatorId) }
  }

  private bump (operatorId: string, change: (l: Live) => void, quiet = false): void {
    const l = this.live.get(operatorId)
    if (!l) return
    change(l)
    this.recompute(operatorId, quiet)
  }

  private recompute (operatorId: string, quiet = false): void {
    const l = this.live.get(operatorId)
    if (!l) return
    const now = this.deps.now()
    const d = decideAvailability(l, now, this.deps.wrapUpMs)
    const changed = d.state !== l.state || d.reason !== l.reason
    if (changed) {
      if (d.state !== l.state) {
        l.sinceMs = now
        if (d.state === 'available' || d.state === 'wrap_up') l.idleSinceMs = l.lastCallEndedMs ?? now
      }
      l.state = d.state
      l.reason = d.reason
    }
    // The routing view first: a listener of the event (the waiting line above all) reads it at once.
    this.mirror(l, d.state, d.reason)
    if (!changed) return
    if (quiet) this.unannounced.add(operatorId)
    else {
      this.unannounced.delete(operatorId)
      this.deps.bus.emit('operator.state', { operatorId, state: d.state, reason: d.reason, atMs: now })
    }
  }

  /** Keeps the operator's routing view in step; notes whether the clock alone can change it. */
  private mirror (l: Live, state: Availability, reason: string): void {
    l.snap.state = state
    l.snap.stateReason = reason
    l.snap.idleSinceMs = l.idleSinceMs
    l.snap.today = l.today
    if (state === 'wrap_up' && !l.inDisposition) {
      this.timed.add(l)
      this.endWrapUpOnTime(l)
    } else {
      this.timed.delete(l)
      l.wrapUpEnd?.cancel()
      l.wrapUpEnd = undefined
    }
  }

  private endWrapUpOnTime (l: Live): void {
    const setTimer = this.deps.setTimeout
    if (setTimer === undefined || l.lastCallEndedMs === null) return
    const atMs = l.lastCallEndedMs + this.deps.wrapUpMs
    if (l.wrapUpEnd?.atMs === atMs) return
    l.wrapUpEnd?.cancel()
    const operatorId = l.record.operatorId
    l.wrapUpEnd = { atMs, cancel: setTimer(() => { l.wrapUpEnd = undefined; this.recompute(operatorId) }, atMs - this.deps.now()) }
  }

  /** Cancels the wrap-up timers (the daemon is stopping). */
  stop (): void {
    for (const l of this.live.values()) { l.wrapUpEnd?.cancel(); l.wrapUpEnd = undefined }
  }

  /**
   * The routing snapshot at `nowMs`. Signals update each operator's view as they come; only
   * operators in a timed wrap-up are decided afresh here, so a call does not pay for every operator.
   * The array is shared and read-only.
   */
  snapshot (nowMs: number): readonly OperatorSnapshot[] {
    if (nowMs >= this.nextDayStartMs || nowMs < this.dayStartMs) this.rollDay(nowMs)
    for (const l of [...this.timed]) {
      const d = decideAvailability(l, nowMs, this.deps.wrapUpMs)
      if (d.state !== 'wrap_up') {
        this.timed.delete(l)
        l.snap.state = d.state
        l.snap.stateReason = d.reason
      } else {
        l.snap.stateReason = d.reason
      }
    }
    return this.snaps
  }

  private rollDay (nowMs: number): void {
    const day = shopDay(nowMs, this.deps.timeZone)
    this.dayStartMs = day.startMs
    this.nextDayStartMs = day.nextStartMs
    for (const l of this.live.values()) {
      l.today = { currentCalls: l.today.currentCalls, answeredCalls: 0, talkMs: 0, deals: 0 }
      l.snap.today = l.today
    }
  }

  record (operatorId: string): OperatorRecord | undefined { return this.live.get(operatorId)?.record }

  view (operatorId: string): OperatorView | undefined {
    const l = this.live.get(operatorId)
    if (!l) return undefined
    const d = decideAvailability(l, this.deps.now(), this.deps.wrapUpMs)
    const paused = d.state === 'paused'
    const sinceMs = paused && typeof l.record.pausedAt === 'number' ? l.record.pausedAt : d.state === l.state ? l.sinceMs : this.deps.now()
    return {
      operatorId, name: l.record.name, endpoint: l.record.endpoint, state: d.state, reason: d.reason, sinceMs,
      pausedReason: paused ? l.record.pausedReason : null, skills: Object.keys(l.record.skills)
    }
  }

  views (): OperatorView[] { return [...this.live.keys()].map((id) => this.view(id)).filter((v): v is OperatorView => v !== undefined) }
}
