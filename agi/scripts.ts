// The FastAGI scripts, for dialplans that cannot hand a call to Stasis: the caller's name and
// history on the phone display, the operator a plain Dial() should ring, the disposition menu and
// the pause feature codes. Each is `AGI(agi://<host>:<port>/<name>,args…)`.
import type { Logger } from 'pino'
import type { AgiChannel, AgiScript } from '../src/asterisk/fastagi.js'
import type { CallsRepo } from '../src/db/calls-repo.js'
import { pauseOperator, unpauseOperator, type CatalogContext } from '../src/catalog/catalog-service.js'
import type { Db } from '../src/db/open.js'
import { customerSummary, leadAwaitingDisposition, operatorByEndpoint } from '../src/db/pbx-repo.js'
import { sipDisplayName } from '../src/domain/caller-id.js'
import { normalisePhone } from '../src/domain/phone.js'
import { mergePolicy, plan, type OperatorSnapshot, type RoutingPolicy } from '../src/domain/routing.js'
import type { WorkingCalendar } from '../src/domain/sla-clock.js'
import { runDispositionMenu, type DispositionMenu } from '../src/leads/disposition-prompt.js'
import type { LeadService } from '../src/leads/lead-service.js'

export interface AgiDeps {
  db: Db
  repo: CallsRepo
  board: { snapshot (nowMs: number): readonly OperatorSnapshot[] }
  leads: LeadService
  catalog: CatalogContext
  log: Logger
  now: () => number
  routing: RoutingPolicy
  defaultRegion: string
  calendar: WorkingCalendar
  refusalReasons: readonly string[]
  timeoutMs: number
  /** The configured pause reasons; `<prefix><n>` on the phone pauses with the n-th (from 1). */
  pauseReasons?: readonly string[]
}

