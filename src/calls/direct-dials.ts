// Calls operators dial on their phones themselves (through the dialplan, not through ringlead),
// followed over AMI and written as outbound calls so that no call escapes the reports.
import type { Logger } from 'pino'
import type { AmiLink, DialBegin } from '../asterisk/ami-link.js'
import type { Bus } from '../bus.js'
import type { CallsRepo } from '../db/calls-repo.js'
import type { CallEnded } from '../domain/call-events.js'
import { normalisePhone } from '../domain/phone.js'
import { isOurs } from './leg-names.js'
import type { OperatorBoard } from './operator-board.js'

export interface DirectDialsDeps {
  ami: AmiLink
  board: OperatorBoard
  repo: CallsRepo
  bus: Bus
  log: Logger
  now: () => number
  newId: (prefix: string) => string
  defaultRegion: string
}

interface Open {
  callId: string
  operatorId: string
  endpoint: string
  uniqueid: string
  destUniqueid: string
  phone: string | null
  raw: string
  customerId: string | null
  startedAt: number
  answeredAt: number | null
  dialStatus: string
  hangupBy: CallEnded['hangupBy']
}

/** PJSIP/101-00000019 → PJSIP/101 (Asterisk names channels <endpoint>-<8 hex digits>). */
export function endpointOfChannel (channel: string): string {
  return channel.replace(/-[0-9a-f]{8}$/i, '')
}

/** The number a phone dialled: the extension it dialled, else the dial string's user part. */
function dialledNumber (begin: DialBegin): string {
  if (/^\+?\d{3,20}$/.test(begin.exten)) return begin.exten
  const fromDialString = /^(?:[A-Za-z]+\/)?(\+?\d{3,20})(?:@.*)?$/.exec(begin.dialString) ?? /\/(\+?\d{3,20})$/.exec(begin.dialString)
  return fromDialString?.[1] ?? begin.exten
}

const statusOf = (dialStatus: string): CallEnded['status'] => (dialStatus === 'ANSWER' ? 'answered' : dialStatus === 'CANCEL' ? 'abandoned' : 'missed')

export class DirectDials {
  /** Open calls by the Uniqueid of the operator's channel. */
  private readonly open = new Map<string, Open>()
  private readonly byDest = new Map<string, string>()
  private readonly log: Logger

  constructor (private readonly deps: DirectDialsDeps) {
    this.log = deps.log.child({ part: 'direct-dials' })
  }

  start (): void {
    const ami = this.deps.ami
    ami.on('dialBegin', (b) => { this.begin(b) })
    ami.on('dialEnd', (e) => { this.dialEnd(e.uniqueid, e.dialStatus) })
    ami.on('hangup', (h) => { this.hangup(h.uniqueid) })
    // AMI does not replay what happened while it was down: calls still open cannot be finished right.
    ami.on('disconnected', () => { this.closeAll('AMI connection lost during the call') })
  }

  get openCalls (): number { return this.open.size }

  private begin (b: DialBegin): void {
    // Originates (ringlead's and others') have no dialling channel; ringlead's own legs are rl-*.
    if (b.uniqueid === '' || isOurs(b.uniqueid) || isOurs(b.linkedid) || isOurs(b.destUniqueid)) return
    if (this.open.has(b.uniqueid)) return // forked Dial(): the first destination stands for the call
    const endpoint = endpointOfChannel(b.channel)
    const operatorId = this.deps.board.operatorIdOf(endpoint)
    if (operatorId === undefined) return
    // Operator to operator is an internal call, not a call to a customer.
    if (this.deps.board.operatorIdOf(endpointOfChannel(b.destChannel)) !== undefined) return
    const now = this.deps.now()
    const raw = dialledNumber(b)
    const phone = normalisePhone(raw, this.deps.defaultRegion).e164
    const customer = phone ? this.deps.repo.ensureCustomer(phone, this.deps.newId('cus'), now) : null
    const callId = this.deps.newId('call')
    const call: Open = {
      callId, operatorId, endpoint, uniqueid: b.uniqueid, destUniqueid: b.destUniqueid, phone, raw,
      customerId: customer?.customerId ?? null, startedAt: now, answeredAt: null, dialStatus: '', hangupBy: null
    }
    this.open.set(b.uniqueid, call)
    if (b.destUniqueid !== '') this.byDest.set(b.destUniqueid, b.uniqueid)
    this.deps.repo.transaction(() => {
      this.deps.repo.insertCall({
        callId, direction: 'outbound', status: 'ringing', channelId: b.uniqueid, callerRaw: endpoint, callerPhone: null,
        callerName: this.deps.board.record(operatorId)?.name ?? null, customerId: call.customerId, did: phone ?? raw,
        startedAt: now, dialledPhone: phone ?? raw, placedBy: 'phone',
        warnings: phone ? null : JSON.stringify([`dialled number "${raw}" is not a phone number`])
      })
      // The operator's own leg, off-hook from the start: it ties the call to them (their call list,
      // the story, the customer card) whether or not the customer answers.
      this.deps.repo.insertAttempt({
        attemptId: this.deps.newId('att'), callId, stepIndex: 0, stepKind: 'direct', operatorId, endpoint, channelId: b.uniqueid,
        startedAt: now, answeredAt: now, endedAt: now, ringMs: 0, result: 'answered'
      })
    })
    this.log.info({ callId, operatorId, phone: phone ?? raw, uniqueid: b.uniqueid }, 'operator dialled directly')
  }

