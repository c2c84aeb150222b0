// Transcription must never slow a call: its worker processes run at the configured low priority,
// every thread of them, whisper.cpp's included.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { WorkerTranscriber } from '../../src/speech/transcriber.js'
import { spoken, testModel } from '../helpers/speech.js'

/** A field of each thread's /proc stat line, numbered as proc(5) numbers them (19 nice, 41 policy). */
const ofThreads = (pid: number, field: number): number[] => readdirSync(`/proc/${pid}/task`).map((tid) => {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[field - 3])
})
const niceOfThreads = (pid: number): number[] => ofThreads(pid, 19)
const SCHED_OTHER = 0
const SCHED_IDLE = 5
const hasChrt = spawnSync('chrt', ['--version']).status === 0

t.test('every thread of a transcription worker runs at the configured nice level', async (t) => {
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 2, workers: 1, nice: 15 })
  t.teardown(() => transcriber.close())
  await transcriber.transcribe([{ speaker: 'caller', path: spoken('priority-en', 'Hello, I would like to order a fridge.', 'en') }], 'en')
  const [pid] = transcriber.processIds
  t.ok(pid !== undefined, 'a worker is running')
  const nices = niceOfThreads(pid!)
  t.ok(nices.length > 1, `${nices.length} threads`)
  t.same([...new Set(nices)], [15])
  t.same([...new Set(ofThreads(pid!, 41))], [SCHED_OTHER], 'above the lowest priority: the normal policy')
})

t.test('at the lowest priority every thread of a worker runs under SCHED_IDLE: only on a core nothing else wants', { skip: hasChrt ? false : 'no chrt (util-linux) on this machine' }, async (t) => {
  const transcriber = new WorkerTranscriber({ modelPath: await testModel(), threads: 2, workers: 1, nice: 19 })
  t.teardown(() => transcriber.close())
  await transcriber.transcribe([{ speaker: 'caller', path: spoken('priority-en', 'Hello, I would like to order a fridge.', 'en') }], 'en')
  const [pid] = transcriber.processIds
  const policies = ofThreads(pid!, 41)
  t.ok(policies.length > 1, `${policies.length} threads`)
  t.same([...new Set(policies)], [SCHED_IDLE])
})
