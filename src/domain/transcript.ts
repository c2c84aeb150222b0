// A call's transcript: segments from each party's own track, merged into one conversation.

export type Speaker = 'caller' | 'operator'
export const speakers: readonly Speaker[] = ['caller', 'operator']

export interface TrackSegment { startMs: number; endMs: number; text: string }
export interface Segment extends TrackSegment { speaker: Speaker }

/** One conversation in time order; at the same instant the caller goes first. Empty texts are dropped. */
export function mergeTracks (tracks: Partial<Record<Speaker, readonly TrackSegment[]>>): Segment[] {
  const out: Segment[] = []
  for (const speaker of speakers) {
    for (const s of tracks[speaker] ?? []) {
      const text = s.text.trim()
      if (text !== '') out.push({ speaker, startMs: s.startMs, endMs: Math.max(s.startMs, s.endMs), text })
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs || speakers.indexOf(a.speaker) - speakers.indexOf(b.speaker) || a.endMs - b.endMs)
}

export type SpeechLanguage = 'ru' | 'en' | 'auto'

/** The language to recognise a call in: the tracking number's, else the category's, else the default. */
export function chooseLanguage (trackingNumber: string | null, category: string | null, fallback: SpeechLanguage): SpeechLanguage {
  const pick = (v: string | null): SpeechLanguage | null => (v === 'ru' || v === 'en' || v === 'auto' ? v : null)
  return pick(trackingNumber) ?? pick(category) ?? fallback
}
