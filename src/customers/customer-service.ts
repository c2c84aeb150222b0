// Customers as the API works with them: the card, lookups, notes, and merging two customers who
// turn out to be one person (the rules of a merge are here; the repository only writes it).
import type { Db } from '../db/open.js'
import { CustomersRepo, type CustomerCard, type NoteRow } from '../db/customers-repo.js'
import { LeadsRepo } from '../db/leads-repo.js'
import { Conflict, InvalidInput, NotFound } from '../errors.js'

export type { CustomerCard, NoteRow }

export class CustomerService {
  private readonly repo: CustomersRepo
  private readonly leads: LeadsRepo

  constructor (db: Db, now: () => number, newId: (prefix: string) => string) {
    this.repo = new CustomersRepo(db, now, newId)
    this.leads = new LeadsRepo(db)
  }

  card (customerId: string): CustomerCard { return this.repo.card(customerId) }
  /** The customer of an E.164 number (the one it was merged into, when it was), or null. */
  byPhone (e164: string): string | null { return this.repo.byPhone(e164) }
  byEmail (email: string): string[] { return this.repo.byEmail(email) }
  /** Whether the operator answered or was rung for a call of the customer, or owns one of their leads. */
  operatorKnows (customerId: string, operatorId: string): boolean { return this.repo.operatorKnows(customerId, operatorId) }
  /** Who owns a lead, for the question whether an operator may call about it; undefined: no such lead. */
  leadOwner (leadId: string): { ownerId: string | null } | undefined {
    const lead = this.leads.get(leadId)
    return lead === undefined ? undefined : { ownerId: lead.ownerId }
  }

  addNote (customerId: string, text: string, actor: string): NoteRow { return this.repo.addNote(customerId, text, actor) }
  note (customerId: string, noteId: string): NoteRow { return this.repo.note(customerId, noteId) }
  editNote (customerId: string, noteId: string, text: string, actor: string): NoteRow { return this.repo.editNote(customerId, noteId, text, actor) }

  /**
   * Folds `otherId` (and whatever was merged into it) into `customerId`: calls from any of its
   * numbers are then this customer's. Recorded in customer_merges.
   */
  merge (customerId: string, otherId: string, actor: string): void {
    if (customerId === otherId) throw new InvalidInput('customerId', 'a customer cannot be merged into itself')
    this.repo.transaction(() => {
      const target = this.repo.get(customerId)
      if (target === undefined) throw new NotFound('customer', customerId)
      if (target.mergedInto !== null) throw new Conflict(`customer ${customerId} was merged into ${target.mergedInto}; merge into ${target.mergedInto} instead`)
      const other = this.repo.get(otherId)
      if (other === undefined) throw new NotFound('customer', otherId)
      if (other.mergedInto === customerId) throw new Conflict(`customer ${otherId} is already merged into ${customerId}`)
      if (other.mergedInto !== null) throw new Conflict(`customer ${otherId} was merged into ${other.mergedInto}; merge ${other.mergedInto} instead`)
      // The merged customer keeps a name it lacked, and the latest call of the two.
      const otherIsLater = (other.lastCallAt ?? -1) > (target.lastCallAt ?? -1)
      this.repo.writeMerge(customerId, otherId, other.phone, {
        name: target.name ?? other.name,
        ...(otherIsLater ? { lastCallAt: other.lastCallAt, lastOperatorId: other.lastOperatorId ?? target.lastOperatorId } : {})
      }, actor)
    })
  }
}
