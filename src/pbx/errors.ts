import { RingleadError } from '../errors.js'

/** A dialplan template that does not compile or render; names the template and the line. */
export class DialplanTemplateError extends RingleadError {
  constructor (readonly template: string, readonly line: number | null, detail: string, options?: { cause?: unknown }) {
    super('DIALPLAN_TEMPLATE', `dialplan template ${template}${line !== null ? ` line ${line}` : ''}: ${detail}`, options)
  }
}

/** Values from the database that cannot go into the dialplan; each problem names the value. */
export class DialplanValuesRejected extends RingleadError {
  constructor (readonly problems: string[]) {
    super('INVALID_INPUT', `dialplan not rendered, ${problems.length} value${problems.length === 1 ? '' : 's'} cannot go into it:\n  ${problems.join('\n  ')}`)
  }
}

/** Nothing was changed: Asterisk could not be reached or asked. */
export class DialplanNotApplied extends RingleadError {
  constructor (message: string, options?: { cause?: unknown }) {
    super('DIALPLAN_NOT_APPLIED', message, options)
  }
}

/** Asterisk did not take the new dialplan; the previous one was put back (or could not be: says so). */
export class DialplanRolledBack extends RingleadError {
  constructor (message: string, readonly versionId: string) {
    super('DIALPLAN_ROLLED_BACK', message)
  }
}
