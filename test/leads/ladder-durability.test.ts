// The ladder lives in the database: a crash loses no step and runs none twice at once.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { LeadsRepo } from '../../src/db/leads-repo.js'
import { openDb } from '../../src/db/open.js'

function world (t: { teardown: (fn: () => void) => void }): { path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-ladder-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return { path: join(dir, 'ringlead.db') }
}

function seed (repo: LeadsRepo, n: number, dueAt: number): void {
  repo.transaction(() => {
    for (let i = 0; i < n; i++) {
      repo.insert({ leadId: `lead_${i}`, phone: `+7903000${String(i).padStart(4, '0')}`, channel: 'api', status: 'new', statusSince: 0, deadlineAt: dueAt, createdAt: 0, updatedAt: 0 })
      repo.addStep({ escalationId: `esc_${i}`, leadId: `lead_${i}`, step: 'owner_call', state: 'pending', dueAt, attempt: 0, createdAt: 0, updatedAt: 0 })
    }
  })
}

t.test('two daemons on one database never claim the same step', async (t) => {
  const { path } = world(t)
  const a = new LeadsRepo(openDb(path))
  const b = new LeadsRepo(openDb(path))
  seed(a, 50, 1000)
  const first = a.claimDue(2000, 'A', 60_000, 30)
  const second = b.claimDue(2000, 'B', 60_000, 30)
  t.equal(first.length, 30)
  t.equal(second.length, 20)
  const ids = new Set([...first, ...second].map((s) => s.escalationId))
  t.equal(ids.size, 50, 'every step claimed exactly once')
  t.same(b.claimDue(2000, 'B', 60_000, 30), [], 'nothing left to claim')
})

t.test('a step claimed by a daemon killed mid-step is taken again after its lease, and only then', async (t) => {
  const { path } = world(t)
  const dead = new LeadsRepo(openDb(path))
  seed(dead, 1, 1000)
  t.equal(dead.claimDue(2000, 'dead-worker', 60_000, 10).length, 1)
  dead.db.$client.close() // kill -9: the claim stays, nobody finishes it

  const restarted = new LeadsRepo(openDb(path))
  t.same(restarted.claimDue(30_000, 'new-worker', 60_000, 10), [], 'not while the lease holds')
  const again = restarted.claimDue(62_001, 'new-worker', 60_000, 10)
  t.same(again.map((s) => [s.escalationId, s.claimedBy]), [['esc_0', 'new-worker']])
  t.equal(restarted.finishStep('esc_0', 'dead-worker', 'done', 'late', 63_000), false, 'the dead worker cannot finish it any more')
  t.equal(restarted.finishStep('esc_0', 'new-worker', 'done', 'connected', 63_000), true)
  t.equal(restarted.steps('lead_0')[0]!.state, 'done')
})

t.test('steps that fell due while the daemon was down run at the first sweep', async (t) => {
  const { path } = world(t)
  const before = new LeadsRepo(openDb(path))
  seed(before, 5, 10_000)
  before.db.$client.close()
  const after = new LeadsRepo(openDb(path))
  t.equal(after.dueCount(3_600_000), 5)
  t.equal(after.claimDue(3_600_000, 'w', 60_000, 100).length, 5)
  t.equal(after.dueCount(3_600_000), 0)
})

t.test('a finished or cancelled step is never claimed again', async (t) => {
  const { path } = world(t)
  const repo = new LeadsRepo(openDb(path))
  seed(repo, 2, 1000)
  const [one] = repo.claimDue(2000, 'w', 10, 1)
  repo.finishStep(one!.escalationId, 'w', 'done', 'sent', 2000)
  repo.cancelPendingSteps('lead_1', 2000, 'answered')
  t.same(repo.claimDue(1e9, 'w', 10, 10), [])
})
