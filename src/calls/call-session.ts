// One inbound call, from StasisStart to call.ended. run() reads as the call.
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import type { AriLink, InboundChannel, LegEvent } from '../asterisk/ari-link.js'
import { AsteriskCommandFailed } from '../asterisk/errors.js'
import type { Bus } from '../bus.js'
import type { CallsRepo, CustomerFacts, TrackingNumberFacts } from '../db/calls-repo.js'
import type { CallEnded } from '../domain/call-events.js'
import { normalisePhone } from '../domain/phone.js'
import { plan, mergePolicy, type PlanStep, type RoutingPlan, type RoutingPolicy } from '../domain/routing.js'
import { CallRecorder } from './call-recorder.js'
import { DialAttempt, type AttemptOutcome } from './dial-attempt.js'
import type { OperatorBoard } from './operator-board.js'
import type { RecordingStore } from './recording-store.js'

export interface CallSessionSettings {
  defaultRegion: string
  basePolicy: RoutingPolicy
  attemptGuardMs: number
  /** Real ms to wait for recordings to be finished by Asterisk after hang-up. */
  recordingSettleMs: number
}

export interface CallSessionDeps {
  ari: AriLink
  repo: CallsRepo
  board: OperatorBoard
  bus: Bus
  store: RecordingStore
  log: Logger
  now: () => number
  newId: (prefix: string) => string
  settings: CallSessionSettings
  /**
   * Runs after an answered call the customer ended, with the operator's leg still up (the
   * disposition menu). It owns the leg and hangs it up.
   */
  afterCall?: (info: { callId: string; operatorId: string; channelId: string; pressed: string[] }) => Promise<unknown>
}

type CallStatus = CallEnded['status']

interface Answered { attempt: DialAttempt; operatorId: string; attemptId: string; startedAt: number }

export class CallSession {
  readonly callId: string
  private readonly log: Logger
  private readonly startedAt: number
  private readonly createdAtPerf = performance.now()
  private callerGone = false
  /** Set when the call cannot go on (a malformed event): ringlead ends it. */
  private broken = false
  private stopNow!: () => void
  /** Settles when the caller is gone or the call must end: stops ringing and talking. */
  private readonly stopSignal: Promise<void>
  private readonly unwatchCaller: () => void
  private readonly ringing = new Map<string, Answered>()
  private readonly recorder: CallRecorder
  private bridgeId: string | null = null
  private customer: CustomerFacts | null = null
  private tracking: TrackingNumberFacts | null = null
  private callerPhone: string | null = null
  private answered: Answered | null = null
  private answeredAt: number | null = null
  private hangupBy: CallEnded['hangupBy'] = null
  private readonly warnings: string[] = []
  private readonly attemptLog: CallEnded['attempts'] = []
  private problem: string | null = null
  private handingOver = false
  private ringback: Promise<void> = Promise.resolve()

  constructor (private readonly deps: CallSessionDeps, private readonly caller: InboundChannel) {
    this.callId = deps.newId('call')
    this.startedAt = deps.now()
    this.log = deps.log.child({ callId: this.callId, channelId: caller.channelId })
    this.stopSignal = new Promise((resolve) => { this.stopNow = resolve })
    this.unwatchCaller = deps.ari.watchLeg(caller.channelId, (e) => { this.onCallerEvent(e) })
    this.recorder = new CallRecorder({
      ari: deps.ari, repo: deps.repo, store: deps.store, log: this.log, now: deps.now,
      newId: () => deps.newId('rec'), settleMs: deps.settings.recordingSettleMs, snoopWaitMs: 5000
    }, this.callId)
  }

  get channelId (): string { return this.caller.channelId }
  get bridge (): string | null { return this.bridgeId }

  /** Whether a channel Asterisk lists belongs to this call (caller, operator legs, snoops). */
  owns (channelId: string): boolean {
    const base = channelId.endsWith('-snoop') ? channelId.slice(0, -'-snoop'.length) : channelId
    return base === this.caller.channelId || this.ringing.has(base) || this.answered?.attempt.channelId === base
  }

  async run (): Promise<CallEnded> {
    let status: CallStatus = 'failed'
    try {
      this.identifyCaller()
      // Ringback goes out while we plan and dial: no need to wait for Asterisk's answer first.
      this.ringback = this.ringCaller()
      const route = this.planRoute()
      this.writeCall(route)
      for (const [index, step] of route.steps.entries()) {
        if (this.callerGone || this.broken) break
        const operator = await this.ringStep(step, index)
        if (operator) {
          await this.talk(operator)
          break
        }
      }
      status = this.broken ? 'failed' : this.answered ? 'answered' : this.callerGone ? 'abandoned' : 'missed'
      if (status === 'missed') this.log.info('nobody answered')
    } catch (err) {
      this.problem = (err as Error).message
      this.log.error({ err }, 'call failed')
      status = 'failed'
    } finally {
      await this.releaseEverything()
    }
    const afterCall = this.handOver()
    const [ended] = await Promise.all([this.finish(status), afterCall])
    return ended
  }

