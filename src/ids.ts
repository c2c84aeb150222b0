// Ids for new rows.
import { randomFillSync } from 'node:crypto'

// Random bytes drawn 4 KiB at a time: a call writes a dozen ids, and one draw from the system per id
// cost more than the rest of making them.
const pool = Buffer.alloc(4096)
let offset = pool.length

/** `op_3f9c0a…`: a prefix and 16 random hex digits. */
export function randomId (prefix: string): string {
  if (offset + 8 > pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  const id = pool.toString('hex', offset, offset + 8)
  offset += 8
  return `${prefix}_${id}`
}
