// Errors the HTTP layer throws on its own account. The error handler maps codes to statuses.
import { RingleadError } from '../errors.js'

export class Unauthorized extends RingleadError {
  constructor (message: string) {
    super('UNAUTHORIZED', message)
  }
}

export class Forbidden extends RingleadError {
  constructor (message: string) {
    super('FORBIDDEN', message)
  }
}

export interface InputProblem { field: string; message: string }

/** Request input that fails its schema; the message names every field that is wrong. */
export class InvalidRequest extends RingleadError {
  constructor (readonly problems: InputProblem[]) {
    super('INVALID_INPUT', problems.map((p) => `${p.field}: ${p.message}`).join('; '))
  }
}