  /** The operator stays on the line for the disposition menu when the customer hung up first. */
  private keepsOperator (): boolean {
    return this.deps.afterCall !== undefined && this.answered !== null && this.hangupBy === 'caller' && !this.broken && !this.answered.attempt.isGone
  }

  private async handOver (): Promise<void> {
    const operator = this.answered
    const afterCall = this.deps.afterCall
    if (!operator || !afterCall || !this.handingOver) return
    operator.attempt.dispose()
    this.deps.board.dispositionStarted(operator.operatorId)
    try {
      await afterCall({ callId: this.callId, operatorId: operator.operatorId, channelId: operator.attempt.channelId, pressed: operator.attempt.takeKeys() })
    } catch (err) {
      this.log.error({ err }, 'after-call menu failed')
      await this.deps.ari.hangup(operator.attempt.channelId).catch(() => false)
    } finally {
      this.deps.board.dispositionEnded(operator.operatorId)
    }
  }

  private onCallerEvent (e: LegEvent): void {
    if (e.kind === 'hangup_requested' || e.kind === 'left' || e.kind === 'destroyed') this.markCallerGone()
    else if (e.kind === 'malformed') {
      this.problem = e.problem
      this.broken = true
      this.log.error({ problem: e.problem }, 'ending the call: malformed event')
      this.stopNow()
    }
  }

  private markCallerGone (): void {
    if (this.callerGone) return
    this.callerGone = true
    if (this.hangupBy === null) this.hangupBy = 'caller'
    // Keys pressed while talking were for the customer; only the ones after this count for the menu.
    this.answered?.attempt.takeKeys()
    this.log.info('caller hung up')
    this.stopNow()
  }

  /** Caller id → E.164 and customer; DID → tracking number; then the call row. */
  private identifyCaller (): void {
    const phone = normalisePhone(this.caller.callerNumber, this.deps.settings.defaultRegion)
    this.callerPhone = phone.e164
    if (phone.problem) this.warnings.push(`caller id "${phone.raw}": ${phone.problem}`)
    this.tracking = this.deps.repo.trackingNumber(this.caller.did)
    if (!this.tracking) {
      this.warnings.push(`unknown DID "${this.caller.did}": default routing policy`)
      this.log.warn({ did: this.caller.did }, 'unknown DID, default policy')
    }
    if (this.callerPhone) this.customer = this.deps.repo.ensureCustomer(this.callerPhone, this.deps.newId('cus'), this.startedAt, this.caller.callerName.trim() || null)
    this.log.info({ callerPhone: this.callerPhone, did: this.caller.did, customerId: this.customer?.customerId, categoryId: this.tracking?.categoryId }, 'call started')
  }

  /** The caller hears ringback while we look for an operator; we answer when one does. */
  private async ringCaller (): Promise<void> {
    try {
      await this.deps.ari.ring(this.caller.channelId)
    } catch (err) {
      // Gone already: the caller hung up before we could start ringback.
      if (err instanceof AsteriskCommandFailed && err.isNotFound) return this.markCallerGone()
      // No ringback is not a reason to drop the call: route it anyway.
      this.log.warn({ err: (err as Error).message }, 'ringback not started')
    }
  }

  /** The call row, with the plan it will follow, and call.started. */
  private writeCall (route: RoutingPlan): void {
    this.deps.repo.insertCall({
      callId: this.callId, direction: 'inbound', status: 'ringing', channelId: this.caller.channelId,
      callerRaw: this.caller.callerNumber, callerPhone: this.callerPhone, callerName: this.caller.callerName || this.customer?.name || null,
      customerId: this.customer?.customerId ?? null, did: this.caller.did, trackingDid: this.tracking?.did ?? null,
      source: this.tracking?.source ?? null, categoryId: this.tracking?.categoryId ?? null,
      plan: JSON.stringify(route), startedAt: this.startedAt, warnings: this.warnings.length ? JSON.stringify(this.warnings) : null
    })
    this.deps.bus.emit('call.started', {
      callId: this.callId, callerPhone: this.callerPhone, did: this.caller.did,
      source: this.tracking?.source ?? null, categoryId: this.tracking?.categoryId ?? null, startedAt: this.startedAt
    })
  }

