// One inbound call, from StasisStart to call.ended. run() reads as the call.
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import type { AriLink, InboundChannel, LegEvent } from '../asterisk/ari-link.js'
import { AsteriskCommandFailed } from '../asterisk/errors.js'
import type { Bus } from '../bus.js'
import type { CallsRepo, CustomerFacts, TrackingNumberFacts, VisitFacts } from '../db/calls-repo.js'
import { sipCallerId } from '../domain/caller-id.js'
import type { CallEnded } from '../domain/call-events.js'
import { normalisePhone } from '../domain/phone.js'
import { plan, mergePolicy, type PlanStep, type RoutingPlan, type RoutingPolicy } from '../domain/routing.js'
import { answerMenu, enterMenu, validDigits, type Menu, type MenuAction, type MenuStep } from '../domain/ivr.js'
import { expectedWaitMinutes, shouldWait, type WaitingCall } from '../domain/wait-queue.js'
import { PhoneMenu } from '../asterisk/phone-menu.js'
import type { CallQueue } from './call-queue.js'
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
  menus?: MenuSource
  /** Callers wait here when nobody is free; without it they are not kept. */
  queue?: CallQueue
  /** Working hours: menus have after-hours variants. Always working when not given. */
  isWorkingTime?: (ms: number) => boolean
}