  private dialEnd (uniqueid: string, dialStatus: string): void {
    const call = this.open.get(uniqueid)
    if (!call || call.dialStatus !== '') return
    call.dialStatus = dialStatus
    if (dialStatus !== 'ANSWER') return
    call.answeredAt = this.deps.now()
    this.deps.repo.updateCall(call.callId, { status: 'talking', answeredBy: call.operatorId, answeredAt: call.answeredAt, ringMs: call.answeredAt - call.startedAt })
    this.deps.board.talkStarted(call.operatorId)
  }

  private hangup (uniqueid: string): void {
    const viaDest = this.byDest.get(uniqueid)
    if (viaDest !== undefined) {
      // The customer's leg went first: they hung up (unless the operator's side already did).
      const call = this.open.get(viaDest)
      if (call && call.hangupBy === null) call.hangupBy = 'caller'
      this.byDest.delete(uniqueid)
      return
    }
    const call = this.open.get(uniqueid)
    if (!call) return
    if (call.hangupBy === null) call.hangupBy = 'operator'
    this.finish(call, statusOf(call.dialStatus), call.dialStatus === 'ANSWER' || call.dialStatus === '' ? null : `dial status ${call.dialStatus}`)
  }

  private finish (call: Open, status: CallEnded['status'], endReason: string | null): void {
    this.open.delete(call.uniqueid)
    this.byDest.delete(call.destUniqueid)
    const endedAt = this.deps.now()
    const talkMs = call.answeredAt === null ? 0 : endedAt - call.answeredAt
    const ringMs = (call.answeredAt ?? endedAt) - call.startedAt
    if (call.answeredAt !== null) this.deps.board.talkEnded(call.operatorId, talkMs)
    const answeredBy = call.answeredAt === null ? null : call.operatorId
    this.deps.repo.transaction(() => {
      this.deps.repo.updateCall(call.callId, { status, endedAt, talkMs, ringMs, hangupBy: call.hangupBy, endReason })
      if (call.customerId) this.deps.repo.rememberCustomerCall(call.customerId, answeredBy, endedAt)
    })
    this.log.info({ callId: call.callId, status, talkMs, dialStatus: call.dialStatus }, 'direct call ended')
    this.deps.bus.emit('call.ended', {
      callId: call.callId, direction: 'outbound', status, callerPhone: null, callerRaw: call.endpoint,
      customerId: call.customerId, did: call.phone ?? call.raw, source: null, categoryId: null, answeredBy,
      attempts: [{ operatorId: call.operatorId, result: 'answered' }],
      startedAt: call.startedAt, answeredAt: call.answeredAt, endedAt, ringMs, talkMs, hangupBy: call.hangupBy, recordings: [],
      leadId: null, dialledPhone: call.phone ?? call.raw, menuPath: [], waitMs: null, endReason
    })
  }

  private closeAll (reason: string): void {
    for (const call of [...this.open.values()]) {
      call.hangupBy = 'system'
      this.finish(call, 'interrupted', reason)
    }
  }
}
