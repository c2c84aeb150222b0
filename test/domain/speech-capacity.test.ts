import t from 'tap'
import { perCallBytes, planSpeechCapacity } from '../../src/domain/speech-capacity.js'

const MB = 2 ** 20
const GB = 2 ** 30
const base = 148 * MB

t.test('chosen from cores: one call per `threads` cores; a shared model means one process', async (t) => {
  const p = planSpeechCapacity({ cores: 4, totalMemBytes: 8 * GB, modelBytes: base, sharesModel: true, shareWanted: true, concurrency: 0, threads: 2 })
  t.same({ concurrency: p.concurrency, threads: p.threads, processes: p.processes }, { concurrency: 2, threads: 2, processes: 1 })
  t.equal(p.expectedBytes, base + 2 * perCallBytes(base))
  t.match(p.why, /4 cores \/ 2 threads per call = 2/)
})

t.test('without sharing each call has its own process and its own copy of the model', async (t) => {
  const p = planSpeechCapacity({ cores: 8, totalMemBytes: 16 * GB, modelBytes: base, sharesModel: false, shareWanted: true, concurrency: 0, threads: 2 })
  t.equal(p.processes, 4)
  t.equal(p.expectedBytes, 4 * (base + perCallBytes(base)))
  const off = planSpeechCapacity({ cores: 8, totalMemBytes: 16 * GB, modelBytes: base, sharesModel: true, shareWanted: false, concurrency: 0, threads: 2 })
  t.equal(off.processes, 4, 'speech.sharedModel=false gives a process per call even where the engine could share')
})

t.test('memory caps the choice at half the machine, never below one call', async (t) => {
  const large = 1500 * MB
  const p = planSpeechCapacity({ cores: 16, totalMemBytes: 8 * GB, modelBytes: large, sharesModel: false, shareWanted: true, concurrency: 0, threads: 2 })
  t.equal(p.concurrency, 1, 'two copies of a 1.5 GB model and their buffers do not fit in 4 GB')
  const shared = planSpeechCapacity({ cores: 16, totalMemBytes: 8 * GB, modelBytes: large, sharesModel: true, shareWanted: true, concurrency: 0, threads: 2 })
  t.equal(shared.concurrency, 3, 'shared: 1.5 GB once, then 750 MB per call within 4 GB')
  const tiny = planSpeechCapacity({ cores: 2, totalMemBytes: 256 * MB, modelBytes: base, sharesModel: false, shareWanted: true, concurrency: 0, threads: 2 })
  t.equal(tiny.concurrency, 1)
})

t.test('a configured concurrency is kept; threads never exceed the cores', async (t) => {
  const p = planSpeechCapacity({ cores: 2, totalMemBytes: 1 * GB, modelBytes: base, sharesModel: true, shareWanted: true, concurrency: 5, threads: 8 })
  t.same({ concurrency: p.concurrency, threads: p.threads, why: p.why }, { concurrency: 5, threads: 2, why: 'as configured' })
})
