// One party's live audio: frames are judged speech or silence, the windows live-cuts.ts decides on are
// cut from the samples, and no more audio is held than the next window can reach back to.
import { FRAME_MS, heard, isSpeech, nextCut, noCuts, type CutPlan, type CutState, type LiveWindow } from '../domain/live-cuts.js'

const SAMPLES_PER_MS = 16
const FRAME = FRAME_MS * SAMPLES_PER_MS

export class PartyAudio {
  private chunks: Int16Array[] = []
  /** Sample index (from the stream's start) of the first sample held. */
  private heldFrom = 0
  private held = 0
  /** Samples in, not yet judged (less than a frame). */
  private judged = 0
  private state: CutState = noCuts
  /** End (audio time) of the latest frame of speech; -1 before any. */
  lastSpeechEndMs = -1

  constructor (private readonly plan: CutPlan) {}

  get receivedMs (): number { return this.state.receivedMs }

  /** Adds samples; returns the windows now cut, with their audio. */
  push (samples: Int16Array): Array<{ window: LiveWindow; samples: Int16Array }> {
    this.chunks.push(samples)
    this.held += samples.length
    const out: Array<{ window: LiveWindow; samples: Int16Array }> = []
    let all: Int16Array | null = null
    const stream = (): Int16Array => (all ??= this.joined())
    while (this.heldFrom + this.held - this.judged >= FRAME) {
      const at = this.judged - this.heldFrom
      const speech = isSpeech(stream().subarray(at, at + FRAME), this.plan.silenceRms)
      this.judged += FRAME
      this.state = heard(this.state, FRAME_MS, speech)
      if (speech) this.lastSpeechEndMs = this.state.receivedMs
      for (let cut = nextCut(this.state, this.plan); cut !== null; cut = nextCut(this.state, this.plan)) {
        this.state = cut.state
        const w = cut.window
        out.push({ window: w, samples: stream().slice(w.startMs * SAMPLES_PER_MS - this.heldFrom, w.endMs * SAMPLES_PER_MS - this.heldFrom) })
      }
    }
    if (out.length > 0) this.keepFrom(stream(), out[out.length - 1]!.window)
    return out
  }

  private joined (): Int16Array {
    if (this.chunks.length === 1) return this.chunks[0]!
    const all = new Int16Array(this.held)
    let at = 0
    for (const c of this.chunks) { all.set(c, at); at += c.length }
    this.chunks = [all]
    return all
  }

  /** A later window ends after `last` does, so it starts after `last`'s end less a window: nothing before that is needed. */
  private keepFrom (all: Int16Array, last: LiveWindow): void {
    const from = Math.max(0, (last.endMs - this.plan.windowMs) * SAMPLES_PER_MS - this.heldFrom)
    this.chunks = [all.slice(from)]
    this.heldFrom += from
    this.held = this.chunks[0]!.length
  }
}
