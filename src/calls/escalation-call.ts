// The SLA ladder's phone call: rings a person about an overdue lead, reads them its summary, takes
// their key and, on 1, dials the customer and bridges the two. Returns how it went; the lead's
// side (who, what follows) stays with the ladder.
import type { Logger } from 'pino'
import type { AriLink } from '../asterisk/ari-link.js'
import { PhoneMenu } from '../asterisk/phone-menu.js'
import type { Clock } from '../clock.js'
import { sipCallerId } from '../domain/caller-id.js'
import type { EscalationCallRequest, EscalationCallResult, EscalationLine } from '../domain/escalation-callee.js'
import { ignoreChannelGone } from '../asterisk/expected-errors.js'
import { DialAttempt } from './dial-attempt.js'
import type { OperatorBoard } from './operator-board.js'

export interface EscalationCallSettings {
  ringTimeoutSeconds: number
  keyTimeoutMs: number
  guardMs: number
  /** Dial string of a customer's number through the trunk: {number} is replaced. */
  customerDialString: string
  outboundCallerId: string
  lang: string
}

export interface EscalationCallDeps {
  ari: AriLink
  board: OperatorBoard
  clock: Clock
  log: Logger
  settings: EscalationCallSettings
}

export class EscalationCalls implements EscalationLine {
  /** The legs of each call under way: squaring with Asterisk must not take them for strays. */
  private readonly legs = new Set<Set<string>>()

  constructor (private readonly deps: EscalationCallDeps) {}

  /** Whether the channel is a leg of an escalation call under way. */
  owns (channelId: string): boolean {
    for (const mine of this.legs) if (mine.has(channelId)) return true
    return false
  }

  /** Rings the person, plays the lead's summary and acts on their key. */
  async call (req: EscalationCallRequest): Promise<EscalationCallResult> {
    const mine = new Set<string>()
    this.legs.add(mine)
    try {
      return await this.place(req, mine)
    } finally {
      this.legs.delete(mine)
    }
  }

  private async place (req: EscalationCallRequest, mine: Set<string>): Promise<EscalationCallResult> {
    const { ari, board, clock, settings: s } = this.deps
    const log = this.deps.log.child({ part: 'escalation', leadId: req.leadId, escalationId: req.escalationId, operatorId: req.operatorId })
    const number = req.customerNumber
    const leg = new DialAttempt(ari, {
      endpoint: req.dialString, callerId: sipCallerId(`Lead ${req.leadName ?? ''}`, number || 'ringlead'),
      timeoutSeconds: s.ringTimeoutSeconds, appArgs: `escalation,${req.escalationId}`, guardMs: s.guardMs
    }, clock)
    mine.add(leg.channelId)
    board.legRinging(req.operatorId)
    void leg.start()
    const answered = await leg.outcome
    board.legStoppedRinging(req.operatorId)
    leg.dispose()
    if (answered.result !== 'answered') return { outcome: 'no_answer', detail: { result: answered.result, cause: answered.cause } }
    const menu = new PhoneMenu(ari, leg.channelId, s.lang, log, leg.takeKeys())
    board.talkStarted(req.operatorId)
    const startedAt = clock.now()
    try {
      const overdueMinutes = Math.max(0, Math.round((clock.now() - (req.deadlineAt ?? clock.now())) / 60_000))
      const prompt = [
        'sound:ringlead/lead-waiting', `number:${overdueMinutes}`,
        ...(number ? ['sound:ringlead/lead-from-number', `digits:${number}`] : []),
        ...(number ? ['sound:ringlead/press-1-to-call'] : []),
        ...(req.canReassign ? ['sound:ringlead/press-2-reassign'] : [])
      ]
      const key = await menu.ask(prompt, req.canReassign ? '12' : '1', s.keyTimeoutMs)
      if (key === null) return { outcome: menu.gone ? 'no_answer' : 'no_key', detail: {} }
      if (key === '2') {
        const given = req.reassign()
        if ('problem' in given) return { outcome: 'no_key', detail: { problem: given.problem } }
        await menu.say(['sound:ringlead/reassigned'])
        return { outcome: 'reassigned', detail: { newOwnerId: given.newOwnerId } }
      }
      if (!number) return { outcome: 'no_key', detail: { problem: 'the lead has no phone number' } }
      await menu.say(['sound:ringlead/connecting'])
      return await this.connectToCustomer(req, menu, log, mine)
    } finally {
      board.talkEnded(req.operatorId, clock.now() - startedAt)
      await menu.hangup()
    }
  }

  private async connectToCustomer (req: EscalationCallRequest, menu: PhoneMenu, log: Logger, mine: Set<string>): Promise<EscalationCallResult> {
    const { ari, clock, settings: s } = this.deps
    const number = req.customerNumber
    const customer = new DialAttempt(ari, {
      endpoint: s.customerDialString.replace('{number}', number), callerId: s.outboundCallerId || number,
      timeoutSeconds: s.ringTimeoutSeconds * 2, appArgs: `customer,${req.escalationId}`, guardMs: s.guardMs
    }, clock)
    mine.add(customer.channelId)
    void customer.start()
    const got = await Promise.race([customer.outcome, menu.ended.then(() => null)])
    if (got === null || got.result !== 'answered') {
      await customer.cancel()
      customer.dispose()
      return { outcome: got === null ? 'no_answer' : 'failed', detail: { customer: got?.result ?? 'caller hung up first', cause: got?.cause ?? null } }
    }
    const bridgeId = `rl-esc-${req.escalationId}`
    try {
      await ari.createBridge(bridgeId)
      await ari.addToBridge(bridgeId, [menu.channelId, customer.channelId])
      req.connected()
      log.info('connected to the customer')
      await Promise.race([customer.ended, menu.ended])
      return { outcome: 'connected', detail: {} }
    } finally {
      await customer.hangup()
      customer.dispose()
      await ari.destroyBridge(bridgeId).catch(ignoreChannelGone(log, 'escalation bridge destroy'))
    }
  }
}
