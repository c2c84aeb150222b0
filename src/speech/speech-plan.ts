// At start: which whisper.cpp build runs (one log line saying so, with its instruction set) and how
// many calls are transcribed at once, in how many processes, from this machine's cores and memory.
import { statSync } from 'node:fs'
import { availableParallelism, totalmem } from 'node:os'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { planSpeechCapacity, type SpeechCapacity } from '../domain/speech-capacity.js'
import { describeEngine, engineLogLine, type EngineInfo } from './engine.js'

/** A base-sized model's weights (ggml-base.bin), assumed while no model file is there yet. */
const assumedModelBytes = 148 * 1024 * 1024

export function speechPlan (config: Config['speech'], log: Logger): SpeechCapacity & { engine: EngineInfo } {
  const engine = describeEngine(config.engine)
  log.info({ engine: engine.kind, instructionSets: engine.instructionSets, systemInfo: engine.systemInfo, fallbackReason: engine.fallbackReason }, engineLogLine(engine))
  let modelBytes = assumedModelBytes
  try { if (config.modelPath !== '') modelBytes = statSync(config.modelPath).size } catch { /* the runner reports a missing model */ }
  const plan = planSpeechCapacity({
    cores: availableParallelism(), totalMemBytes: totalmem(), modelBytes,
    sharesModel: engine.sharesModel, shareWanted: config.sharedModel, concurrency: config.concurrency, threads: config.threads
  })
  log.info({ concurrency: plan.concurrency, threads: plan.threads, processes: plan.processes, expectedMB: Math.round(plan.expectedBytes / 2 ** 20), why: plan.why }, 'transcription capacity')
  return { ...plan, engine }
}
