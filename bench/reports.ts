// The operators' efficiency table for a month over 1,000,000 calls (target ≤ 300 ms), with the
// attempts, leads, deals and refusals such a month brings. Rows are generated with prepared inserts
// in one transaction, into a file database with the real migrations and indexes.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/config.js'
import { openDb, type Db } from '../src/db/open.js'
import { ReportService, reportSettingsFrom } from '../src/reports/report-service.js'
import { percentiles, printFigures, seeded } from './stats.js'

const day = 86_400_000
const results = ['answered', 'answered', 'answered', 'no_answer', 'busy'] as const
const sources = ['yandex', 'google', 'site', 'avito', 'vk', 'offline']
const categories = ['ovens', 'fridges', 'dishwashers', 'washers']
const reasons = ['price', 'not_in_stock', 'delivery_terms', 'changed_mind', 'other']

export interface ReportSeed { calls: number; attempts: number; leads: number; deals: number; refusals: number; seconds: number; loadSeconds: number }

/** `calls` inbound calls spread over [fromMs, fromMs + days); about 1.25 attempts per call, a lead per 3 calls, a deal per 5 leads. */
export function seedMonth (db: Db, opts: { calls: number; operators: number; fromMs: number; days: number }): ReportSeed {
  const started = process.hrtime.bigint()
  const c = db.$client
  const random = seeded(42)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const ops = Array.from({ length: opts.operators }, (_, i) => `op_${String(i).padStart(3, '0')}`)
  const insertOp = c.prepare(`INSERT INTO operators (operator_id, name, endpoint, role, created_at) VALUES (?, ?, ?, 'operator', ?)`)
  const insertCall = c.prepare(`INSERT INTO calls (call_id, direction, status, channel_id, caller_raw, did, source, category_id, answered_by, started_at, ring_ms, talk_ms)
    VALUES (?, 'inbound', ?, ?, '+79990000000', '+74950000000', ?, ?, ?, ?, ?, ?)`)
  const insertAttempt = c.prepare(`INSERT INTO call_attempts (attempt_id, call_id, step_index, step_kind, operator_id, endpoint, started_at, ring_ms, result)
    VALUES (?, ?, ?, 'specialists', ?, 'PJSIP/x', ?, ?, ?)`)
  const insertLead = c.prepare(`INSERT INTO leads (lead_id, phone, channel, source, category_id, call_id, status, status_since, owner_id, deadline_at, sla_due_at, responded_at, deal_at, deal_amount, refusal_reason, refused_at, created_at, updated_at)
    VALUES (?, ?, 'call', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insertEvent = c.prepare(`INSERT INTO lead_events (event_id, lead_id, at, actor, kind, from_status, to_status, reason) VALUES (?, ?, ?, 'system', 'disposition', 'in_progress', 'refused', ?)`)
  const seed: ReportSeed = { calls: 0, attempts: 0, leads: 0, deals: 0, refusals: 0, seconds: 0, loadSeconds: 0 }
  // Bulk load: the secondary indexes are dropped and built again afterwards (one sort each instead
  // of millions of B-tree inserts), with a page cache large enough for the sorts.
  const cacheKb = c.pragma('cache_size', { simple: true }) as number
  c.pragma('cache_size = -1000000')
  const indexes = c.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('calls', 'call_attempts', 'leads', 'lead_events')`).all() as Array<{ name: string; sql: string }>
  for (const { name } of indexes) c.exec(`DROP INDEX ${name}`)
  c.transaction(() => {
    ops.forEach((id, i) => insertOp.run(id, `Operator ${i}`, `PJSIP/${1000 + i}`, opts.fromMs))
    const span = opts.days * day
    for (let i = 0; i < opts.calls; i++) {
      const at = opts.fromMs + Math.floor((i / opts.calls) * span)
      // Ids that sort in insertion order, as time-ordered ids would: appends, not page splits.
      const n = String(i).padStart(8, '0')
      const callId = `c${n}`
      const source = pick(sources)
      const category = pick(categories)
      // First ring; a miss goes to a second operator, who answers.
      const first = pick(ops)
      const r1 = pick(results)
      const ring1 = 2000 + Math.floor(random() * 15_000)
      let answeredBy: string | null = r1 === 'answered' ? first : null
      const second = answeredBy === null && random() < 0.6 ? pick(ops) : null
      if (second !== null) answeredBy = second
      const talk = answeredBy === null ? null : 20_000 + Math.floor(random() * 300_000)
      insertCall.run(callId, answeredBy === null ? 'missed' : 'answered', `ch${n}`, source, category, answeredBy, at, answeredBy === null ? null : ring1, talk)
      seed.calls++
      insertAttempt.run(`${callId}_0`, callId, 0, first, at, ring1, r1); seed.attempts++
      if (second !== null) { insertAttempt.run(`${callId}_1`, callId, 1, second, at + ring1, 3000, 'answered'); seed.attempts++ }
      if (i % 3 === 0) {
        const owner = answeredBy ?? first
        const responded = at + Math.floor(random() * 3_600_000)
        const isDeal = random() < 0.2
        const isRefused = !isDeal && random() < 0.3
        const dealAt = isDeal ? responded + Math.floor(random() * 2 * day) : null
        const reason = isRefused ? pick(reasons) : null
        const leadId = `l${n}`
        insertLead.run(leadId, `+7999${n}`, source, category, callId, isDeal ? 'deal' : isRefused ? 'refused' : 'in_progress', responded, owner,
          at + 2_400_000, responded, dealAt, isDeal ? 100_000 + Math.floor(random() * 5_000_000) : null, reason, isRefused ? responded : null, at, responded)
        seed.leads++
        if (isDeal) seed.deals++
        if (isRefused) { insertEvent.run(`e${n}`, leadId, responded, reason); seed.refusals++ }
      }
    }
  })()
  const loadedMs = Number(process.hrtime.bigint() - started) / 1e6
  for (const { sql } of indexes) c.exec(sql)
  seed.loadSeconds = loadedMs / 1000
  c.pragma(`cache_size = ${cacheKb}`)
  seed.seconds = Number(process.hrtime.bigint() - started) / 1e9
  return seed
}

