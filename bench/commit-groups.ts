// What a call's rows cost SQLite, and whether fewer commits would cut it: on a file database migrated
// like the daemon's (WAL, synchronous NORMAL) holding 20,000 calls' rows, the rows one inbound call
// writes (call, attempt, customer, the call's update, lead, lead event, two ladder steps, three
// webhook rows) are written again and again: split in the four transactions a call commits today,
// all in one, and four or sixteen calls' rows in one. CPU per call of this process (user + system:
// the system part is the kernel taking WAL pages), the variants interleaved round by round. Each
// variant runs with random ids (as rows had them before) and with time-ordered ids (src/ids.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../src/db/open.js'
import { printFigures } from './stats.js'

const tables = ['calls', 'call_attempts', 'customers', 'leads', 'lead_events', 'escalations', 'outbox'] as const
type Table = typeof tables[number]
/**
 * How a run commits (several calls' rows in one transaction, or each call's rows split as the daemon
 * splits them), and whether ids are random or grow with time.
 */
interface Variant { name: string; callsPerCommit: number; split: boolean; orderedIds: boolean }
const variants: Variant[] = [true, false].flatMap((orderedIds) => [
  { name: 'four commits a call', callsPerCommit: 1, split: true },
  { name: 'one commit a call', callsPerCommit: 1, split: false },
  { name: 'four calls a commit', callsPerCommit: 4, split: false },
  { name: 'sixteen calls a commit', callsPerCommit: 16, split: false }
].map((v) => ({ ...v, orderedIds, name: `${v.name}, ${orderedIds ? 'ordered' : 'random'} ids` })))

/**
 * A text value of row `i`, led by a hash of `i` so that values land all over their indexes (phone
 * numbers, and ids when they were random); with ordered ids an id column's value grows with `i`.
 * The same `i` gives the same value (the call's update finds its row).
 */
const textOf = (table: string, column: string, i: number, orderedIds: boolean): string => orderedIds && column.endsWith('_id')
  ? `${column}-${String(i).padStart(12, '0')}`
  : `${(Math.imul(i + 1, 2654435761) >>> 0).toString(36)}-${table}-${column}-${i}`

/** A database with `prefill` calls' rows, and a way to write call `i`'s rows as a variant does. */
function world (dir: string, name: string, prefill: number, orderedIds: boolean): { write: (first: number, count: number, v: Variant) => void; close: () => void } {
  const db = openDb(join(dir, `${name}.db`))
  const sqlite = db.$client
  // Rows stand alone here: no parents to point at.
  sqlite.pragma('foreign_keys = OFF')
  const insert = Object.fromEntries(tables.map((table): [Table, (i: number) => void] => {
    const columns = sqlite.pragma(`table_info(${table})`) as Array<{ name: string; type: string }>
    const stmt = sqlite.prepare(`INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
    const numeric = columns.map((c) => /INT|REAL/i.test(c.type))
    return [table, (i) => { stmt.run(...columns.map((c, k) => numeric[k] ? 1_800_000_000_000 + i : textOf(table, c.name, i, orderedIds))) }]
  })) as Record<Table, (i: number) => void>
  const update = sqlite.prepare('UPDATE calls SET status = ?, ended_at = ? WHERE call_id = ?')
  const tx = (fn: () => void): void => { sqlite.transaction(fn).immediate() }
  const parts = (i: number): Array<() => void> => [
    () => { insert.calls(i); insert.call_attempts(i) },
    () => { insert.customers(i) },
    () => { if (update.run('answered', 1, textOf('calls', 'call_id', i, orderedIds)).changes !== 1) throw new Error(`call ${i} not updated`) },
    () => { insert.leads(i); insert.lead_events(i); insert.escalations(i); insert.escalations(i + 1e7); insert.outbox(i); insert.outbox(i + 2e7); insert.outbox(i + 3e7) }
  ]
  const write = (first: number, count: number, v: Variant): void => {
    for (let i = first; i < first + count; i += v.callsPerCommit) {
      if (v.split) for (const part of parts(i)) tx(part)
      else tx(() => { for (let j = i; j < i + v.callsPerCommit; j++) for (const part of parts(j)) part() })
    }
  }
  write(0, prefill, { name: 'prefill', callsPerCommit: prefill, split: false, orderedIds })
  return { write, close: () => { sqlite.close() } }
}

export function benchCommitGroups (rounds = 3, callsPerRun = 2000, prefill = 20_000): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-commits-'))
  const perCall = new Map<Variant, Array<{ user: number; system: number }>>(variants.map((v) => [v, []]))
  try {
    const worlds = new Map(variants.map((v, k) => [v, world(dir, `v${k}`, prefill, v.orderedIds)]))
    let next = prefill
    for (let round = 0; round < rounds; round++) {
      for (const variant of variants) {
        const t0 = process.cpuUsage()
        worlds.get(variant)!.write(next, callsPerRun, variant)
        const used = process.cpuUsage(t0)
        next += callsPerRun
        perCall.get(variant)!.push({ user: used.user / callsPerRun / 1000, system: used.system / callsPerRun / 1000 })
      }
    }
    for (const w of worlds.values()) w.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const out: Record<string, string> = {}
  for (const variant of variants) {
    const runs = perCall.get(variant)!
    out[`${variant.name}: CPU ms per call, each round (user + system)`] = runs.map((r) => `${(r.user + r.system).toFixed(2)} (${r.user.toFixed(2)} + ${r.system.toFixed(2)})`).join(' · ')
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('a call\'s rows in SQLite: commits per call, calls per commit', benchCommitGroups())
