// Transcription must never slow a call: its worker processes run at the configured low priority,
// every thread of them, whisper.cpp's included.
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { spoken, testModel } from '../helpers/speech.js'

const niceOfThreads = (pid: number): number[] => readdirSync(`/proc/${pid}/task`).map((tid) => {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
})

t.test('every thread of a transcription worker runs at the configured nice level', async (t) => {
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 2, workers: 1, nice: 15 })
  t.teardown(() => transcriber.close())
  await transcriber.transcribe([{ speaker: 'caller', path: spoken('priority-en', 'Hello, I would like to order a fridge.', 'en') }], 'en')
  const [pid] = transcriber.processIds
  t.ok(pid !== undefined, 'a worker is running')
  const nices = niceOfThreads(pid!)
  t.ok(nices.length > 1, `${nices.length} threads`)
  t.same([...new Set(nices)], [15])
})
