// The project's own bounds on whisper.cpp's decoding, given to the engine with each transcription.

export interface DecodeLimits {
  /** Tokens of earlier text carried into the next 30 s window (whisper.cpp's own is up to 224): a small one stops a repetition loop from feeding itself. */
  maxContextTokens: number
  /** Longest segment in characters; 0 leaves segments as whisper.cpp cuts them. */
  maxSegmentChars: number
}

/** The options of @fugood/whisper.node's transcribeData that carry the limits. */
export function decodeOptions (limits: DecodeLimits): { maxContext: number; maxLen?: number; tokenTimestamps?: boolean } {
  // whisper.cpp splits segments at maxLen only with token timestamps on.
  return limits.maxSegmentChars > 0
    ? { maxContext: limits.maxContextTokens, maxLen: limits.maxSegmentChars, tokenTimestamps: true }
    : { maxContext: limits.maxContextTokens }
}
