// Objects the call path makes for every call share their hidden classes (V8 maps). Built key by key
// from `{}`, or as a spread followed by other keys, each took a class of its own once the shape
// tree grown from `{}` was full, as it is in the daemon: 43,000 new classes in 27 s at 40 calls/s,
// and a scavenge copied twice the bytes (docs/benchmarks.md, sixteenth pass).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const probe = fileURLToPath(new URL('../fixtures/hidden-classes/probe.ts', import.meta.url))

t.test('the feed, the wallboard figures, the waiting line and the statements\' values keep one hidden class each', async (t) => {
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', probe], { encoding: 'utf8', timeout: 60_000 })
  const counts = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>
  t.ok(counts.control! > 1, `the probe's shape tree is full: fresh {} objects given a new key took ${counts.control} classes`)
  t.equal(counts.operatorEventCount, 50, 'every state change reached the feed')
  for (const kind of ['serviceLevelByCategory', 'gradesByCategory', 'waitingViews', 'placeholderBags', 'operatorEvents', 'operatorEventViews']) {
    t.equal(counts[kind], 1, `${kind}: one hidden class for all 50`)
  }
})
