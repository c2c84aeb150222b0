// Ids for new rows.
import { randomBytes } from 'node:crypto'

/** `op_3f9c0a…`: a prefix and 16 random hex digits. */
export function randomId (prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`
}
