// Where one party's live audio is cut into windows. A window is cut when the party stops speaking
// (a tail of silence after speech: the phrase just said goes to the engine at once) and, while the
// party talks on, when a window's length of audio has come since the last cut. Each window keeps
// (owns) the stretch of audio from where the previous one stopped owning: a cut in silence owns up
// to its end, a cut at the cap leaves the far half of the overlap to the next window, which starts
// `overlapMs` before it so a word at the cut is whole there. Times are audio times of the party's
// stream (milliseconds), never the wall clock.
import type { AudioWindow, WindowPlan } from './live-transcript.js'
import { loudEnough } from './silence-gate.js'

export interface CutPlan extends WindowPlan {
  /** A frame whose RMS (16-bit samples) is below this is silence; 0 = every frame is speech (no endpointing). */
  silenceRms: number
  /** Silence after speech that closes the window at once; 0 = windows only at the cap (every windowMs - overlapMs). */
  endpointMs: number
}

/** Why a window was cut: the party stopped speaking, or a whole window of audio came. */
export type CutReason = 'endpoint' | 'cap'

export interface LiveWindow extends AudioWindow {
  owned: { startMs: number; endMs: number }
  reason: CutReason
  /** Speech in the window's own stretch: a window without is not worth transcribing. */
  speech: boolean
}

/** What the cutting of one party's stream remembers. */
export interface CutState {
  /** Audio in so far. */
  receivedMs: number
  last: LiveWindow | null
  /** Stretches of speech not wholly owned by a window cut yet, in order, merged. */
  speech: ReadonlyArray<{ startMs: number; endMs: number }>
}

export const FRAME_MS = 20

export const noCuts: CutState = { receivedMs: 0, last: null, speech: [] }

export function checkCutPlan (plan: CutPlan): string[] {
  const problems: string[] = []
  if (!(plan.silenceRms >= 0)) problems.push(`silence RMS ${plan.silenceRms}: 0 or more`)
  if (!(plan.endpointMs === 0 || (plan.endpointMs >= FRAME_MS && plan.endpointMs < plan.windowMs))) problems.push(`endpoint ${plan.endpointMs} ms: 0 (off) or from ${FRAME_MS} ms to less than the window (${plan.windowMs} ms)`)
  return problems
}

/** Whether one frame of samples is speech: its RMS reaches the silence threshold. */
export function isSpeech (frame: Int16Array, silenceRms: number): boolean {
  return silenceRms <= 0 || loudEnough(frame, 0, frame.length, silenceRms)
}

/** The state after one more frame of `ms` of audio, speech or not. */
export function heard (state: CutState, ms: number, speech: boolean): CutState {
  const startMs = state.receivedMs
  const receivedMs = startMs + ms
  if (!speech) return { ...state, receivedMs }
  const prev = state.speech[state.speech.length - 1]
  const stretches = prev !== undefined && prev.endMs >= startMs
    ? [...state.speech.slice(0, -1), { startMs: prev.startMs, endMs: receivedMs }]
    : [...state.speech, { startMs, endMs: receivedMs }]
  return { ...state, receivedMs, speech: stretches }
}

/** Where the next window starts owning: where the last one stopped. */
const ownedFrom = (last: LiveWindow | null): number => last === null ? 0 : last.owned.endMs

/** The end of the next window at the cap: a window's length after where the next window starts. */
export function capEnd (last: LiveWindow | null, plan: WindowPlan): number {
  return last === null ? plan.windowMs : last.endMs - plan.overlapMs + plan.windowMs
}

/** The window to cut now, and the state after it; null while none is due. Call again after a cut: a burst of audio may complete more. */
export function nextCut (state: CutState, plan: CutPlan): { window: LiveWindow; state: CutState } | null {
  const from = ownedFrom(state.last)
  const cap = capEnd(state.last, plan)
  let endMs: number
  let reason: CutReason
  let ownedTo: number
  if (state.receivedMs >= cap) {
    endMs = cap
    reason = 'cap'
    ownedTo = cap - plan.overlapMs / 2
  } else {
    const lastSpeech = state.speech[state.speech.length - 1]
    const unowned = lastSpeech !== undefined && lastSpeech.endMs > from
    if (plan.endpointMs <= 0 || !unowned || state.receivedMs - lastSpeech.endMs < plan.endpointMs) return null
    endMs = state.receivedMs
    reason = 'endpoint'
    // The cut is in silence: nothing said lies across it.
    ownedTo = endMs
  }
  const owned = { startMs: from, endMs: ownedTo }
  const window: LiveWindow = {
    startMs: Math.max(0, endMs - plan.windowMs),
    endMs,
    owned,
    reason,
    speech: state.speech.some((s) => s.startMs < owned.endMs && s.endMs > owned.startMs)
  }
  return { window, state: { ...state, last: window, speech: state.speech.filter((s) => s.endMs > ownedTo) } }
}

/**
 * Where a window just cut goes in the engine's queue (`waiting`: the reasons of the windows waiting,
 * first served first): a phrase's end goes ahead of every window cut at the cap, behind earlier
 * phrase ends, so one party talking on (or many calls) cannot hold back the alert on what another
 * party just said; windows cut at the cap keep their order at the back.
 */
export function queueAt (waiting: readonly CutReason[], reason: CutReason): number {
  if (reason === 'cap') return waiting.length
  const firstCap = waiting.indexOf('cap')
  return firstCap === -1 ? waiting.length : firstCap
}

/** Which waiting window a full queue loses: the oldest cut at the cap, else the oldest. */
export function dropAt (waiting: readonly CutReason[]): number {
  const firstCap = waiting.indexOf('cap')
  return firstCap === -1 ? 0 : firstCap
}
