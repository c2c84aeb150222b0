// Length of a WAV recording from its header: exact, where Asterisk's RecordingFinished gives whole
// seconds (and rounds snoop recordings down).
import wavefile from 'wavefile'

/** Where the sizes are: a WAV's header chunks come first, its samples after them. */
export const WAV_HEADER_SPAN_BYTES = 4096

export function wavDurationMs (bytes: Buffer): number | null {
  try {
    // The header alone: wavefile takes the data chunk's size from it, and copying a long call's
    // samples (megabytes, three files a call) would hold the event loop for nothing.
    const wav = new wavefile.WaveFile(bytes.subarray(0, WAV_HEADER_SPAN_BYTES)) as unknown as { fmt: { sampleRate: number; blockAlign: number }; data: { chunkSize: number } }
    if (!wav.fmt.sampleRate || !wav.fmt.blockAlign) return null
    return Math.round((wav.data.chunkSize / wav.fmt.blockAlign / wav.fmt.sampleRate) * 1000)
  } catch {
    return null // not a WAV we can read: the event's duration stands
  }
}

/**
 * Whether Asterisk has closed the file: it writes the RIFF size when it closes a WAV, so a file still
 * being written (or cut short) has a size field that does not match its length.
 */
export function wavComplete (bytes: Buffer): boolean {
  return wavCompleteAt(bytes, bytes.length)
}

/** The same from the file's first bytes (`head`) and its length on disk. */
export function wavCompleteAt (head: Buffer, fileBytes: number): boolean {
  if (head.length < 44 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return false
  return head.readUInt32LE(4) === fileBytes - 8
}

