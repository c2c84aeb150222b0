// One outbound call placed through ringlead (click-to-call), from the operator's phone ringing to
// call.ended. run() reads as the call: ring the operator first, then the customer, then talk.
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import { AsteriskCommandFailed } from '../asterisk/errors.js'
import type { CustomerFacts } from '../db/calls-repo.js'
import { sipCallerId } from '../domain/caller-id.js'
import type { CallEnded } from '../domain/call-events.js'
import type { CallLegDeps } from './call-context.js'
import { startLiveAlerts } from './live-media.js'
import { CallRecorder } from './call-recorder.js'
import { DialAttempt, type AttemptOutcome } from './dial-attempt.js'
import { callBridgeOf, partyChannelOf } from './leg-names.js'
import { ignoreChannelGone } from '../asterisk/expected-errors.js'

export interface OutboundCallSettings {
  /** How long the operator's own phone rings. */
  operatorRingSeconds: number
  /** How long the customer's phone rings. */
  customerRingSeconds: number
  /** Dial string of a customer's number through the trunk: {number} is replaced. */
  customerDialString: string
  attemptGuardMs: number
  recordingSettleMs: number
}

export interface OutboundCallDeps extends CallLegDeps {
  settings: OutboundCallSettings
}

/** What a click-to-call asks for, already checked and resolved. */
export interface OutboundRequest {
  operator: { operatorId: string; name: string; endpoint: string }
  /** The customer's number, E.164. */
  phone: string
  customer: CustomerFacts
  leadId: string | null
  source: string | null
  categoryId: string | null
  /** The shop's number the customer sees; empty = Asterisk's default for the trunk. */
  shopCallerId: string
  /** The tracking number the shop's number came from, when it came from one. */
  trackingDid: string | null
  /** Who asked (operator:<id> or token:<id>), for the log. */
  actor: string
}

type CallStatus = CallEnded['status']

export class OutboundCall {
  readonly callId: string
  private readonly log: Logger
  private readonly startedAt: number
  private readonly createdAtPerf = performance.now()
  private readonly recorder: CallRecorder
  private readonly operatorLeg: DialAttempt
  private customerLeg: DialAttempt | null = null
  private attemptId: string
  private operatorAnswered = false
  private operatorGaveUp = false
  private answeredAt: number | null = null
  private hangupBy: CallEnded['hangupBy'] = null
  private problem: string | null = null
  private endReason: string | null = null
  private bridgeId: string | null = null
  private readonly attemptLog: CallEnded['attempts'] = []

  constructor (private readonly deps: OutboundCallDeps, private readonly req: OutboundRequest) {
    this.callId = deps.newId('call')
    this.startedAt = deps.clock.now()
    this.attemptId = deps.newId('att')
    this.log = deps.log.child({ callId: this.callId, direction: 'outbound', operatorId: req.operator.operatorId })
    this.operatorLeg = new DialAttempt(deps.ari, {
      endpoint: req.operator.endpoint, callerId: this.operatorDisplay(), timeoutSeconds: deps.settings.operatorRingSeconds,
      appArgs: `dialed,${this.callId}`, guardMs: deps.settings.attemptGuardMs
    }, deps.clock)
    this.recorder = new CallRecorder({
      ari: deps.ari, repo: deps.repo, store: deps.store, log: this.log, clock: deps.clock,
      newId: () => deps.newId('rec'), settleMs: deps.settings.recordingSettleMs, snoopWaitMs: 5000, recording: deps.recording
    }, this.callId)
  }

  get bridge (): string | null { return this.bridgeId }
  /** The operator talking with the customer and their channel; null before the customer answers and once either left. */
  get talking (): { operatorId: string; channelId: string } | null {
    return this.answeredAt === null || this.operatorLeg.isGone || this.customerLeg === null || this.customerLeg.isGone ? null : { operatorId: this.req.operator.operatorId, channelId: this.operatorLeg.channelId }
  }

  owns (channelId: string): boolean {
    const base = partyChannelOf(channelId)
    return base === this.operatorLeg.channelId || base === this.customerLeg?.channelId
  }

  async run (): Promise<CallEnded> {
    let status: CallStatus = 'failed'
    try {
      this.writeCall()
      if (await this.ringOperator()) {
        const customer = await this.dialCustomer()
        if (customer) await this.talk(customer)
      }
      // Abandoned: the operator gave up while the customer's phone rang; missed: nobody picked up.
      status = this.problem ? 'failed' : this.answeredAt !== null ? 'answered' : this.operatorGaveUp ? 'abandoned' : 'missed'
    } catch (err) {
      this.problem = (err as Error).message
      this.log.error({ err }, 'outbound call failed')
      status = 'failed'
    } finally {
      await this.releaseEverything()
    }
    return await this.finish(status)
  }

