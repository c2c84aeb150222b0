// Ids for new rows.
import { randomFillSync, randomInt } from 'node:crypto'

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

const SEQ_BITS = 20
const SEQ_SPAN = 2 ** SEQ_BITS
let lastMs = 0
let seq = 0

/**
 * `call_1a2427a72003a2b1`: a prefix and 16 hex digits, the milliseconds since 1970 (11 digits)
 * then a 20-bit sequence, so ids made later sort after earlier ones. A row's id lands at the end
 * of its table's index, and the ids of a call's other rows (attempts, recordings, lead) at the end
 * of theirs: a commit writes a few pages at the index's edge instead of one page per index
 * somewhere in the middle of it, for every row. (With random ids that was about a quarter of what
 * a call's rows cost on a database of 20,000 calls, more on a bigger one: bench step 29.)
 *
 * Unique within the process: the sequence counts up within a millisecond and carries into the
 * next, and the clock going back never takes an id below the last one. Each millisecond's
 * sequence starts at a random point in its lower half, so two processes making ids of one kind in
 * the same millisecond (the daemon and a command-line run) are unlikely to meet. An id tells when
 * its row was made, which the row says anyway: ids name rows, they are not secrets (tokens' secrets
 * and sessions are made elsewhere, from random bytes).
 */
export function orderedId (prefix: string, nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs
    seq = randomInt(SEQ_SPAN / 2)
  } else if (++seq >= SEQ_SPAN) {
    lastMs++
    seq = 0
  }
  return `${prefix}_${lastMs.toString(16).padStart(11, '0')}${seq.toString(16).padStart(5, '0')}`
}
