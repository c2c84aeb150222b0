import t from 'tap'
import { RollingAverage } from '../../src/domain/rolling-average.js'

const MIN = 60_000
const DAY = 86_400_000

t.test('the average of the values of the last day; older ones leave as the day moves on', async (t) => {
  const avg = new RollingAverage(DAY)
  t.equal(avg.average(0), null, 'nothing yet')
  avg.add(10 * MIN, 100)
  avg.add(20 * MIN, 300)
  t.equal(avg.average(30 * MIN), 200)
  // A day after the first value's minute has passed, only the second counts.
  t.equal(avg.average(DAY + 11 * MIN), 300)
  t.equal(avg.count, 1)
  t.equal(avg.average(DAY + 21 * MIN), null, 'all gone')
  avg.add(DAY + 22 * MIN, 50)
  t.equal(avg.average(DAY + 23 * MIN), 50, 'and it fills again')
})

t.test('values may come out of order (a long call started earlier ends later); one older than the window is not counted', async (t) => {
  const avg = new RollingAverage(DAY)
  avg.add(5 * MIN, 10)
  avg.add(2 * MIN, 20)
  avg.add(7 * MIN, 30)
  t.equal(avg.average(8 * MIN), 20)
  t.equal(avg.average(DAY + 3 * MIN), 20, 'the 2-minute value left first: (10 + 30) / 2')
  avg.add(MIN, 1000)
  t.equal(avg.average(DAY + 3 * MIN), 20, 'a value from before the window is dropped')
})

t.test('memory is a bucket per minute whatever the number of values, and the edge moves a minute at a time', async (t) => {
  const avg = new RollingAverage(DAY)
  for (let i = 0; i < 100_000; i++) avg.add(3 * MIN + (i % 1000), 2)
  avg.add(4 * MIN, 4)
  t.equal(avg.count, 100_001)
  t.equal(avg.average(4 * MIN), (200_000 + 4) / 100_001)
  // Within the bucket's minute the values still count; past it they are gone together.
  t.equal(avg.count, 100_001)
  t.equal(avg.average(DAY + 3 * MIN + 59_999), (200_000 + 4) / 100_001)
  t.equal(avg.average(DAY + 4 * MIN), 4)
  t.equal(avg.count, 1)
})

t.test('a window or bucket that is not a positive number is refused, naming both', async (t) => {
  t.throws(() => new RollingAverage(0), /positive window and bucket in ms, got 0 and 60000/)
  t.throws(() => new RollingAverage(DAY, Number.NaN), /got 86400000 and NaN/)
  const avg = new RollingAverage(DAY)
  avg.add(Number.NaN, 5)
  avg.add(MIN, Number.POSITIVE_INFINITY)
  t.equal(avg.average(2 * MIN), null, 'values that are not numbers are not counted')
})
