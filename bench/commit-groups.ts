// What a call's rows cost SQLite, and whether fewer commits would cut it: on a file database migrated
// like the daemon's (WAL, synchronous NORMAL) holding 20,000 calls' rows, the rows one inbound call
// writes (call, attempt, customer, the call's update, lead, lead event, two ladder steps, three
// webhook rows) are written again and again: split in the four transactions a call commits today,
// all in one, and four or sixteen calls' rows in one. CPU per call of this process (user + system:
// the system part is the kernel taking WAL pages), the variants interleaved round by round.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../src/db/open.js'
import { printFigures } from './stats.js'

const tables = ['calls', 'call_attempts', 'customers', 'leads', 'lead_events', 'escalations', 'outbox'] as const
type Table = typeof tables[number]
type Variant = 'four commits a call' | 'one commit a call' | 'four calls a commit' | 'sixteen calls a commit'

/** A database with `prefill` calls' rows, and an insert per table that fills every column. */
function world (dir: string, name: string, prefill: number): { writeCall: (i: number, commits: 1 | 4) => void; inOne: (fn: () => void) => void; close: () => void } {
  const db = openDb(join(dir, `${name}.db`))
  const sqlite = db.$client
  // Rows stand alone here: no parents to point at.
  sqlite.pragma('foreign_keys = OFF')
  let salt = 0
  const insert = Object.fromEntries(tables.map((table): [Table, (i: number) => void] => {
    const columns = sqlite.pragma(`table_info(${table})`) as Array<{ name: string; type: string }>
    const stmt = sqlite.prepare(`INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
    const numeric = columns.map((c) => /INT|REAL/i.test(c.type))
    // Text keys are random as the daemon's ids are, so each row lands on its own index pages.
    return [table, (i) => { stmt.run(...columns.map((c, k) => numeric[k] ? 1_800_000_000_000 + i : `${table}-${c.name}-${i}-${(++salt * 2654435761 % 4294967296).toString(36)}`)) }]
  })) as Record<Table, (i: number) => void>
  const update = sqlite.prepare('UPDATE calls SET status = ?, ended_at = ? WHERE call_id = ?')
  const tx = (fn: () => void): void => { sqlite.transaction(fn).immediate() }
  const parts = (i: number): Array<() => void> => [
    () => { insert.calls(i); insert.call_attempts(i) },
    () => { insert.customers(i) },
    () => { update.run('answered', 1, `calls-call_id-${i}`) },
    () => { insert.leads(i); insert.lead_events(i); insert.escalations(i); insert.escalations(i + 1e7); insert.outbox(i); insert.outbox(i + 2e7); insert.outbox(i + 3e7) }
  ]
  tx(() => { for (let i = 0; i < prefill; i++) for (const part of parts(i)) part() })
  return {
    writeCall: (i, commits) => { if (commits === 4) for (const part of parts(i)) tx(part); else for (const part of parts(i)) part() },
    inOne: tx,
    close: () => { sqlite.close() }
  }
}

export function benchCommitGroups (rounds = 3, callsPerRun = 2000, prefill = 20_000): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-commits-'))
  const variants: Variant[] = ['four commits a call', 'one commit a call', 'four calls a commit', 'sixteen calls a commit']
  const perCall = new Map<Variant, Array<{ user: number; system: number }>>(variants.map((v) => [v, []]))
  try {
    const worlds = new Map(variants.map((v, k) => [v, world(dir, `v${k}`, prefill)]))
    let next = prefill
    for (let round = 0; round < rounds; round++) {
      for (const variant of variants) {
        const w = worlds.get(variant)!
        const group = variant === 'four calls a commit' ? 4 : variant === 'sixteen calls a commit' ? 16 : 1
        const first = next
        next += callsPerRun
        const t0 = process.cpuUsage()
        if (variant === 'four commits a call') for (let i = first; i < next; i++) w.writeCall(i, 4)
        else {
          for (let i = first; i < next; i += group) w.inOne(() => { for (let j = i; j < i + group; j++) w.writeCall(j, 1) })
        }
        const used = process.cpuUsage(t0)
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
    out[`${variant}: CPU ms per call, each round (user + system)`] = runs.map((r) => `${(r.user + r.system).toFixed(2)} (${r.user.toFixed(2)} + ${r.system.toFixed(2)})`).join(' · ')
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('a call\'s rows in SQLite: commits per call, calls per commit', benchCommitGroups())