type QueueOutcome = 'connected' | 'abandoned' | 'callback_key' | 'callback_timeout' | 'nobody_left'

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
  /** The site visit this pool number was handed to, when the call came within its hold time. */
  private visit: VisitFacts | null = null
  private callerPhone: string | null = null
  private answered: Answered | null = null
  private answeredAt: number | null = null
  private hangupBy: CallEnded['hangupBy'] = null
  private readonly warnings: string[] = []
  private readonly attemptLog: CallEnded['attempts'] = []
  private problem: string | null = null
  private handingOver = false
  private ringback: Promise<void> = Promise.resolve()
  /** The caller's channel is answered (menu, waiting, or picked up again after a restart). */
  private callerAnswered = false
  private mohOn = false
  private menuPath: string[] = []
  private menuEntered = false
  /** What the voice menu chose; null without a menu. */
  private menuChoice: Exclude<MenuAction, { kind: 'menu' }> | null = null
  private categoryId: string | null = null
  private policy: RoutingPolicy | null = null
  private queuedAt: number | null = null
  private queueOutcome: QueueOutcome | null = null
  private callbackWhy: string | null = null
  private resumedFrom: string | null = null
  private stepCount = 0

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
      this.resumeAfterRestart()
      const menuId = this.resumedFrom === null ? this.menuOf() : null
      if (menuId === null) {
        // Ringback goes out while we plan and dial: no need to wait for Asterisk's answer first.
        if (!this.callerAnswered) this.ringback = this.ringCaller()
        else await this.startMusic()
      } else {
        this.writeCall(null, 'menu')
        await this.walkMenu(menuId)
      }
      if (this.menuChoice?.kind === 'callback') {
        this.callbackWhy = 'the caller chose a callback in the voice menu'
      } else if (!this.callerGone && !this.broken) {
        const route = this.planRoute()
        if (menuId === null) this.writeCall(route, 'ringing')
        else this.deps.repo.updateCall(this.callId, { status: 'ringing', plan: JSON.stringify(route), categoryId: this.categoryId, menuPath: JSON.stringify(this.menuPath) })
        let operator: Answered | null = null
        for (const step of route.steps) {
          if (this.callerGone || this.broken) break
          operator = await this.ringStep(step, this.stepCount++)
          if (operator) break
        }
        if (!operator && !this.callerGone && !this.broken) operator = await this.waitForOperator(route)
        if (operator) await this.talk(operator)
      }
      if (this.callbackWhy !== null && !this.callerGone) await this.sayToCaller(['sound:ringlead/callback-taken'])
      status = this.broken
        ? 'failed'
        : this.answered ? 'answered' : this.callbackWhy !== null ? 'callback' : this.callerGone ? 'abandoned' : 'missed'
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

  /** A caller Asterisk still held when ringlead restarted: continue their call, not a new one. */
  private resumeAfterRestart (): void {
    if (this.caller.state !== 'Up') return
    this.callerAnswered = true
    const previous = this.deps.repo.lastCallOfChannel(this.caller.channelId)
    if (!previous) return
    this.resumedFrom = previous.callId
    this.categoryId = previous.categoryId
    this.queuedAt = previous.queuedAt
    try { this.menuPath = previous.menuPath ? JSON.parse(previous.menuPath) as string[] : [] } catch { this.menuPath = [] }
    this.log.warn({ resumedFrom: previous.callId, queuedAt: previous.queuedAt }, 'caller picked up again after a restart')
  }

  /** The menu callers on this number hear, if any. */
  private menuOf (): string | null {
    const menus = this.deps.menus
    if (!menus) return null
    const own = this.tracking?.menuId ?? null
    const id = own ?? menus.defaultMenuId()
    if (id !== null && !menus.all().has(id)) {
      this.warnings.push(`menu ${id} not found: no menu`)
      return null
    }
    return id
  }

  /** Plays the menu and follows the caller's keys until it leads somewhere. */
  private async walkMenu (menuId: string): Promise<void> {
    const menus = this.deps.menus!.all()
    const working = this.deps.isWorkingTime?.(this.deps.now()) ?? true
    this.menuEntered = true
    if (!await this.answerCaller()) return
    const keys = new PhoneMenu(this.deps.ari, this.caller.channelId, this.deps.settings.promptLang, this.log)
    try {
      let step: MenuStep = enterMenu(menus, menuId, working)
      while (step.kind === 'ask') {
        const invalid = step.walk.path.at(-1)?.endsWith(':invalid') === true
        const media = invalid ? ['sound:ringlead/invalid-key', ...step.media] : step.media
        const key = await keys.ask(media, validDigits, step.timeoutSeconds * 1000)
        if (this.callerGone || this.broken) {
          this.menuPath = step.walk.path
          return
        }
        step = answerMenu(menus, step.walk, key === null ? { kind: 'timeout' } : { kind: 'key', digit: key }, working)
      }
      this.menuPath = step.path
      this.log.info({ path: step.path, action: step.action, reason: step.reason }, 'voice menu done')
      this.menuChoice = step.action
      if (step.action.kind === 'callback' && !this.callerPhone) {
        // Nobody could call back a hidden number: route the call instead.
        this.warnings.push('callback chosen in the menu, but the caller\'s number is unknown: routed instead')
        this.menuChoice = { kind: 'route' }
      }
      if (step.action.kind === 'category') this.categoryId = step.action.categoryId
    } finally {
      keys.dispose()
    }
  }

  /** Answers the caller's channel once; false when they are gone. */
  private async answerCaller (): Promise<boolean> {
    if (this.callerAnswered) return true
    try {
      await this.ringback
      await this.deps.ari.answer(this.caller.channelId)
      this.callerAnswered = true
      return true
    } catch (err) {
      if (err instanceof AsteriskCommandFailed && err.isNotFound) {
        this.markCallerGone()
        return false
      }
      throw err
    }
  }

  private async startMusic (): Promise<void> {
    if (this.mohOn || this.callerGone) return
    try {
      await this.deps.ari.startMoh(this.caller.channelId, this.deps.settings.queue.mohClass)
      this.mohOn = true
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'music on hold not started')
    }
  }

  private async stopMusic (): Promise<void> {
    if (!this.mohOn) return
    this.mohOn = false
    await this.deps.ari.stopMoh(this.caller.channelId).catch(() => undefined)
  }

  /** A prompt to the caller over the music, which resumes after it when it was on. */
  private async sayToCaller (media: string[]): Promise<void> {
    if (this.callerGone) return
    const music = this.mohOn
    await this.stopMusic()
    const voice = new PhoneMenu(this.deps.ari, this.caller.channelId, this.deps.settings.promptLang, this.log)
    try { await voice.say(media) } finally { voice.dispose() }
    if (music) await this.startMusic()
  }

  /**
   * Nobody free took the call: when someone who could is busy, the caller waits (music, position,
   * a callback key) and the first such operator to become free is rung. Returns who answered.
   */
  private async waitForOperator (route: RoutingPlan): Promise<Answered | null> {
    const queue = this.deps.queue
    const q = this.deps.settings.queue
    if (!queue || !q.enabled) return null
    const now = this.deps.now()
    const waiting: WaitingCall = {
      callId: this.callId, arrivedAtMs: this.queuedAt ?? now, returning: this.customer?.lastCallAt != null,
      categoryId: this.categoryId, stickyOperatorId: this.customer?.lastOperatorId ?? null,
      onlyOperatorIds: null, triedOperatorIds: new Set()
    }
    const policy = this.policy!
    const verdict = shouldWait(waiting, this.deps.board.snapshot(now), policy)
    this.log.info({ wait: verdict.wait, reason: verdict.reason }, verdict.wait ? 'caller waits for an operator' : 'caller not kept waiting')
    route.reasons.push(verdict.wait ? `waiting: ${verdict.reason}` : `not waiting: ${verdict.reason}`)
    if (!verdict.wait) {
      this.deps.repo.updateCall(this.callId, { plan: JSON.stringify(route) })
      return null
    }
    if (!await this.answerCaller()) return null
    this.queuedAt = waiting.arrivedAtMs
    this.deps.repo.updateCall(this.callId, { status: 'waiting', queuedAt: this.queuedAt, plan: JSON.stringify(route) })
    queue.join(waiting, policy, this.callerPhone)
    const keys = new PhoneMenu(this.deps.ari, this.caller.channelId, this.deps.settings.promptLang, this.log)
    const callbackKey = q.callbackKey !== '' && this.callerPhone ? q.callbackKey : ''
    // A hang-up also ends nextKey (with null): that is the caller leaving, which `gone` reports.
    const pressed = callbackKey ? keys.nextKey(callbackKey).then((k) => k === null ? new Promise<never>(() => {}) : { kind: 'key' as const, k }) : new Promise<never>(() => {})
    const gone = this.stopSignal.then(() => ({ kind: 'gone' as const }))
    const waitStarted = performance.now() - (now - this.queuedAt)
    let offer: Promise<{ kind: 'offer'; operator: Answered | null; operatorId: string }> | null = null
    let nextAnnouncement = performance.now()
    let outcome: QueueOutcome = 'abandoned'
    let winner: Answered | null = null
    try {
      await this.startMusic()
      for (;;) {
        if (!offer) {
          offer = new Promise((resolve) => {
            queue.ready(this.callId, (op) => {
              const step: PlanStep = { kind: 'queue', targets: [{ operatorId: op.operatorId, endpoint: op.endpoint }], ringTimeoutSeconds: policy.ringTimeoutSeconds, reasons: [`${op.operatorId}: free again, first waiting caller they can take`] }
              route.steps.push(step)
              this.deps.repo.updateCall(this.callId, { plan: JSON.stringify(route) })
              void this.ringStep(step, this.stepCount++).then((operator) => { resolve({ kind: 'offer', operator, operatorId: op.operatorId }) })
            })
          })
        }
        const elapsed = performance.now() - waitStarted
        const tick = Math.max(0, Math.min(q.maxWaitMs - elapsed, nextAnnouncement - performance.now()))
        let timer: NodeJS.Timeout | undefined
        const timeout = new Promise<{ kind: 'tick' }>((resolve) => { timer = setTimeout(() => { resolve({ kind: 'tick' }) }, tick) })
        const event = await Promise.race([offer, pressed, gone, timeout])
        clearTimeout(timer)
        if (event.kind === 'gone') break
        if (event.kind === 'offer') {
          if (event.operator) { winner = event.operator; outcome = 'connected'; break }
          queue.notAnswered(this.callId, event.operatorId)
          offer = null
          continue
        }
        if (event.kind === 'key' || performance.now() - waitStarted >= q.maxWaitMs) {
          // An operator already ringing for this caller gets the chance to answer first.
          if (queue.ringingFor(this.callId) !== null && offer) {
            const last = await Promise.race([offer, gone])
            if (last.kind === 'offer' && last.operator) { winner = last.operator; outcome = 'connected'; break }
            if (last.kind === 'gone') break
          }
          const byKey = event.kind === 'key'
          if (this.callerPhone) {
            outcome = byKey ? 'callback_key' : 'callback_timeout'
            this.callbackWhy = byKey ? `the caller pressed ${callbackKey} for a callback while waiting` : `no operator within ${Math.round(q.maxWaitMs / 1000)} s of waiting: callback offered`
          } else {
            outcome = 'nobody_left'
          }
          break
        }
        if (performance.now() >= nextAnnouncement && queue.ringingFor(this.callId) === null) {
          // An operator who answers or the callback key meanwhile must not wait for the announcement's end.
          const announced = this.announcePosition(queue, callbackKey)
          const cutShort = await Promise.race([announced.then(() => false), offer.then((o) => o.operator !== null), pressed.then(() => true)])
          if (cutShort) await this.deps.ari.stopPlaybacks(this.caller.channelId)
          await announced
          nextAnnouncement = performance.now() + q.announceEveryMs
        }
      }
    } finally {
      queue.leave(this.callId)
      keys.dispose()
      if (outcome === 'abandoned' && !this.callerGone) outcome = this.broken ? 'nobody_left' : outcome
      this.queueOutcome = outcome
      const waitMs = this.deps.now() - this.queuedAt
      this.deps.repo.updateCall(this.callId, { waitMs, queueOutcome: outcome })
      this.log.info({ outcome, waitMs }, 'wait over')
    }
    return winner
  }

  /** "You are number N in the queue; about M minutes" (and the callback key). */
  private async announcePosition (queue: CallQueue, callbackKey: string): Promise<void> {
    const position = queue.position(this.callId)
    if (position === 0) return
    const handle = this.deps.repo.averageTalkMs(this.deps.now() - 86_400_000) ?? this.deps.settings.queue.defaultHandleMs
    const minutes = expectedWaitMinutes(position, handle, queue.servingCount(this.callId))
    await this.sayToCaller([
      'sound:ringlead/queue-position', `number:${position}`, 'sound:ringlead/queue-wait-minutes', `number:${minutes}`,
      ...(callbackKey === '1' ? ['sound:ringlead/queue-press-1'] : [])
    ])
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

  /** The visit's source wins over the number's: a pool number is shared by one source anyway, but the visit is what was seen. */
  private get source (): string | null { return this.visit?.source ?? this.tracking?.source ?? null }

  /** Caller id → E.164 and customer; DID → tracking number; then the call row. */
  private identifyCaller (): void {
    const phone = normalisePhone(this.caller.callerNumber, this.deps.settings.defaultRegion)
    this.callerPhone = phone.e164
    if (phone.problem) this.warnings.push(`caller id "${phone.raw}": ${phone.problem}`)
    this.tracking = this.deps.repo.trackingNumber(this.caller.did)
    this.categoryId = this.tracking?.categoryId ?? null
    if (!this.tracking) {
      this.warnings.push(`unknown DID "${this.caller.did}": default routing policy`)
      this.log.warn({ did: this.caller.did }, 'unknown DID, default policy')
    }
    this.visit = this.tracking ? this.deps.repo.visitFor(this.tracking.did, this.startedAt) : null
    if (this.callerPhone) this.customer = this.deps.repo.ensureCustomer(this.callerPhone, this.deps.newId('cus'), this.startedAt, this.caller.callerName.trim() || null)
    this.log.info({ callerPhone: this.callerPhone, did: this.caller.did, customerId: this.customer?.customerId, categoryId: this.tracking?.categoryId, visitId: this.visit?.visitId }, 'call started')
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

  /** The call row, with the plan it will follow (none yet while in a menu), and call.started. */
  private writeCall (route: RoutingPlan | null, status: 'menu' | 'ringing'): void {
    this.deps.repo.insertCall({
      callId: this.callId, direction: 'inbound', status, channelId: this.caller.channelId,
      callerRaw: this.caller.callerNumber, callerPhone: this.callerPhone, callerName: this.caller.callerName || this.customer?.name || null,
      customerId: this.customer?.customerId ?? null, did: this.caller.did, trackingDid: this.tracking?.did ?? null,
      source: this.source, categoryId: this.categoryId,
      visitId: this.visit?.visitId ?? null, campaign: this.visit?.campaign ?? null, utm: this.visit ? JSON.stringify(this.visit.utm) : null,
      plan: route ? JSON.stringify(route) : null, startedAt: this.startedAt, warnings: this.warnings.length ? JSON.stringify(this.warnings) : null,
      menuPath: this.menuPath.length ? JSON.stringify(this.menuPath) : null, queuedAt: this.queuedAt, resumedFrom: this.resumedFrom
    })
    this.deps.bus.emit('call.started', {
      callId: this.callId, callerPhone: this.callerPhone, did: this.caller.did,
      source: this.source, categoryId: this.categoryId, startedAt: this.startedAt
    })
  }

  /** The routing plan: the number's (or the menu's) category and policy; a chosen operator or group first. */
  private planRoute (): RoutingPlan {
    const choice = this.menuChoice
    const menuCategory = choice?.kind === 'category' ? choice.categoryId : null
    const categoryPolicy = menuCategory !== null && menuCategory !== this.tracking?.categoryId
      ? this.deps.repo.categoryPolicy(menuCategory)
      : this.tracking?.categoryPolicy
    const policy = mergePolicy(this.deps.settings.basePolicy, categoryPolicy, this.tracking?.numberPolicy)
    this.policy = policy
    const now = this.deps.now()
    const operators = this.deps.board.snapshot(now)
    const route = plan({
      categoryId: this.categoryId,
      stickyOperatorId: this.customer?.lastOperatorId ?? null,
      lastCallAtMs: this.customer?.lastCallAt ?? null
    }, operators, policy, now)
    if (choice?.kind === 'operator' || choice?.kind === 'group') {
      const wanted = choice.kind === 'operator' ? [choice.operatorId] : choice.operatorIds
      const free = operators.filter((o) => wanted.includes(o.operatorId) && o.state === 'available')
      if (free.length > 0) {
        const chosen = new Set(free.map((o) => o.operatorId))
        for (const step of route.steps) step.targets = step.targets.filter((t) => !chosen.has(t.operatorId))
        route.steps = route.steps.filter((step) => step.targets.length > 0)
        route.steps.unshift({
          kind: 'menu', targets: free.map((o) => ({ operatorId: o.operatorId, endpoint: o.endpoint })), ringTimeoutSeconds: policy.ringTimeoutSeconds,
          reasons: [`chosen in the voice menu: ${wanted.join('+')}`]
        })
      } else {
        route.reasons.unshift(`chosen in the voice menu: ${wanted.join('+')}, but none of them is free: the usual plan`)
      }
    }
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
    const label = [name, history, this.categoryId].filter(Boolean).join(' · ')
    return sipCallerId(label, number, 60)
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
      await this.stopMusic()
      if (!this.callerAnswered) {
        await this.ringback
        await this.deps.ari.answer(this.caller.channelId)
        this.callerAnswered = true
      }
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
      hangups.push(this.deps.ari.hangup(this.caller.channelId, this.answered || this.callerAnswered ? undefined : 'no_answer').catch(() => false))
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
        endReason: this.problem ?? this.endReason(status)
      })
      if (this.customer) this.deps.repo.rememberCustomerCall(this.customer.customerId, operatorId, endedAt)
    })
    this.log.info({ status, talkMs, hangupBy: this.hangupBy }, 'call ended')
    const recordings = this.answered ? await this.recorder.settle() : []
    const event: CallEnded = {
      callId: this.callId, direction: 'inbound', status, callerPhone: this.callerPhone, callerRaw: this.caller.callerNumber,
      customerId: this.customer?.customerId ?? null, did: this.caller.did, source: this.source,
      categoryId: this.categoryId, campaign: this.visit?.campaign ?? null, utm: this.visit?.utm ?? null,
      answeredBy: operatorId, attempts: this.attemptLog,
      startedAt: this.startedAt, answeredAt: this.answeredAt, endedAt, ringMs: (this.answeredAt ?? endedAt) - this.startedAt,
      talkMs, hangupBy: this.hangupBy, recordings, menuPath: this.menuPath,
      waitMs: this.queuedAt === null ? null : (this.answeredAt ?? endedAt) - this.queuedAt, endReason: this.problem ?? this.endReason(status)
    }
    this.deps.bus.emit('call.ended', event)
    return event
  }

  private endReason (status: CallStatus): string | null {
    switch (status) {
      case 'missed': return this.queueOutcome === 'nobody_left' ? 'nobody answered while the caller waited' : 'nobody answered'
      case 'abandoned':
        if (this.queueOutcome === 'abandoned') return 'caller hung up while waiting for an operator'
        return this.menuEntered && this.menuChoice === null ? 'caller hung up in the voice menu' : 'caller hung up while ringing'
      case 'callback': return this.callbackWhy
      default: return null
    }
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
