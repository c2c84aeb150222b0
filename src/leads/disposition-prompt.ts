// After the customer hangs up on an answered call, the operator stays on the line and records the
// outcome with the keypad: 1 deal, 2 refusal (+ reason digit), 3 call back later (+ when). The menu
// decides; whoever carries the audio (the call layer over ARI, agi/ over FastAGI) gives it a
// DispositionMenu.
import type { Logger } from 'pino'
import { addWorkingTime, nextWorkingMoment, type WorkingCalendar } from '../domain/sla-clock.js'
import type { LeadService } from './lead-service.js'

const dayMs = 86_400_000
/** Key → how far ahead the follow-up goes (calendar days). */
const callbackDays: Record<string, number> = { 1: 1, 2: 3, 3: 7 }

export type DispositionResult = 'deal' | 'refused' | 'callback' | 'no_key' | 'hung_up' | 'no_lead'

/** A voice menu on some phone line: ARI (PhoneMenu) or FastAGI (agi/disposition.ts). */
export interface DispositionMenu {
  readonly gone: boolean
  ask (media: string[], digits: string, timeoutMs: number): Promise<string | null>
  say (media: string[]): Promise<void>
}

export interface DispositionMenuDeps {
  leads: LeadService
  log: Logger
  now: () => number
  calendar: WorkingCalendar
  refusalReasons: readonly string[]
  timeoutMs: number
}

/**
 * The disposition menu itself, whatever carries the audio: 1 deal, 2 refusal (+ reason digit),
 * 3 call back later (+ when). `findLead` is asked only once a choice is made.
 */
export async function runDispositionMenu (deps: DispositionMenuDeps, menu: DispositionMenu, actor: string, findLead: () => Promise<string | null>): Promise<DispositionResult> {
  const log = deps.log
  const choice = await menu.ask(['sound:ringlead/disposition-menu'], '123', deps.timeoutMs)
  if (choice === null) {
    log.info({ hungUp: menu.gone }, 'no disposition key: the lead stays awaiting disposition')
    return menu.gone ? 'hung_up' : 'no_key'
  }
  let reason: string | null = null
  let followUpAt: number | null = null
  if (choice === '2') {
    const digits = deps.refusalReasons.map((_, i) => String(i + 1)).join('').slice(0, 9)
    const r = await menu.ask(['sound:ringlead/refusal-reasons'], digits, deps.timeoutMs)
    if (r === null) return menu.gone ? 'hung_up' : 'no_key'
    reason = deps.refusalReasons[Number(r) - 1] ?? null
  } else if (choice === '3') {
    const w = await menu.ask(['sound:ringlead/callback-when'], '123', deps.timeoutMs)
    if (w === null) return menu.gone ? 'hung_up' : 'no_key'
    const at = deps.now() + (callbackDays[w] ?? 1) * dayMs
    followUpAt = nextWorkingMoment(deps.calendar, addWorkingTime(deps.calendar, at, 0))
  }
  const leadId = await findLead()
  if (!leadId) {
    log.warn('disposition keyed but the call has no lead')
    return 'no_lead'
  }
  const outcome = choice === '1' ? 'deal' : choice === '2' ? 'refused' : 'callback'
  try {
    deps.leads.recordDisposition(leadId, outcome, { actor, reason, followUpAt })
  } catch (err) {
    // E.g. the lead was closed from the console meanwhile: the matrix says no, and so do we.
    log.warn({ leadId, outcome, err: (err as Error).message }, 'disposition from the phone refused')
    return 'no_lead'
  }
  log.info({ leadId, outcome, reason, followUpAt }, 'disposition recorded from the phone')
  await menu.say(['sound:ringlead/thank-you'])
  return outcome
}
