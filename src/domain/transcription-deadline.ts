// How long a transcription may take: proportional to the audio it has to hear, never below a floor
// (loading the model and the first window cost the same for a short call as for a long one).

export interface DeadlineRule { factor: number; minMs: number }

export function transcriptionDeadlineMs (audioMs: number, rule: DeadlineRule): number {
  return Math.max(rule.minMs, Math.ceil(Math.max(0, audioMs) * rule.factor))
}
