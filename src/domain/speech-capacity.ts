// How many calls to transcribe at once, with how many threads each and in how many processes, from
// the machine's cores and memory and the model's size. Measured basis (docs/pending/wt-engine.md):
// whisper.cpp scales sub-linearly past 2 threads per call, so cores go to more calls rather than
// more threads; a worker process holds the model's weights plus about one model's worth of decoding
// buffers per call in hand.

export interface SpeechMachine {
  /** os.availableParallelism() */
  cores: number
  /** os.totalmem() */
  totalMemBytes: number
}

export interface SpeechCapacityInput extends SpeechMachine {
  /** Size of the model file (its weights, loaded once per process). */
  modelBytes: number
  /** The engine lets several calls share one loaded model in one process. */
  sharesModel: boolean
  /** Whether the configuration asks to share it (speech.sharedModel). */
  shareWanted: boolean
  /** speech.concurrency; 0 = choose. */
  concurrency: number
  /** speech.threads. */
  threads: number
}

export interface SpeechCapacity {
  concurrency: number
  threads: number
  /** Worker processes: 1 when the calls share the model, else one per concurrent call. */
  processes: number
  /** Bytes the transcription processes are expected to hold at full concurrency. */
  expectedBytes: number
  why: string
}

/** Transcription may take at most this share of the machine's memory when it chooses for itself. */
const memoryShare = 0.5
/** Decoding buffers per call in hand, as a share of the model's weights (base-sized: ~0.45; floor 60 MB). */
const perCallShare = 0.5
const perCallFloor = 60 * 1024 * 1024

export function perCallBytes (modelBytes: number): number {
  return Math.max(perCallFloor, Math.round(modelBytes * perCallShare))
}

export function expectedBytes (modelBytes: number, concurrency: number, shared: boolean): number {
  return (shared ? modelBytes : modelBytes * concurrency) + perCallBytes(modelBytes) * concurrency
}

export function planSpeechCapacity (i: SpeechCapacityInput): SpeechCapacity {
  const shared = i.sharesModel && i.shareWanted
  const threads = Math.max(1, Math.min(i.threads, i.cores))
  let concurrency = i.concurrency
  let why = 'as configured'
  if (concurrency <= 0) {
    const byCores = Math.max(1, Math.floor(i.cores / threads))
    const budget = i.totalMemBytes * memoryShare
    let byMemory = 1
    while (byMemory < byCores && expectedBytes(i.modelBytes, byMemory + 1, shared) <= budget) byMemory++
    concurrency = Math.min(byCores, byMemory)
    why = `${i.cores} cores / ${threads} threads per call = ${byCores}; memory allows ${byMemory} within half of ${Math.round(i.totalMemBytes / 2 ** 20)} MB`
  }
  return { concurrency, threads, processes: shared ? 1 : concurrency, expectedBytes: expectedBytes(i.modelBytes, concurrency, shared), why }
}
