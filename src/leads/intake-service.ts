// How leads come in from outside: the JSON API (an Idempotency-Key makes a retry find its lead), the
// shop's web form and Telegram (its update id is the key). Each intake is one write transaction
// holding the key, the category check and the lead.
import { createHash } from 'node:crypto'
import { getCategory } from '../db/catalog-repo.js'
import { forgetRequestsBefore, inWriteTransaction, priorRequest, rememberRequest } from '../db/idempotency-keys-repo.js'
import type { Db } from '../db/open.js'
import { InvalidInput, RingleadError } from '../errors.js'
import { viewLead, type LeadInput, type LeadService, type LeadView } from './lead-service.js'

/** An Idempotency-Key sent again with another request. */
export class IdempotencyKeyReused extends RingleadError {
  constructor (key: string) {
    super('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key "${key}": already used with a different body; send a new key for a new request`)
  }
}

function canonical (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
  }
  return value
}

/** The same request hashes the same whatever the order of its fields. */
function hashRequest (body: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(body) ?? null)).digest('hex')
}

export interface IntakeServiceDeps {
  db: Db
  leads: LeadService
  now: () => number
  /** How long a key is remembered (RINGLEAD_LEADS_IDEMPOTENCY_KEY_DAYS). */
  idempotencyKeyDays: number
}

/** A lead taken from the API: `replayed` when the key was seen with the same request. */
export interface ApiIntake { lead: LeadView; created: boolean; replayed: boolean }
export interface TelegramIntake { outcome: 'created' | 'updated' | 'replayed'; lead: { leadId: string; phone: string | null } }

export class IntakeService {
  constructor (private readonly deps: IntakeServiceDeps) {}

  /** Refuses a category nobody defined, naming the field it came in. */
  private checkCategory (field: string, categoryId: string | null | undefined): void {
    if (categoryId && getCategory(this.deps.db, categoryId) === undefined) throw new InvalidInput(field, `unknown category ${categoryId}`)
  }

  /**
   * A lead from the JSON API. `request` is the body as sent (its hash tells a retry from another
   * request under the same key); `scope` is the token's id, so keys of different clients never meet.
   */
  takeApiLead (input: LeadInput, actor: string, idempotency: { scope: string; key: string | undefined; request: unknown }): ApiIntake {
    const { db, leads, now } = this.deps
    const { scope, key } = idempotency
    const requestHash = hashRequest(idempotency.request)
    return inWriteTransaction(db, (): ApiIntake => {
      if (key !== undefined) {
        const prior = priorRequest(db, scope, key)
        if (prior !== undefined) {
          if (prior.requestHash !== requestHash) throw new IdempotencyKeyReused(key)
          return { lead: viewLead(leads.get(prior.leadId)), created: false, replayed: true }
        }
      }
      this.checkCategory('categoryId', input.categoryId)
      const { lead, created } = leads.intake(input, actor)
      if (key !== undefined) rememberRequest(db, { scope, key, requestHash, leadId: lead.leadId, createdAt: now() })
      return { lead, created, replayed: false }
    })
  }

  /** A lead from the shop's web form; its category arrives in the field `category`. */
  takeFormLead (input: LeadInput): { lead: LeadView; created: boolean } {
    this.checkCategory('category', input.categoryId)
    return this.deps.leads.intake(input, 'form')
  }

  /**
   * A Telegram message. Telegram resends an update until it is answered, so the update id is the
   * key; `onChangedResend` hears of a resent update whose content differs (the first one is kept).
   */
  takeTelegramMessage (input: LeadInput, update: { updateId: number; content: unknown }, onChangedResend: () => void): TelegramIntake {
    const { db, leads, now } = this.deps
    const key = String(update.updateId)
    const requestHash = hashRequest(update.content)
    return inWriteTransaction(db, (): TelegramIntake => {
      const prior = priorRequest(db, 'telegram', key)
      if (prior !== undefined) {
        if (prior.requestHash !== requestHash) onChangedResend()
        return { outcome: 'replayed', lead: leads.get(prior.leadId) }
      }
      const { lead, created } = leads.intake(input, 'telegram')
      rememberRequest(db, { scope: 'telegram', key, requestHash, leadId: lead.leadId, createdAt: now() })
      return { outcome: created ? 'created' : 'updated', lead }
    })
  }

  /**
   * Forgets keys older than the retention, so the table stays small. A client retrying after that
   * long gets a new lead, which the dedup window still catches. How many were forgotten.
   */
  forgetExpiredKeys (nowMs: number): number {
    return forgetRequestsBefore(this.deps.db, nowMs - this.deps.idempotencyKeyDays * 86_400_000)
  }
}