/** Names shown on a phone's display: no quotes, control or bidi characters, short. */
const displayText = (text: string): string => sipDisplayName(text, 60)

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`

/** PJSIP/101-0000001b → PJSIP/101 */
export function endpointOfChannel (channel: string): string {
  return channel.replace(/-[0-9a-f]+$/i, '')
}

/** sets CALLERID(name) to "Name · 3 orders · 5 calls" for a known customer. */
export function callerName (deps: AgiDeps): AgiScript {
  return async (ch) => {
    const raw = ch.request.args[0] || ch.request.env.callerid || ''
    const phone = normalisePhone(raw, deps.defaultRegion).e164
    const customer = phone === null ? null : customerSummary(deps.db, phone)
    if (customer === null) {
      await ch.setVariable('RINGLEAD_CUSTOMER', '')
      return
    }
    const name = displayText([customer.name ?? customer.phone, count(customer.orders, 'order'), count(customer.calls, 'call')].join(' · '))
    await ch.setVariable('CALLERID(name)', name)
    await ch.setVariable('RINGLEAD_CUSTOMER', customer.customerId)
    ch.log.info({ customerId: customer.customerId, name }, 'caller named')
  }
}

/**
 * The first step of the routing plan for this call as RINGLEAD_ROUTE (dial string, several joined
 * with &) and RINGLEAD_RING_SECONDS; empty when nobody can take it. Arguments: the DID (default
 * the extension), then an optional category.
 */
export function route (deps: AgiDeps): AgiScript {
  return async (ch) => {
    const did = ch.request.args[0] || ch.request.env.extension || ''
    const tracking = deps.repo.trackingNumber(did)
    const phone = normalisePhone(ch.request.env.callerid, deps.defaultRegion).e164
    const customer = phone === null ? null : deps.repo.customerByPhone(phone)
    const now = deps.now()
    const decided = plan({
      categoryId: ch.request.args[1] || tracking?.categoryId || null,
      stickyOperatorId: customer?.lastOperatorId ?? null,
      lastCallAtMs: customer?.lastCallAt ?? null
    }, deps.board.snapshot(now), mergePolicy(deps.routing, tracking?.categoryPolicy, tracking?.numberPolicy), now)
    const step = decided.steps[0]
    await ch.setVariable('RINGLEAD_ROUTE', step ? step.targets.map((t) => t.endpoint).join('&') : '')
    await ch.setVariable('RINGLEAD_RING_SECONDS', String(step?.ringTimeoutSeconds ?? deps.routing.ringTimeoutSeconds))
    ch.log.info({ did, step: step ? `${step.kind}:${step.targets.map((t) => t.operatorId).join('+')}` : null, reasons: decided.reasons }, 'route decided over AGI')
  }
}

/** The disposition menu over AGI: STREAM FILE for prompts, GET DATA and WAIT FOR DIGIT for keys. */
export class AgiMenu implements DispositionMenu {
  constructor (private readonly ch: AgiChannel) {}

  get gone (): boolean { return this.ch.isHungUp }

  async say (media: string[]): Promise<void> {
    for (const m of media) {
      if (this.gone) return
      await this.ch.streamFile(soundFile(m))
    }
  }

  /** One key from `digits`: the prompt with GET DATA, then up to two more keys with WAIT FOR DIGIT if a wrong one came. */
  async ask (media: string[], digits: string, timeoutMs: number): Promise<string | null> {
    if (this.gone) return null
    let key = (await this.ch.getData(soundFile(media[0] ?? ''), timeoutMs, 1)).slice(0, 1)
    for (let retry = 0; key !== '' && !digits.includes(key) && retry < 2; retry++) key = (await this.ch.waitForDigit(timeoutMs)) ?? ''
    return key !== '' && digits.includes(key) ? key : null
  }
}

/** ARI media "sound:ringlead/x" → the file name AGI plays. */
const soundFile = (media: string): string => media.replace(/^sound:/, '')

/** The operator calling (from the channel) or named as the first argument (PJSIP/101). */
function callingOperator (deps: AgiDeps, ch: AgiChannel, argIndex: number): { operatorId: string; name: string } | undefined {
  const endpoint = ch.request.args[argIndex] || endpointOfChannel(ch.request.env.channel ?? '')
  return operatorByEndpoint(deps.db, endpoint)
}

/** Disposition after the fact: the operator's latest lead still waiting for an outcome. */
export function disposition (deps: AgiDeps): AgiScript {
  return async (ch) => {
    const operator = callingOperator(deps, ch, 0)
    if (!operator) {
      ch.log.warn({ channel: ch.request.env.channel }, 'disposition over AGI from a phone that is no operator\'s')
      await ch.setVariable('RINGLEAD_RESULT', 'unknown_operator')
      return
    }
    await ch.answer()
    const log = ch.log.child({ operatorId: operator.operatorId })
    const result = await runDispositionMenu({ ...deps, log }, new AgiMenu(ch), `phone:${operator.operatorId}`,
      async () => leadAwaitingDisposition(deps.db, operator.operatorId))
    if (!ch.isHungUp) await ch.setVariable('RINGLEAD_RESULT', result)
  }
}

/** Feature codes: pause (optional reason as the second argument) and unpause the calling operator. */
export function pause (deps: AgiDeps, paused: boolean): AgiScript {
  return async (ch) => {
    const operator = callingOperator(deps, ch, 0)
    if (!operator) {
      await ch.setVariable('RINGLEAD_RESULT', 'unknown_operator')
      return
    }
    if (paused) pauseOperator(deps.catalog, operator.operatorId, ch.request.args[1] || 'feature code')
    else unpauseOperator(deps.catalog, operator.operatorId)
    ch.log.info({ operatorId: operator.operatorId, paused }, paused ? 'operator paused from the phone' : 'operator unpaused from the phone')
    await ch.setVariable('RINGLEAD_RESULT', paused ? 'paused' : 'unpaused')
  }
}

/**
 * Feature code `<prefix><n>`: pause the calling operator with the n-th configured reason. The
 * dialplan passes the digit as the second argument; a digit with no reason pauses nobody.
 */
export function pauseWithReason (deps: AgiDeps): AgiScript {
  return async (ch) => {
    const operator = callingOperator(deps, ch, 0)
    if (!operator) {
      await ch.setVariable('RINGLEAD_RESULT', 'unknown_operator')
      return
    }
    const digit = ch.request.args[1] ?? ''
    const reason = /^[1-9]$/.test(digit) ? deps.pauseReasons?.[Number(digit) - 1] : undefined
    if (reason === undefined) {
      ch.log.warn({ operatorId: operator.operatorId, digit }, 'pause feature code with no reason configured for its digit')
      await ch.setVariable('RINGLEAD_RESULT', 'unknown_reason')
      return
    }
    pauseOperator(deps.catalog, operator.operatorId, reason)
    ch.log.info({ operatorId: operator.operatorId, reason }, 'operator paused from the phone with a reason')
    await ch.setVariable('RINGLEAD_RESULT', 'paused')
  }
}

export function agiScripts (deps: AgiDeps): Record<string, AgiScript> {
  return {
    'caller-name': callerName(deps),
    route: route(deps),
    disposition: disposition(deps),
    pause: pause(deps, true),
    'pause-reason': pauseWithReason(deps),
    unpause: pause(deps, false)
  }
}
