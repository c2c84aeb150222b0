// Cuts a TCP byte stream into lines, each byte looked at once, and holds at most `maxLineBytes`
// of an unfinished line: a peer that never sends a newline cannot grow our memory.

export type SplitResult = 'ok' | 'stopped' | 'line too long'

export class LineSplitter {
  /** Copies of the unfinished line's pieces (copied so a big read buffer is not kept alive). */
  private parts: Buffer[] = []
  private partBytes = 0

  constructor (private readonly maxLineBytes: number) {}

  /** Bytes of an unfinished line held now. */
  get heldBytes (): number { return this.partBytes }

  /**
   * Calls `onLine` with each complete line of `chunk` (without "\n" or a trailing "\r") and its
   * size on the wire; `onLine` returns false to stop. A line longer than the cap stops it too.
   */
  push (chunk: Buffer, onLine: (line: string, wireBytes: number) => boolean): SplitResult {
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(10, start)
      if (nl < 0) {
        const rest = chunk.length - start
        if (this.partBytes + rest > this.maxLineBytes) return 'line too long'
        if (rest > 0) { this.parts.push(Buffer.from(chunk.subarray(start))); this.partBytes += rest }
        return 'ok'
      }
      const length = this.partBytes + (nl - start)
      if (length > this.maxLineBytes) return 'line too long'
      let bytes = chunk.subarray(start, nl)
      if (this.parts.length > 0) {
        bytes = Buffer.concat([...this.parts, bytes], length)
        this.parts = []
        this.partBytes = 0
      }
      start = nl + 1
      const text = bytes.toString('utf8')
      if (!onLine(text.endsWith('\r') ? text.slice(0, -1) : text, length + 1)) return 'stopped'
    }
  }
}
