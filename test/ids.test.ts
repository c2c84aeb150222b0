import t from 'tap'
import { orderedId, randomId } from '../src/ids.js'

const parts = (id: string): { ms: number; seq: number } => {
  const m = /^[a-z]+_([0-9a-f]{11})([0-9a-f]{5})$/.exec(id)
  if (!m) throw new Error(`not an ordered id: ${id}`)
  return { ms: parseInt(m[1]!, 16), seq: parseInt(m[2]!, 16) }
}

t.test('an ordered id is the prefix, the milliseconds and a sequence, 16 hex digits like a random one', async (t) => {
  const id = orderedId('call', 1_796_400_000_123)
  t.match(id, /^call_[0-9a-f]{16}$/)
  t.match(randomId('call'), /^call_[0-9a-f]{16}$/)
  t.equal(parts(id).ms, 1_796_400_000_123)
  // A new millisecond starts its sequence in the lower half, leaving room to count up.
  t.ok(parts(id).seq < 2 ** 19)
})

t.test('ids sort in the order they were made: across milliseconds, within one, and when the clock goes back', async (t) => {
  const made: string[] = []
  let now = 1_796_500_000_000
  for (let i = 0; i < 5000; i++) {
    if (i % 7 === 0) now += 1
    if (i === 3000) now -= 60_000 // the clock is set back a minute
    made.push(orderedId('att', now))
  }
  t.equal(new Set(made).size, made.length, 'no id twice')
  t.strictSame([...made].sort(), made, 'string order is creation order')
  // After the clock went back, ids keep counting on from the last millisecond used.
  t.equal(parts(made[3000]!).ms, parts(made[2999]!).ms)
})

t.test('more ids in one millisecond than the sequence holds carry into the next millisecond', async (t) => {
  const now = 1_796_600_000_000
  const first = orderedId('ev', now)
  let last = first
  for (let i = 0; i < 2 ** 20; i++) {
    const id = orderedId('ev', now)
    if (id <= last) { t.fail(`id ${id} does not sort after ${last}`); return }
    last = id
  }
  t.equal(parts(last).ms, now + 1, 'the millisecond part moved on')
  // The next real millisecond after that carries on above it.
  t.ok(orderedId('ev', now + 1) > last)
  t.ok(orderedId('ev', now + 2) > last)
})
