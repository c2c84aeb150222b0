import { RingleadError } from '../errors.js'

/** A status change the matrix does not allow, or that lacks what the status needs. */
export class TransitionRefused extends RingleadError {
  constructor (readonly leadId: string, problem: string) {
    super('TRANSITION_REFUSED', `lead ${leadId}: ${problem}`)
  }
}