  private planRoute (): RoutingPlan {
    const policy = mergePolicy(this.deps.settings.basePolicy, this.tracking?.categoryPolicy, this.tracking?.numberPolicy)
    const now = this.deps.now()
    const route = plan({
      categoryId: this.tracking?.categoryId ?? null,
      stickyOperatorId: this.customer?.lastOperatorId ?? null,
      lastCallAtMs: this.customer?.lastCallAt ?? null
    }, this.deps.board.snapshot(now), policy, now)
    this.log.info({ steps: route.steps.map((s) => `${s.kind}:${s.targets.map((t) => t.operatorId).join('+')}`), reasons: route.reasons }, 'route planned')
    return route
  }

  /** What the operator's phone shows: who calls, how well we know them (earlier calls, deals), what about. */
  private displayedCallerId (): string {
    const number = this.callerPhone ?? (this.caller.callerNumber || 'unknown')
    const name = this.customer?.name ?? this.caller.callerName
    const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`
    const c = this.customer
    const history = c === null ? null : c.earlierCalls === 0 ? 'new' : [plural(c.earlierCalls, 'call'), c.deals > 0 ? plural(c.deals, 'deal') : ''].filter(Boolean).join(' ')
    const label = [name, history, this.tracking?.categoryId].filter(Boolean).join(' · ')
    // Quotes and angle brackets would break the caller id Asterisk parses.
    const clean = label.replace(/["<>\\]/g, '').slice(0, 60)
    return clean ? `"${clean}" <${number}>` : number
  }

  /** Ring every target of one step; the first to answer gets the call, the rest stop ringing. */
  private async ringStep (step: PlanStep, stepIndex: number): Promise<Answered | null> {
    const started: Answered[] = []
    for (const target of step.targets) {
      const attempt = new DialAttempt(this.deps.ari, {
        endpoint: target.endpoint, callerId: this.displayedCallerId(), timeoutSeconds: step.ringTimeoutSeconds,
        appArgs: `dialed,${this.callId}`, guardMs: this.deps.settings.attemptGuardMs
      })
      const attemptId = this.deps.newId('att')
      const startedAt = this.deps.now()
      this.deps.repo.insertAttempt({
        attemptId, callId: this.callId, stepIndex, stepKind: step.kind, operatorId: target.operatorId,
        endpoint: target.endpoint, channelId: attempt.channelId, startedAt, result: 'ringing'
      })
      this.deps.board.legRinging(target.operatorId)
      this.deps.bus.emit('call.offered', { callId: this.callId, operatorId: target.operatorId, customerId: this.customer?.customerId ?? null, direction: 'inbound' })
      const entry = { attempt, operatorId: target.operatorId, attemptId, startedAt }
      this.ringing.set(attempt.channelId, entry)
      started.push(entry)
      this.log.info({ operatorId: target.operatorId, endpoint: target.endpoint, step: step.kind }, 'ringing operator')
      void attempt.start()
    }

    let winner: Answered | null = null
    const pending = new Set(started)
    await new Promise<void>((resolve) => {
      const onCallerGone = (): void => {
        for (const e of pending) void e.attempt.cancel()
      }
      void this.stopSignal.then(onCallerGone)
      for (const entry of started) {
        void entry.attempt.outcome.then((outcome) => {
          pending.delete(entry)
          this.recordAttempt(entry, outcome)
          if (outcome.result === 'answered') {
            if (winner || this.callerGone || this.broken) {
              void entry.attempt.hangup()
            } else {
              winner = entry
              for (const other of pending) void other.attempt.cancel()
            }
          }
          if (pending.size === 0) resolve()
        })
      }
    })
    return winner
  }

  private recordAttempt (entry: Answered, o: AttemptOutcome): void {
    const now = this.deps.now()
    const startedAt = entry.startedAt
    this.ringing.delete(entry.attempt.channelId)
    this.deps.board.legStoppedRinging(entry.operatorId)
    this.deps.repo.updateAttempt(entry.attemptId, {
      result: o.result, cause: o.cause, causeText: o.causeText || null, endedAt: now, ringMs: now - startedAt,
      ...(o.result === 'answered' ? { answeredAt: now } : {})
    })
    this.attemptLog.push({ operatorId: entry.operatorId, result: o.result })
    this.log.info({ operatorId: entry.operatorId, result: o.result, cause: o.cause }, o.result === 'answered' ? 'operator answered' : 'operator did not answer')
    if (o.result !== 'answered') entry.attempt.dispose()
  }

  /** Answer the caller, bridge both, record, and wait until one of them hangs up. */
  private async talk (operator: Answered): Promise<void> {
    if (this.callerGone || this.broken) {
      await operator.attempt.hangup()
      return
    }
    this.answered = operator
    this.answeredAt = this.deps.now()
    this.deps.board.talkStarted(operator.operatorId)
    this.deps.repo.updateCall(this.callId, { status: 'talking', answeredBy: operator.operatorId, answeredAt: this.answeredAt, ringMs: this.answeredAt - this.startedAt })
    this.bridgeId = `rl-br-${this.callId}`
    try {
      await this.ringback
      await this.deps.ari.answer(this.caller.channelId)
      await this.deps.ari.createBridge(this.bridgeId)
      await this.deps.ari.addToBridge(this.bridgeId, [this.caller.channelId, operator.attempt.channelId])
    } catch (err) {
      // The caller (or the operator) hung up between the answer and the bridge.
      if (err instanceof AsteriskCommandFailed && err.isNotFound) {
        if (!operator.attempt.isGone) this.markCallerGone()
        return
      }
      throw err
    }
    this.log.info({ operatorId: operator.operatorId, bridgeId: this.bridgeId }, 'talking')
    await Promise.all([
      this.recorder.recordBridge(this.bridgeId),
      this.recorder.recordParty('caller', this.caller.channelId),
      this.recorder.recordParty('operator', operator.attempt.channelId)
    ])
    await Promise.race([this.stopSignal, operator.attempt.ended])
    if (!this.callerGone && !this.broken) this.hangupBy = 'operator'
  }

  /** Every leg, bridge, watcher and ringing mark this session holds, freed in one place. */
  private async releaseEverything (): Promise<void> {
    for (const entry of this.ringing.values()) {
      await entry.attempt.cancel()
      this.recordAttempt(entry, { result: 'cancelled', cause: null, causeText: 'call ended' })
    }
    this.ringing.clear()
    const hangups: Array<Promise<unknown>> = []
    this.handingOver = this.keepsOperator()
    if (this.answered && !this.handingOver) {
      hangups.push(this.answered.attempt.hangup().catch(() => undefined))
    }
    if (!this.callerGone) {
      if (this.hangupBy === null) this.hangupBy = 'system'
      // Unanswered: cause 19 makes Asterisk answer the carrier 480, not 603 Decline (which tells a
      // carrier not to try other routes).
      hangups.push(this.deps.ari.hangup(this.caller.channelId, this.answered ? undefined : 'no_answer').catch(() => false))
    }
    await Promise.all(hangups)
    await this.recorder.hangupSnoops()
    if (this.bridgeId) await this.deps.ari.destroyBridge(this.bridgeId).catch((err: Error) => { this.log.warn({ err: err.message }, 'bridge not destroyed') })
    if (!this.handingOver) this.answered?.attempt.dispose()
    this.unwatchCaller()
  }

  private async finish (status: CallStatus): Promise<CallEnded> {
    const endedAt = this.deps.now()
    const talkMs = this.answeredAt === null ? 0 : endedAt - this.answeredAt
    const operatorId = this.answered?.operatorId ?? null
    if (operatorId) this.deps.board.talkEnded(operatorId, talkMs)
    this.deps.repo.transaction(() => {
      this.deps.repo.updateCall(this.callId, {
        status, endedAt, talkMs, ringMs: (this.answeredAt ?? endedAt) - this.startedAt, hangupBy: this.hangupBy,
        endReason: this.problem ?? (status === 'missed' ? 'nobody answered' : status === 'abandoned' ? 'caller hung up while ringing' : null)
      })
      if (this.customer) this.deps.repo.rememberCustomerCall(this.customer.customerId, operatorId, endedAt)
    })
    this.log.info({ status, talkMs, hangupBy: this.hangupBy }, 'call ended')
    const recordings = this.answered ? await this.recorder.settle() : []
    const event: CallEnded = {
      callId: this.callId, direction: 'inbound', status, callerPhone: this.callerPhone, callerRaw: this.caller.callerNumber,
      customerId: this.customer?.customerId ?? null, did: this.caller.did, source: this.tracking?.source ?? null,
      categoryId: this.tracking?.categoryId ?? null, answeredBy: operatorId, attempts: this.attemptLog,
      startedAt: this.startedAt, answeredAt: this.answeredAt, endedAt, ringMs: (this.answeredAt ?? endedAt) - this.startedAt,
      talkMs, hangupBy: this.hangupBy, recordings
    }
    this.deps.bus.emit('call.ended', event)
    return event
  }

  /** After a WebSocket outage: settle whatever Asterisk no longer has. */
  reconcile (liveChannelIds: ReadonlySet<string>, listedAtPerf: number): void {
    // Only what existed when Asterisk was asked can be missing from its answer.
    if (this.createdAtPerf < listedAtPerf && !liveChannelIds.has(this.caller.channelId)) {
      this.log.warn('caller channel gone while events were not received')
      this.markCallerGone()
    }
    const missing = (a: DialAttempt): boolean => a.createdAtPerf < listedAtPerf && !liveChannelIds.has(a.channelId)
    for (const entry of this.ringing.values()) if (missing(entry.attempt)) entry.attempt.vanished()
    if (this.answered && !this.answered.attempt.isGone && missing(this.answered.attempt)) this.answered.attempt.vanished()
  }
}
