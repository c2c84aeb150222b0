// Base of every error ringlead throws on purpose. Codes are stable: the HTTP layer maps them.
export class RingleadError extends Error {
  constructor (readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Input that breaks a rule the user can fix; `field` names what is wrong. */
export class InvalidInput extends RingleadError {
  constructor (readonly field: string, message: string) {
    super('INVALID_INPUT', `${field}: ${message}`)
  }
}

export class NotFound extends RingleadError {
  constructor (what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} not found`)
  }
}

export class Conflict extends RingleadError {
  constructor (message: string) {
    super('CONFLICT', message)
  }
}

/** Something ringlead needs is not there right now (Asterisk not connected); worth retrying. */
export class Unavailable extends RingleadError {
  constructor (message: string) {
    super('UNAVAILABLE', message)
  }
}
