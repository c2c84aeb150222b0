// Length of a WAV recording from its header: exact, where Asterisk's RecordingFinished gives whole
// seconds (and rounds snoop recordings down).
import wavefile from 'wavefile'

export function wavDurationMs (bytes: Buffer): number | null {
  try {
    const wav = new wavefile.WaveFile(bytes) as unknown as { fmt: { sampleRate: number; blockAlign: number }; data: { chunkSize: number } }
    if (!wav.fmt.sampleRate || !wav.fmt.blockAlign) return null
    return Math.round((wav.data.chunkSize / wav.fmt.blockAlign / wav.fmt.sampleRate) * 1000)
  } catch {
    return null // not a WAV we can read: the event's duration stands
  }
}
