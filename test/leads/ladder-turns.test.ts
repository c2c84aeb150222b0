// A sweep's due steps never hold the event loop together: each starts in a turn of its own, so a
// call's events (here a timer) get in between any two of them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { Bus } from '../../src/bus.js'
import { CallsRepo } from '../../src/db/calls-repo.js'
import { LeadsRepo } from '../../src/db/leads-repo.js'
import { openDb } from '../../src/db/open.js'
import { defaultStatusMatrix } from '../../src/domain/lead-status.js'
import { alwaysOpen } from '../../src/domain/sla-clock.js'
import { EscalationRunner } from '../../src/leads/escalation-runner.js'
import { LeadService } from '../../src/leads/lead-service.js'

const ladder = { reminderBeforeMinutes: 10, ownerCallRetries: 1, retryEveryMinutes: 5, managerGraceMinutes: 15 }
const log = pino({ level: 'silent' })

function world (t: { teardown: (fn: () => void) => void }, dueReminders: number, nowMs: number): { runner: EscalationRunner; done: () => number; escalated: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-ladder-turns-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const db = openDb(join(dir, 'ringlead.db'))
  t.teardown(() => { db.$client.close() })
  const repo = new LeadsRepo(db)
  const bus = new Bus()
  let escalated = 0
  bus.on('lead.escalated', () => { escalated++ })
  repo.transaction(() => {
    for (let i = 0; i < dueReminders; i++) {
      const deadlineAt = nowMs + 5 * 60_000
      repo.insert({ leadId: `lead_${i}`, phone: `+7903000${String(i).padStart(4, '0')}`, channel: 'api', status: 'new', statusSince: 0, deadlineAt, createdAt: 0, updatedAt: 0 })
      repo.addStep({ escalationId: `esc_${i}`, leadId: `lead_${i}`, step: 'reminder', state: 'pending', dueAt: nowMs - 1000, attempt: 0, createdAt: 0, updatedAt: 0 })
    }
  })
  const leads = new LeadService({
    repo, calls: new CallsRepo(db), bus, log, now: () => nowMs, newId: (p) => `${p}_${Math.random().toString(36).slice(2)}`,
    settings: { matrix: defaultStatusMatrix, calendar: alwaysOpen(), responseMinutes: 40, responseMinutesBy: {}, dedupWindowMs: 0, refusalReasons: [], ladder, defaultRegion: 'RU' },
    pickOwner: () => null
  })
  let ids = 0
  const runner = new EscalationRunner({
    repo, leads, bus, log, now: () => nowMs, newId: (p) => `${p}_${++ids}`,
    line: { call: () => Promise.reject(new Error('a reminder places no call')) },
    pickOwner: () => null, phoneOf: () => undefined, managers: () => [], worker: 'test',
    settings: { ladder, calendar: alwaysOpen(), leaseMs: 60_000, mobileDialString: '', responseMinutes: 40, maxPerTick: 1000, concurrency: 20 }
  })
  const count = db.$client.prepare("SELECT count(*) AS n FROM escalations WHERE state = 'done'")
  return { runner, done: () => (count.get() as { n: number }).n, escalated: () => escalated }
}

t.test('due reminders run one a turn: a timer due meanwhile fires long before the last of them', async (t) => {
  const nowMs = Date.UTC(2026, 11, 7, 10)
  const w = world(t, 200, nowMs)
  t.equal(w.runner.tick(nowMs), 200, 'the sweep claims every due reminder')
  const doneWhenTimerFired = await new Promise<number>((resolve) => { setTimeout(() => { resolve(w.done()) }, 0) })
  // Back to back from one turn, all 200 ran before the timer could; one a turn, only those started
  // in the millisecond or so before it.
  t.ok(doneWhenTimerFired < 20, `${doneWhenTimerFired} of 200 reminders done when the timer fired`)
  await w.runner.drain()
  t.equal(w.done(), 200, 'every reminder ran')
  t.equal(w.escalated(), 200, 'each one told the bus')
  t.equal(w.runner.running, 0)
})

t.test('drain resolves once every claimed step has run, more of them than run at once', async (t) => {
  const nowMs = Date.UTC(2026, 11, 7, 10)
  const w = world(t, 45, nowMs)
  t.equal(w.runner.tick(nowMs), 45)
  await w.runner.drain()
  t.equal(w.done(), 45)
  t.equal(w.runner.running, 0)
})
