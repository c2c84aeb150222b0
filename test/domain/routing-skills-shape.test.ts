// The routing view's skills in one shape (skillsOfOneShape) plan exactly as the operators' own.
import t from 'tap'
import { plan, skillsOfOneShape, type OperatorSnapshot, type RoutingPolicy } from '../../src/domain/routing.js'
import { fits, type WaitingCall } from '../../src/domain/wait-queue.js'
import { seeded } from '../../bench/stats.js'

const now = 1_800_000_000_000
const policy: RoutingPolicy = {
  ringTimeoutSeconds: 20, stickyDays: 90, specialistsFirst: true, anyOperatorStep: true,
  ringAllStep: false, managerLast: true, maxAttempts: 6, efficiencyWeight: 0.5
}

function operators (count: number, categories: string[], r: () => number): OperatorSnapshot[] {
  const states: Array<OperatorSnapshot['state']> = ['available', 'available', 'available', 'talking', 'paused']
  return Array.from({ length: count }, (_, i) => {
    const skills: Record<string, number> = {}
    for (let k = Math.floor(r() * 4); k > 0; k--) skills[categories[Math.floor(r() * categories.length)]!] = 1 + Math.floor(r() * 5)
    const state = states[Math.floor(r() * states.length)]!
    return {
      operatorId: `op${i}`, endpoint: `PJSIP/${i}`, isManager: i % 50 === 0, skills, state, stateReason: state,
      idleSinceMs: now - Math.floor(r() * 3_600_000),
      today: { currentCalls: 0, answeredCalls: Math.floor(r() * 30), talkMs: Math.floor(r() * 3_600_000), deals: Math.floor(r() * 5) }
    }
  })
}

t.test('every object has every category in one order, 0 where the operator has none; the originals are untouched', async (t) => {
  const originals: Array<Record<string, number>> = [{ tvs: 3 }, {}, { fridges: 1, tvs: 2 }]
  const shaped = skillsOfOneShape(originals)
  t.same(shaped.map((s) => Object.keys(s)), [['fridges', 'tvs'], ['fridges', 'tvs'], ['fridges', 'tvs']])
  t.same(shaped, [{ fridges: 0, tvs: 3 }, { fridges: 0, tvs: 0 }, { fridges: 1, tvs: 2 }])
  t.same(originals, [{ tvs: 3 }, {}, { fridges: 1, tvs: 2 }])
})

t.test('plan() and the waiting line decide the same with shaped skills as with the operators\' own', async (t) => {
  const categories = Array.from({ length: 20 }, (_, i) => `cat${i}`)
  const r = seeded(11) // the same operators every run
  const ops = operators(300, categories, r)
  const shapedSkills = skillsOfOneShape(ops.map((o) => o.skills))
  const shaped = ops.map((o, i) => ({ ...o, skills: shapedSkills[i]! }))
  let specialists = 0
  for (const categoryId of [...categories, 'unknown', null]) {
    const facts = { categoryId, stickyOperatorId: categoryId === 'cat3' ? 'op7' : null, lastCallAtMs: now - 86_400_000 }
    const own = plan(facts, ops, policy, now)
    t.same(plan(facts, shaped, policy, now), own, `the same plan for ${categoryId ?? 'no category'}`)
    specialists += own.steps.filter((s) => s.kind === 'specialist').length
    // Specialists only: the waiting line asks the skill itself.
    const specialistsOnly = { ...policy, anyOperatorStep: false }
    const waiting: WaitingCall = { callId: 'c1', arrivedAtMs: now - 1000, returning: false, categoryId, stickyOperatorId: null, onlyOperatorIds: null, triedOperatorIds: new Set() }
    t.same(shaped.map((o) => fits(waiting, o, specialistsOnly)), ops.map((o) => fits(waiting, o, specialistsOnly)), `the waiting line agrees for ${categoryId ?? 'no category'}`)
  }
  t.ok(specialists > 20, 'the comparison covers specialist steps')
})

t.test('past 500 categories the skills are left as they are', async (t) => {
  const many: Record<string, number> = {}
  for (let i = 0; i < 501; i++) many[`c${i}`] = 1
  const originals = [many, { c1: 2 }]
  const shaped = skillsOfOneShape(originals)
  t.equal(shaped[0], many)
  t.equal(shaped[1], originals[1])
})
