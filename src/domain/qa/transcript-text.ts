// A transcript typed or pasted by a person, to try QA rules on: one line per turn,
// `operator: text` or `customer: text`, optionally with the moment first (`0:05 operator: …`,
// `[1:02:05] customer: …`). Pure: the same text always gives the same segments or the same error.
import type { Segment, Speaker } from '../transcript.js'

/** Speech runs at about 150 words a minute: a line's length in time when nothing says otherwise. */
export const msPerWord = 400
export const maxTranscriptLines = 5000

const speakers: Record<string, Speaker> = { operator: 'operator', оператор: 'operator', customer: 'caller', caller: 'caller', клиент: 'caller' }

export type ParsedTranscript = { ok: true; segments: Segment[] } | { ok: false; line: number; problem: string }

const lineShape = /^\s*(?:\[?\s*(?:(\d+):)?(\d{1,3}):(\d{1,2})\s*\]?\s+)?([^\s:]+)\s*:\s*(.*)$/u

/** The segments of a pasted transcript, or the first bad line (counted from 1, blank lines too). */
export function parseTranscriptText (text: string): ParsedTranscript {
  const lines = text.split(/\r?\n/)
  if (lines.length > maxTranscriptLines) return { ok: false, line: maxTranscriptLines + 1, problem: `at most ${maxTranscriptLines} lines` }
  const segments: Segment[] = []
  let prevStart = -1
  let prevEnd = 0
  for (const [i, raw] of lines.entries()) {
    const line = i + 1
    if (raw.trim() === '') continue
    const m = lineShape.exec(raw)
    const quoted = JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)
    if (m === null) return { ok: false, line, problem: `expected "operator: text" or "customer: text", optionally after a time like 0:05; got ${quoted}` }
    const [, hours, minutes, seconds, who, said] = m
    const speaker = speakers[who!.toLowerCase()]
    if (speaker === undefined) return { ok: false, line, problem: `"${who}" is not a speaker: write operator or customer` }
    const words = said!.trim()
    if (words === '') return { ok: false, line, problem: 'nothing is said after the colon' }
    let startMs = prevEnd
    if (seconds !== undefined) {
      if (Number(seconds) >= 60 || (hours !== undefined && Number(minutes) >= 60)) return { ok: false, line, problem: `${raw.trim().split(/\s/)[0]} is not a time: write m:ss or h:mm:ss` }
      startMs = ((Number(hours ?? 0) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000
      if (startMs < prevStart) return { ok: false, line, problem: 'its time is before the line above; lines go in the order said' }
    }
    const endMs = startMs + Math.max(1, words.split(/\s+/).length) * msPerWord
    segments.push({ speaker, startMs, endMs, text: words })
    prevStart = startMs
    prevEnd = Math.max(prevEnd, endMs)
  }
  if (segments.length === 0) return { ok: false, line: 1, problem: 'the transcript is empty' }
  return { ok: true, segments }
}
