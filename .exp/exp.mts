import { existsSync } from 'node:fs'
import { openDb } from '../src/db/open.js'
import { seedMonth } from '../bench/reports.js'
const path = '/tmp/rl-bench/bench.db'
const fresh = !existsSync(path)
const db = openDb(path)
db.$client.pragma(`cache_size = -${Number(process.argv[2] ?? 2000)}`)
const fromMs = Date.parse('2026-10-01T00:00:00+03:00')
db.$client.exec("CREATE INDEX IF NOT EXISTS x_att ON call_attempts (operator_id, result, started_at, ring_ms)")
if (fresh) console.log(seedMonth(db, { calls: 1_000_000, operators: 50, fromMs, days: 31 }))
const toMs = Date.parse('2026-11-01T00:00:00+03:00')
const c = db.$client
const qs: Record<string, string> = {
  attempts: `SELECT SUM(CASE WHEN result = 'answered' THEN 1 ELSE 0 END), SUM(CASE WHEN result IN ('no_answer','busy') THEN 1 ELSE 0 END), SUM(CASE WHEN result = 'answered' AND ring_ms IS NOT NULL THEN ring_ms ELSE 0 END) FROM call_attempts WHERE operator_id = ? AND started_at >= ? AND started_at < ?`,
  attemptsCount: `SELECT COUNT(*) FROM call_attempts WHERE operator_id = ? AND started_at >= ? AND started_at < ?`,
  talk: `SELECT SUM(talk_ms) FROM calls WHERE answered_by = ? AND started_at >= ? AND started_at < ?`,
  cohort: `SELECT COUNT(*), SUM(CASE WHEN responded_at IS NOT NULL AND (sla_due_at IS NULL OR responded_at <= sla_due_at) THEN 1 ELSE 0 END), SUM(CASE WHEN responded_at IS NOT NULL THEN responded_at - created_at ELSE 0 END), SUM(CASE WHEN deal_at IS NOT NULL THEN 1 ELSE 0 END) FROM leads WHERE owner_id = ? AND created_at >= ? AND created_at < ?`,
  attemptsGrouped: `SELECT result, COUNT(*), SUM(ring_ms) FROM call_attempts WHERE operator_id = ? AND result IN ('answered','no_answer','busy','unreachable','congestion','failed') AND started_at >= ? AND started_at < ? GROUP BY result`,
  cohort2: `SELECT COUNT(*), COUNT(responded_at), SUM(responded_at - created_at), COUNT(deal_at), COUNT(CASE WHEN responded_at <= COALESCE(sla_due_at, responded_at) THEN 1 END) FROM leads WHERE owner_id = ? AND created_at >= ? AND created_at < ?`,
  deals: `SELECT COUNT(*), SUM(deal_amount) FROM leads WHERE owner_id = ? AND deal_at >= ? AND deal_at < ?`
}
const ops = (c.prepare('SELECT operator_id FROM operators').all() as any[]).map((r) => r.operator_id)
for (const [name, q] of Object.entries(qs)) {
  const st = c.prepare(q)
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now()
    for (const op of ops) st.get(op, fromMs, toMs)
    if (round === 2) console.log(name, (performance.now() - t0).toFixed(1))
  }
}
const ref = c.prepare(`SELECT l.owner_id, COALESCE(e.reason, 'unknown'), COUNT(*) FROM lead_events e JOIN leads l ON l.lead_id = e.lead_id WHERE e.to_status = 'refused' AND e.at >= ? AND e.at < ? AND l.owner_id IS NOT NULL GROUP BY l.owner_id, COALESCE(e.reason, 'unknown')`)
for (let round = 0; round < 3; round++) { const t0 = performance.now(); ref.all(fromMs, toMs); if (round === 2) console.log('refusals', (performance.now() - t0).toFixed(1)) }
