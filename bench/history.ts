// A database with a past: the rows of the calls made so far (customers, calls, attempts,
// recordings, leads with their events and ladder steps, webhook rows) copied again and again until
// the database holds `calls` calls, as a shop's database does after some months. Each copy gets
// ids and phone numbers of its own, scattered over their indexes as the random ids of earlier
// versions were, and its times moved one day further back per copy. Copies are settled: their
// ladder steps cancelled and their webhooks delivered, so nothing in the past wakes up.
import { createHash } from 'node:crypto'
import type { Db } from '../src/db/open.js'

const TABLES = ['customers', 'calls', 'call_attempts', 'recordings', 'leads', 'lead_events', 'escalations', 'outbox'] as const
const ID = /\b([a-z]+)_([0-9a-f]{16})\b/g
const PHONE = /^\+\d{8,15}$/
const DAY_MS = 86_400_000
/** Times of rows are milliseconds since 1970; smaller numbers (durations, counts) stay. */
const EPOCH_MS = 1_000_000_000_000

const hash = (text: string): string => createHash('md5').update(text).digest('hex')

function copyOf (value: unknown, copy: number, own: Set<string>): unknown {
  if (typeof value === 'number') return value > EPOCH_MS ? value - copy * DAY_MS : value
  if (typeof value !== 'string') return value
  if (PHONE.test(value)) {
    // The country code kept, the rest digits of a hash: another customer, somewhere else in the index.
    const digits = BigInt(`0x${hash(`${value}/${copy}`).slice(0, 15)}`).toString().padStart(10, '0').slice(-10)
    return `${value.slice(0, 2)}${digits}`
  }
  // Ids of the copied rows get copies; others (operators, categories, channels) stay as they are.
  return value.replace(ID, (all: string, prefix: string, hex: string) => own.has(all) ? `${prefix}_${hash(`${hex}/${copy}`).slice(0, 16)}` : all)
}

/** What a copied row of a table must say so that it is history, not work. */
const SETTLED: Partial<Record<typeof TABLES[number], (row: Record<string, unknown>, copy: number) => void>> = {
  recordings: (row, copy) => { row.name = `${String(row.name)}-past${copy}` },
  escalations: (row) => { if (row.state === 'pending' || row.state === 'claimed') { row.state = 'cancelled'; row.lease_until = null } },
  outbox: (row) => { if (row.state === 'pending' || row.state === 'delivering') { row.state = 'delivered'; row.lease_until = null; row.delivered_at = row.created_at } }
}

/** Copies the call rows in the database until it holds at least `calls` calls; returns how many it holds. */
export function addHistory (db: Db, calls: number): number {
  const sqlite = db.$client
  const count = (): number => Number((sqlite.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n)
  const template = count()
  if (template === 0) throw new Error('addHistory needs some calls to copy: make a few calls first')
  const rows = Object.fromEntries(TABLES.map((t) => [t, sqlite.prepare(`SELECT * FROM ${t}`).all() as Array<Record<string, unknown>>]))
  const inserts = Object.fromEntries(TABLES.map((t) => {
    const columns = (sqlite.pragma(`table_info(${t})`) as Array<{ name: string }>).map((c) => c.name)
    return [t, sqlite.prepare(`INSERT OR IGNORE INTO ${t} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`)]
  }))
  const own = new Set(TABLES.flatMap((t) => rows[t]!.map((row) => String(Object.values(row)[0]))))
  // Copies point at copies of rows outside these tables (operators, categories) that stay as they are.
  sqlite.pragma('foreign_keys = OFF')
  try {
    const copies = Math.ceil((calls - template) / template)
    for (let copy = 1; copy <= copies; copy++) {
      sqlite.transaction(() => {
        for (const t of TABLES) {
          for (const row of rows[t]!) {
            const copied = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, copyOf(v, copy, own)]))
            SETTLED[t]?.(copied, copy)
            inserts[t]!.run(copied)
          }
        }
      })()
    }
  } finally {
    sqlite.pragma('foreign_keys = ON')
  }
  return count()
}
