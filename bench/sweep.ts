// The escalation sweep at scale: 100,000 open leads with their ladder rows, 1,000 of them due.
// One tick = the due query + claiming + starting each step (the phone calls' set-up), measured
// synchronously; the calls themselves go to an Asterisk that is not there and fail later, off the clock.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { AriLink } from '../src/asterisk/ari-link.js'
import { Bus } from '../src/bus.js'
import { systemClock } from '../src/clock.js'
import { OperatorBoard } from '../src/calls/operator-board.js'
import { CallsRepo } from '../src/db/calls-repo.js'
import { LeadsRepo } from '../src/db/leads-repo.js'
import { openDb } from '../src/db/open.js'
import { defaultStatusMatrix } from '../src/domain/lead-status.js'
import { alwaysOpen } from '../src/domain/sla-clock.js'
import { EscalationRunner } from '../src/leads/escalation-runner.js'
import { EscalationCalls } from '../src/calls/escalation-call.js'
import { LeadService } from '../src/leads/lead-service.js'
import { percentiles, printFigures } from './stats.js'

const log = pino({ level: 'silent' })
const ladder = { reminderBeforeMinutes: 10, ownerCallRetries: 2, retryEveryMinutes: 5, managerGraceMinutes: 15 }

function seed (repo: LeadsRepo, openLeads: number, due: number, nowMs: number): void {
  const insertLead = repo.db.$client.prepare(`INSERT INTO leads (lead_id, phone, channel, status, status_since, owner_id, deadline_at, created_at, updated_at)
    VALUES (?, ?, 'api', 'new', ?, NULL, ?, ?, ?)`)
  const insertStep = repo.db.$client.prepare(`INSERT INTO escalations (escalation_id, lead_id, step, state, due_at, attempt, created_at, updated_at)
    VALUES (?, ?, ?, 'pending', ?, 0, ?, ?)`)
  repo.db.$client.transaction(() => {
    for (let i = 0; i < openLeads; i++) {
      const isDue = i < due
      const deadline = isDue ? nowMs - 60_000 : nowMs + 3_600_000 + i
      insertLead.run(`lead_${i}`, `+79${String(i).padStart(9, '0')}`, nowMs - 7_200_000, deadline, nowMs - 7_200_000, nowMs - 7_200_000)
      insertStep.run(`esc_r_${i}`, `lead_${i}`, 'reminder', deadline - 600_000, nowMs - 7_200_000, nowMs - 7_200_000)
      insertStep.run(`esc_c_${i}`, `lead_${i}`, 'owner_call', deadline, nowMs - 7_200_000, nowMs - 7_200_000)
    }
  })()
  // Reminders of the due leads already ran: only their calls are due now.
  repo.db.$client.prepare(`UPDATE escalations SET state = 'done' WHERE step = 'reminder' AND due_at <= ?`).run(nowMs)
}

async function tickAt (openLeads: number, due: number, rounds: number): Promise<{ p50: number; p99: number; max: number; claimed: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-sweep-'))
  try {
    const db = openDb(join(dir, 'bench.db'))
    const repo = new LeadsRepo(db)
    const calls = new CallsRepo(db)
    const bus = new Bus()
    const board = new OperatorBoard({ loadOperators: () => [], statsSince: () => new Map(), bus, now: Date.now, wrapUpMs: 0, timeZone: 'UTC' })
    const ari = new AriLink({ url: 'http://127.0.0.1:9', user: 'x', password: 'x', app: 'ringlead', log })
    const leads = new LeadService({
      repo, calls, bus, log, now: Date.now, newId: (p) => `${p}_${Math.random().toString(36).slice(2)}`,
      settings: { matrix: defaultStatusMatrix, calendar: alwaysOpen(), responseMinutes: 40, responseMinutesBy: {}, dedupWindowMs: 0, refusalReasons: [], ladder, defaultRegion: 'RU' },
      pickOwner: () => null
    })
    const samples: number[] = []
    let claimed = 0
    for (let r = 0; r < rounds; r++) {
      db.$client.exec('DELETE FROM escalations; DELETE FROM lead_events; DELETE FROM leads;')
      const now = Date.now()
      seed(repo, openLeads, due, now)
      const runner = new EscalationRunner({
        repo, leads, line: new EscalationCalls({ ari, board, clock: systemClock, log, settings: { ringTimeoutSeconds: 20, keyTimeoutMs: 5000, guardMs: 1000, customerDialString: 'PJSIP/{number}', outboundCallerId: '', lang: 'en' } }),
        bus, log, now: () => now, newId: (p) => `${p}_${r}_${Math.random().toString(36).slice(2)}`,
        pickOwner: () => null,
        phoneOf: (id) => ({ operatorId: id, endpoint: 'PJSIP/101', mobile: null, state: board.view(id)?.state }),
        managers: () => [], worker: `bench-${r}`,
        settings: {
          ladder, calendar: alwaysOpen(), leaseMs: 60_000, mobileDialString: '', responseMinutes: 40, maxPerTick: 1000, concurrency: 20
        }
      })
      const t0 = process.hrtime.bigint()
      claimed = runner.tick(now)
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
      await runner.drain() // the calls fail (no Asterisk): off the clock
    }
    return { ...percentiles(samples), claimed }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function benchSweep (): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const [open, due] of [[10_000, 1000], [100_000, 1000], [100_000, 0], [10_000, 0]] as const) {
    const r = await tickAt(open, due, due === 0 ? 20 : 5)
    out[`tick ${open.toLocaleString('en')} open / ${due} due: p50 ms`] = r.p50.toFixed(2)
    out[`tick ${open.toLocaleString('en')} open / ${due} due: max ms`] = r.max.toFixed(2)
    out[`tick ${open.toLocaleString('en')} open / ${due} due: claimed`] = String(r.claimed)
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('escalation sweep', await benchSweep())
