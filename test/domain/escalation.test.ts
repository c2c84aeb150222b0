import t from 'tap'
import { decideAfterStep, initialLadder, type LadderPolicy } from '../../src/domain/escalation.js'
import { alwaysOpen } from '../../src/domain/sla-clock.js'

const cal = alwaysOpen()
const policy: LadderPolicy = { reminderBeforeMinutes: 10, ownerCallRetries: 1, retryEveryMinutes: 5, managerGraceMinutes: 15 }
const min = 60_000
const deadline = 40 * min

t.test('a new lead gets a reminder before its deadline and a call at it', async (t) => {
  t.same(initialLadder(deadline, 0, policy, cal), [{ step: 'reminder', dueAt: 30 * min, attempt: 0 }, { step: 'owner_call', dueAt: deadline, attempt: 0 }])
  t.same(initialLadder(5 * min, 0, policy, cal).map((s) => s.step), ['owner_call'], 'no reminder in the past')
})

t.test('an owner who does not answer is called again, then the manager after the grace period', async (t) => {
  const retry = decideAfterStep({ step: 'owner_call', dueAt: deadline, attempt: 0 }, 'no_answer', deadline, deadline, policy, cal)
  t.match(retry, { kind: 'next', step: { step: 'owner_call', dueAt: deadline + 5 * min, attempt: 1 } })
  const manager = decideAfterStep({ step: 'owner_call', dueAt: deadline + 5 * min, attempt: 1 }, 'no_key', deadline, deadline + 5 * min, policy, cal)
  t.match(manager, { kind: 'next', step: { step: 'manager_call', dueAt: deadline + 15 * min, attempt: 0 } })
})

t.test('the ladder stops once someone reached the customer or the manager reassigned the lead', async (t) => {
  t.match(decideAfterStep({ step: 'owner_call', dueAt: deadline, attempt: 0 }, 'connected', deadline, deadline, policy, cal), { kind: 'done' })
  t.match(decideAfterStep({ step: 'manager_call', dueAt: deadline, attempt: 0 }, 'reassigned', deadline, deadline, policy, cal), { kind: 'done' })
})

t.test('a manager who never answers is called again, then the lead stays flagged', async (t) => {
  t.match(decideAfterStep({ step: 'manager_call', dueAt: deadline, attempt: 0 }, 'no_answer', deadline, deadline, policy, cal), { kind: 'next', step: { step: 'manager_call', attempt: 1 } })
  t.match(decideAfterStep({ step: 'manager_call', dueAt: deadline, attempt: 1 }, 'no_answer', deadline, deadline, policy, cal), { kind: 'done', reason: /stays overdue/ })
})
