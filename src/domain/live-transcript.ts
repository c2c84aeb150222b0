// The transcript of a call still going on, built from overlapping windows of its audio: which
// window's segments are new, and which findings are new alerts (where windows are cut: live-cuts.ts).
// Times are audio times (milliseconds of a party's stream), never the wall clock.
import { isAlert, scoreCall, type QaFinding, type QaRule } from './qa.js'
import type { Segment, Speaker, TrackSegment } from './transcript.js'

export interface WindowPlan {
  /** Audio one window holds. */
  windowMs: number
  /** Audio two neighbouring windows share, so a word cut by one window's edge is whole in the other. */
  overlapMs: number
}

export interface AudioWindow {
  startMs: number
  endMs: number
  /** The stretch whose segments this window keeps (live-cuts.ts); absent: its halves of the plan's overlaps (ownedSpan). */
  owned?: { startMs: number; endMs: number }
}

export function checkWindowPlan (plan: WindowPlan): string[] {
  const problems: string[] = []
  if (!(plan.windowMs >= 1000)) problems.push(`window ${plan.windowMs} ms: at least 1000 ms`)
  if (!(plan.overlapMs >= 0 && plan.overlapMs < plan.windowMs)) problems.push(`overlap ${plan.overlapMs} ms: from 0 to less than the window (${plan.windowMs} ms)`)
  return problems
}

/** whisper.cpp's encoder: one frame per 20 ms, 1500 frames (30 s) per window unless told fewer. */
const ENCODER_FRAME_MS = 20
const ENCODER_FRAMES = 1500
/** Beyond the audio: a word cut by the window's edge keeps some silence after it, as in a 30 s window. */
const ENCODER_MARGIN_FRAMES = 25
/** With flash attention whisper.cpp pads the encoder's frames to a multiple of 256 with unmasked zero keys. */
const FLASH_ATTN_PAD = 256

/**
 * Encoder frames (whisper.cpp's audio_ctx) for a live window of `windowMs`: the window's own frames
 * and a margin, rounded up to 256 with flash attention so no padding frames are attended to beyond
 * what a 30 s window has; 0 (whisper.cpp's whole 30 s) when that would reach 1500 anyway.
 */
export function liveAudioCtx (windowMs: number, flashAttn: boolean): number {
  const frames = Math.ceil(windowMs / ENCODER_FRAME_MS) + ENCODER_MARGIN_FRAMES
  const rounded = flashAttn ? Math.ceil(frames / FLASH_ATTN_PAD) * FLASH_ATTN_PAD : frames
  return rounded >= ENCODER_FRAMES ? 0 : rounded
}

/**
 * The part of a window whose segments it keeps: each overlap is split in its middle, so a segment
 * heard by two windows is kept by the one that holds it further from its edge.
 */
export function ownedSpan (w: AudioWindow, plan: WindowPlan): AudioWindow {
  const half = plan.overlapMs / 2
  return { startMs: w.startMs === 0 ? 0 : w.startMs + half, endMs: w.endMs - half }
}

const sameText = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim() === b.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()

/**
 * A window's segments (times from the window's start) placed on the stream, without those another
 * window keeps and without repeats of what is already kept (same words, overlapping in time).
 */
export function newSegments (w: AudioWindow, segments: readonly TrackSegment[], plan: WindowPlan, kept: readonly TrackSegment[]): TrackSegment[] {
  const owned = w.owned ?? ownedSpan(w, plan)
  const out: TrackSegment[] = []
  for (const s of segments) {
    const text = s.text.trim()
    if (text === '') continue
    const startMs = w.startMs + Math.max(0, s.startMs)
    const endMs = Math.min(w.endMs, w.startMs + Math.max(s.startMs, s.endMs))
    const mid = (startMs + endMs) / 2
    if (mid < owned.startMs || mid >= owned.endMs) continue
    const repeat = [...kept, ...out].some((k) => k.startMs < endMs && startMs < k.endMs && sameText(k.text, text))
    if (!repeat) out.push({ startMs, endMs, text })
  }
  return out
}

/** The language a call's live windows are asked in, and what the last window detected. */
export interface LiveLanguage { language: string; detected: string | null }

/**
 * The language after a window that detected `detected`: a named one stays; with 'auto' whisper.cpp
 * detects it on a whole 30 s encoder pass whatever the window's own encoder length (several times a
 * short window's cost), so once two windows of the call in a row detect the same language, the rest
 * of the call is asked in it (one short window alone may be heard wrong).
 */
export function liveLanguage (s: LiveLanguage, detected: string): LiveLanguage {
  if (s.language !== 'auto' || detected === '' || detected === 'auto') return s
  return { language: s.detected === detected ? detected : 'auto', detected }
}

/** What a call has said so far, per party, and which alerts went out for it. */
export class LiveTranscript {
  private readonly tracks: Record<Speaker, TrackSegment[]> = { caller: [], operator: [] }
  private readonly alerted = new Set<string>()

  /** Keeps a window's new segments; returns them. */
  add (speaker: Speaker, w: AudioWindow, segments: readonly TrackSegment[], plan: WindowPlan): TrackSegment[] {
    const fresh = newSegments(w, segments, plan, this.tracks[speaker])
    this.tracks[speaker].push(...fresh)
    return fresh
  }

  segments (): Segment[] {
    return (['caller', 'operator'] as const).flatMap((speaker) => this.tracks[speaker].map((s) => ({ ...s, speaker })))
      .sort((a, b) => a.startMs - b.startMs)
  }

  /**
   * Severe findings about something said that were not raised before. A finding about something
   * missing (no greeting yet) waits for the full recording: the call is not over.
   */
  newAlerts (rules: readonly QaRule[]): QaFinding[] {
    const out: QaFinding[] = []
    for (const f of scoreCall(this.segments(), rules).findings) {
      if (!isAlert(f) || f.segmentIndex === null) continue
      const key = `${f.ruleId}|${f.speaker ?? ''}|${f.atMs ?? ''}|${f.text ?? ''}`
      if (this.alerted.has(key)) continue
      this.alerted.add(key)
      out.push(f)
    }
    return out
  }
}