export async function benchReports (calls = 1_000_000, operators = 50, rounds = 30): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-reports-'))
  try {
    const path = join(dir, 'bench.db')
    const db = openDb(path)
    const fromMs = Date.parse('2026-10-01T00:00:00+03:00')
    const seed = seedMonth(db, { calls, operators, fromMs, days: 31 })
    const month = { fromMs, toMs: Date.parse('2026-11-01T00:00:00+03:00') }
    const reports = new ReportService(db, reportSettingsFrom(loadConfig({})))
    const cpu: number[] = []
    const time = (fn: () => unknown, n: number): number[] => {
      fn() // warm: statements prepared, pages in the cache
      cpu.length = 0
      return Array.from({ length: n }, () => {
        const c0 = process.cpuUsage()
        const t0 = process.hrtime.bigint()
        fn()
        const wall = Number(process.hrtime.bigint() - t0) / 1e6
        const used = process.cpuUsage(c0)
        cpu.push((used.user + used.system) / 1000)
        return wall
      })
    }
    const settings = reportSettingsFrom(loadConfig({}))
    // Cold: a fresh service each time, so every settled day's call sums are read from the database.
    const cold = percentiles(time(() => new ReportService(db, settings).operators(month, Date.now(), 'revenue', 'desc'), 5))
    const coldCpu = percentiles(cpu)
    // Warm: the daemon's one service, settled days remembered; calls of the open day would be read live.
    const table = percentiles(time(() => reports.operators(month, Date.now(), 'revenue', 'desc'), rounds))
    const tableCpu = percentiles(cpu)
    // Today only: a month of data in the database, the current day's numbers read live.
    const todayRange = { fromMs: month.toMs - day, toMs: month.toMs }
    const today = percentiles(time(() => reports.operators(todayRange, month.toMs, 'revenue', 'desc'), rounds))
    const check = reports.operators(month, Date.now())
    const funnel = percentiles(time(() => reports.funnels('source', month), 5))
    const motivation = percentiles(time(() => reports.motivation(month), 5))
    const plan = db.$client.prepare(`EXPLAIN QUERY PLAN SELECT result, COUNT(*), SUM(ring_ms), COUNT(ring_ms) FROM call_attempts
      WHERE operator_id = ? AND result IN ('answered', 'no_answer', 'busy') AND started_at >= ? AND started_at < ? GROUP BY result`)
      .all('op_000', month.fromMs, month.toMs) as Array<{ detail: string }>
    db.$client.close()
    return {
      'generated calls / attempts / leads / deals / refusals': `${seed.calls} / ${seed.attempts} / ${seed.leads} / ${seed.deals} / ${seed.refusals}`,
      'generation s: rows (one transaction, prepared inserts) + all indexes built after = total': `${seed.loadSeconds.toFixed(1)} + ${(seed.seconds - seed.loadSeconds).toFixed(1)} = ${seed.seconds.toFixed(1)}`,
      'db file MB': (statSync(path).size / 1e6).toFixed(0),
      'operators': String(operators),
      'table totals offered / answered / deals (sanity)': `${check.totals.offered} / ${check.totals.answered} / ${check.totals.deals}`,
      'attempts query plan': plan.map((p) => p.detail).join('; '),
      'operators\' table, month, cold (every day read from the db): p50 / p99 ms': `${cold.p50.toFixed(1)} / ${cold.p99.toFixed(1)}`,
      'operators\' table, month, cold: CPU ms p50 / p99': `${coldCpu.p50.toFixed(1)} / ${coldCpu.p99.toFixed(1)}`,
      'operators\' table, month: p50 ms': table.p50.toFixed(1),
      'operators\' table, month: p99 ms (target ≤ 300)': table.p99.toFixed(1),
      'operators\' table, month: max ms': table.max.toFixed(1),
      'operators\' table, month: CPU ms p50 / p99': `${tableCpu.p50.toFixed(1)} / ${tableCpu.p99.toFixed(1)}`,
      'operators\' table runs': String(table.n),
      'operators\' table, the last day of the month, live: p50 / p99 ms': `${today.p50.toFixed(1)} / ${today.p99.toFixed(1)}`,
      'funnel by source, month: p50 / max ms': `${funnel.p50.toFixed(1)} / ${funnel.max.toFixed(1)}`,
      'motivation, month: p50 / max ms': `${motivation.p50.toFixed(1)} / ${motivation.max.toFixed(1)}`
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('reports', await benchReports())