  /** What the operator's phone shows: whom they are about to call. */
  private operatorDisplay (): string {
    return sipCallerId(this.req.customer.name, this.req.phone)
  }

  private writeCall (): void {
    const r = this.req
    this.deps.repo.insertCall({
      callId: this.callId, direction: 'outbound', status: 'ringing', channelId: this.operatorLeg.channelId,
      callerRaw: r.operator.endpoint, callerPhone: null, callerName: r.operator.name,
      customerId: r.customer.customerId, did: r.phone, trackingDid: r.trackingDid,
      source: r.source, categoryId: r.categoryId, plan: null, startedAt: this.startedAt, warnings: null,
      leadId: r.leadId, dialledPhone: r.phone, placedBy: 'api'
    })
    this.deps.bus.emit('call.started', {
      callId: this.callId, callerPhone: null, did: r.phone, source: r.source, categoryId: r.categoryId, startedAt: this.startedAt
    })
    this.log.info({ phone: r.phone, customerId: r.customer.customerId, leadId: r.leadId, shopCallerId: r.shopCallerId, actor: r.actor }, 'outbound call started')
  }

  /** The operator's own phone first: nobody is dialled unless they pick up. */
  private async ringOperator (): Promise<boolean> {
    const op = this.req.operator
    this.deps.repo.insertAttempt({
      attemptId: this.attemptId, callId: this.callId, stepIndex: 0, stepKind: 'operator', operatorId: op.operatorId,
      endpoint: op.endpoint, channelId: this.operatorLeg.channelId, startedAt: this.deps.clock.now(), result: 'ringing'
    })
    this.deps.board.legRinging(op.operatorId)
    this.deps.bus.emit('call.offered', { callId: this.callId, operatorId: op.operatorId, customerId: this.req.customer.customerId, direction: 'outbound' })
    void this.operatorLeg.start()
    const outcome = await this.operatorLeg.outcome
    this.recordOperatorAttempt(outcome)
    if (outcome.result !== 'answered') {
      this.endReason = `operator did not answer (${outcome.result}${outcome.causeText ? `: ${outcome.causeText}` : ''}); the customer was not dialled`
      this.log.info({ result: outcome.result, cause: outcome.cause }, 'operator did not answer: customer not dialled')
      return false
    }
    this.operatorAnswered = true
    this.deps.board.talkStarted(op.operatorId)
    this.deps.repo.updateCall(this.callId, { status: 'talking' })
    this.log.info('operator answered, dialling the customer')
    return true
  }

  private recordOperatorAttempt (o: AttemptOutcome): void {
    const now = this.deps.clock.now()
    this.deps.board.legStoppedRinging(this.req.operator.operatorId)
    this.deps.repo.updateAttempt(this.attemptId, {
      result: o.result, cause: o.cause, causeText: o.causeText || null, endedAt: now, ringMs: now - this.startedAt,
      ...(o.result === 'answered' ? { answeredAt: now } : {})
    })
    this.attemptLog.push({ operatorId: this.req.operator.operatorId, result: o.result })
  }

  /** Dials the customer while the operator hears ringing; null when the customer is not reached. */
  private async dialCustomer (): Promise<DialAttempt | null> {
    const s = this.deps.settings
    const leg = new DialAttempt(this.deps.ari, {
      endpoint: s.customerDialString.replace('{number}', this.req.phone), callerId: this.req.shopCallerId || this.req.phone,
      timeoutSeconds: s.customerRingSeconds, appArgs: `customer,${this.callId}`, guardMs: s.attemptGuardMs
    }, this.deps.clock)
    this.customerLeg = leg
    // Ringback for the operator; without it they hear silence, which is no reason to stop.
    void this.deps.ari.ring(this.operatorLeg.channelId).catch((err: Error) => { this.log.debug({ err: err.message }, 'no ringback for the operator') })
    void leg.start()
    const got = await Promise.race([leg.outcome, this.operatorLeg.ended.then(() => null)])
    if (got === null) {
      this.hangupBy = 'operator'
      this.operatorGaveUp = true
      this.endReason = 'operator hung up before the customer answered'
      await leg.cancel()
      this.log.info('operator hung up while the customer was ringing')
      return null
    }
    if (got.result !== 'answered') {
      this.endReason = `customer did not answer (${got.result}${got.causeText ? `: ${got.causeText}` : ''})`
      this.log.info({ result: got.result, cause: got.cause }, 'customer did not answer')
      return null
    }
    return leg
  }

