// Language-quality measures of the operator's speech: fillers, talk–listen, monologues, silences,
// interruptions and pace.
import type { Segment, Speaker } from '../transcript.js'
import { countFillers, defaultFillers, type FillerPhrase } from './fillers.js'
import { normaliseWords } from './text.js'
import type { QaMetrics } from './types.js'

export interface QaSettings {
  /** Filler words and phrases (with the words around them that make them not fillers), counted in the operator's speech. */
  fillers: ReadonlyArray<string | FillerPhrase>
  /** A gap with nobody speaking longer than this is a long silence. */
  silenceMs: number
  /** Same-speaker segments closer than this form one monologue. */
  monologueGapMs: number
  /** The operator starting to speak this far inside the caller's segment is an interruption. */
  interruptionOverlapMs: number
}

export const defaultQaSettings: QaSettings = {
  fillers: defaultFillers,
  silenceMs: 5000,
  monologueGapMs: 1500,
  interruptionOverlapMs: 300
}

/** Language-quality measures of the operator's speech. */
export function measureQuality (segments: readonly Segment[], settings: QaSettings = defaultQaSettings, wordsOf?: (segmentIndex: number) => readonly string[]): QaMetrics {
  const talk = (who: Speaker): number => segments.filter((s) => s.speaker === who).reduce((n, s) => n + (s.endMs - s.startMs), 0)
  const operatorMs = talk('operator')
  const callerMs = talk('caller')
  // The normalised words of each segment, when the caller already has them (scoreCall's index).
  const operatorWords = segments.flatMap((s, i) => s.speaker === 'operator' ? [wordsOf?.(i) ?? normaliseWords(s.text)] : [])
  const fillers = operatorWords.reduce((n, words) => n + countFillers(words, settings.fillers), 0)
  const minutes = operatorMs / 60_000
  let longest = 0
  let run: { speaker: Speaker; startMs: number; endMs: number } | null = null
  let silences = 0
  let interruptions = 0
  let lastEnd: number | null = null
  const open: Segment[] = []
  for (const s of segments) {
    if (run !== null && run.speaker === s.speaker && s.startMs - run.endMs <= settings.monologueGapMs) run.endMs = Math.max(run.endMs, s.endMs)
    else run = { speaker: s.speaker, startMs: s.startMs, endMs: s.endMs }
    longest = Math.max(longest, run.endMs - run.startMs)
    if (lastEnd !== null && s.startMs - lastEnd > settings.silenceMs) silences++
    lastEnd = Math.max(lastEnd ?? 0, s.endMs)
    if (s.speaker === 'operator' && open.some((c) => c.speaker === 'caller' && s.startMs >= c.startMs + settings.interruptionOverlapMs && s.startMs < c.endMs)) interruptions++
    open.push(s)
    while (open.length > 0 && open[0]!.endMs <= s.startMs) open.shift()
  }
  const wordCount = operatorWords.reduce((n, w) => n + w.length, 0)
  const round = (n: number): number => Math.round(n * 100) / 100
  return {
    fillersPerMinute: minutes > 0 ? round(fillers / minutes) : 0,
    talkListenRatio: callerMs > 0 ? round(operatorMs / callerMs) : operatorMs > 0 ? Number.POSITIVE_INFINITY : 0,
    longestMonologueMs: longest,
    longSilences: silences,
    interruptions,
    wordsPerMinute: minutes > 0 ? round(wordCount / minutes) : 0,
    speechMs: operatorMs + callerMs
  }
}
