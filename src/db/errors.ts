import { RingleadError } from '../errors.js'

/** The database's migration rows match neither today's migrations nor a retired set in migrations/history. */
export class UnknownMigrationHistory extends RingleadError {
  constructor (message: string) {
    super('UNKNOWN_MIGRATION_HISTORY', message)
  }
}