  private async talk (customer: DialAttempt): Promise<void> {
    const operatorId = this.req.operator.operatorId
    this.answeredAt = this.deps.clock.now()
    this.deps.repo.updateCall(this.callId, { answeredBy: operatorId, answeredAt: this.answeredAt, ringMs: this.answeredAt - this.startedAt })
    this.bridgeId = callBridgeOf(this.callId)
    try {
      await this.deps.ari.createBridge(this.bridgeId)
      await this.deps.ari.addToBridge(this.bridgeId, [this.operatorLeg.channelId, customer.channelId])
    } catch (err) {
      // One side hung up between the answer and the bridge.
      if (err instanceof AsteriskCommandFailed && err.isNotFound) {
        this.hangupBy = this.operatorLeg.isGone ? 'operator' : 'caller'
        return
      }
      throw err
    }
    this.log.info({ bridgeId: this.bridgeId }, 'talking')
    // The customer's track is the "caller" track, as on inbound calls.
    await this.recorder.recordCall(this.bridgeId, customer.channelId, this.operatorLeg.channelId)
    const live = startLiveAlerts(this.deps.live, this.callId, customer.channelId, this.operatorLeg.channelId, this.log)
    const first = await Promise.race([this.operatorLeg.ended.then(() => 'operator' as const), customer.ended.then(() => 'caller' as const)])
    this.hangupBy = first
    await (await live)?.stop()
  }

  private async releaseEverything (): Promise<void> {
    const legs = [this.operatorLeg, this.customerLeg].filter((l): l is DialAttempt => l !== null)
    if (this.hangupBy === null && legs.some((l) => !l.isGone)) this.hangupBy = 'system'
    await Promise.all(legs.map((l) => l.hangup())) // never rejects: a failed hang-up is logged and counted there
    await this.recorder.hangupSnoops()
    if (this.bridgeId) await this.deps.ari.destroyBridge(this.bridgeId).catch(ignoreChannelGone(this.log, 'call bridge destroy', { bridgeId: this.bridgeId }))
    for (const l of legs) l.dispose()
  }

  private async finish (status: CallStatus): Promise<CallEnded> {
    const endedAt = this.deps.clock.now()
    const talkMs = this.answeredAt === null ? 0 : endedAt - this.answeredAt
    const r = this.req
    const answeredBy = this.answeredAt === null ? null : r.operator.operatorId
    // Today's answered calls count only calls the customer picked up, as the stored stats do.
    if (this.operatorAnswered) this.deps.board.talkEnded(r.operator.operatorId, talkMs, answeredBy !== null)
    const ringMs = (this.answeredAt ?? endedAt) - this.startedAt
    this.deps.repo.transaction(() => {
      this.deps.repo.updateCall(this.callId, {
        status, endedAt, talkMs, ringMs, hangupBy: this.hangupBy, endReason: this.problem ?? this.endReason
      })
      this.deps.repo.rememberCustomerCall(r.customer.customerId, answeredBy, endedAt)
    })
    this.log.info({ status, talkMs, hangupBy: this.hangupBy, endReason: this.problem ?? this.endReason }, 'outbound call ended')
    const recordings = this.answeredAt !== null ? await this.recorder.settle() : []
    const event: CallEnded = {
      callId: this.callId, direction: 'outbound', status, callerPhone: null, callerRaw: r.operator.endpoint,
      customerId: r.customer.customerId, did: r.phone, source: r.source, categoryId: r.categoryId, answeredBy,
      attempts: this.attemptLog, startedAt: this.startedAt, answeredAt: this.answeredAt, endedAt, ringMs, talkMs,
      hangupBy: this.hangupBy, recordings, leadId: r.leadId, dialledPhone: r.phone,
      menuPath: [], waitMs: null, endReason: this.problem ?? this.endReason
    }
    this.deps.bus.emit('call.ended', event)
    return event
  }

  /** Ends the call from ringlead's side (shutdown): both legs are hung up. */
  async hangup (): Promise<void> {
    await Promise.all([this.operatorLeg.hangup(), this.customerLeg?.hangup()])
  }

  /** After a WebSocket outage: legs Asterisk no longer lists are settled as gone. */
  reconcile (liveChannelIds: ReadonlySet<string>, listedAtPerf: number): void {
    if (this.createdAtPerf >= listedAtPerf) return
    for (const leg of [this.operatorLeg, this.customerLeg]) {
      if (leg && !leg.isGone && leg.createdAtPerf < listedAtPerf && !liveChannelIds.has(leg.channelId)) {
        this.log.warn({ channelId: leg.channelId }, 'leg gone while events were not received')
        leg.vanished()
      }
    }
  }
}
