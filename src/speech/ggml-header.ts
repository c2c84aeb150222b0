// Reads a whisper.cpp ggml model's header, vocabulary and tensor table (never the weights) and says
// what is wrong with it: the checks `ringlead speech models` shows, and the ones the queue runs before
// it hands a model to the workers.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

export const ggmlMagic = 0x67676d6c

export interface ModelHeader {
  vocab: number
  audioState: number
  audioLayers: number
  mels: number
  ftype: number
}

export interface ModelCheck {
  bytes: number
  header: ModelHeader | null
  /** tiny, base, small, medium, large, or the shape when it is none of them. */
  size: string
  /** How the weight matrices are stored: f16, f32, q8_0, q5_1, q5_0, …; 'unknown' before the header is read. */
  weights: string
  multilingual: boolean
  /** Words stored in the file's vocabulary. */
  words: number
  hasBlankToken: boolean
  /** Empty when the model looks loadable. */
  problems: string[]
}

/** Bytes per block and values per block of the ggml tensor types whisper models use. */
const tensorTypes: Record<number, { bytes: number; per: number }> = {
  0: { bytes: 4, per: 1 }, 1: { bytes: 2, per: 1 }, 2: { bytes: 18, per: 32 }, 3: { bytes: 20, per: 32 },
  6: { bytes: 22, per: 32 }, 7: { bytes: 24, per: 32 }, 8: { bytes: 34, per: 32 }, 30: { bytes: 2, per: 1 }
}

/**
 * The header's weight type ("ftype"): a quantized file adds 1000 × the quantization format version
 * (2000 + 7 for q8_0), as whisper.cpp's quantizer and `ringlead speech models quantize` write it.
 */
const weightTypes: Record<number, string> = { 0: 'f32', 1: 'f16', 2: 'q4_0', 3: 'q4_1', 7: 'q8_0', 8: 'q5_0', 9: 'q5_1', 10: 'q2_k', 11: 'q3_k', 12: 'q4_k', 13: 'q5_k', 14: 'q6_k' }

export function weightTypeName (ftype: number): string | undefined {
  return ftype < 0 ? undefined : weightTypes[ftype % 1000]
}

const sizes: Record<string, string> = { '384/4': 'tiny', '512/6': 'base', '768/12': 'small', '1024/24': 'medium', '1280/32': 'large' }

class Reader {
  pos = 0
  constructor (private readonly fd: number, readonly length: number) {}
  bytes (n: number): Buffer {
    if (n < 0 || this.pos + n > this.length) throw new Truncated()
    const b = Buffer.alloc(n)
    readSync(this.fd, b, 0, n, this.pos)
    this.pos += n
    return b
  }

  int (): number { return this.bytes(4).readInt32LE(0) }
  skip (n: number): void {
    if (n < 0 || this.pos + n > this.length) throw new Truncated()
    this.pos += n
  }
}
class Truncated extends Error {}

/** Checks the model file at `path`; a file that cannot be read at all throws (ENOENT and the like). */
export function checkModelFile (path: string): ModelCheck {
  const fd = openSync(path, 'r')
  const out: ModelCheck = { bytes: 0, header: null, size: 'unknown', weights: 'unknown', multilingual: false, words: 0, hasBlankToken: false, problems: [] }
  try {
    out.bytes = fstatSync(fd).size
    const r = new Reader(fd, out.bytes)
    try {
      const magic = r.bytes(4).readUInt32LE(0)
      if (magic !== ggmlMagic) {
        out.problems.push(`not a ggml model (magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x${ggmlMagic.toString(16)})`)
        return out
      }
      const h = Array.from({ length: 11 }, () => r.int())
      const header: ModelHeader = { vocab: h[0]!, audioState: h[2]!, audioLayers: h[4]!, mels: h[9]!, ftype: h[10]! }
      out.header = header
      out.size = sizes[`${header.audioState}/${header.audioLayers}`] ?? `custom (width ${header.audioState}, ${header.audioLayers} layers)`
      out.weights = weightTypeName(header.ftype) ?? `unknown (ftype ${header.ftype})`
      out.multilingual = header.vocab >= 51865
      const [nMel, nFft] = [r.int(), r.int()]
      r.skip(4 * nMel * nFft)
      out.words = r.int()
      for (let i = 0; i < out.words; i++) {
        const len = r.int()
        const word = r.bytes(len)
        if (len === 1 && word[0] === 0x20) out.hasBlankToken = true
      }
      if (header.vocab < 51864 || header.vocab > 51866) out.problems.push(`vocabulary size ${header.vocab} is not a Whisper one (51864–51866)`)
      if (out.words === 0 || out.words > header.vocab) out.problems.push(`vocabulary holds ${out.words} words for a model of ${header.vocab} tokens`)
      if (!out.hasBlankToken) out.problems.push('vocabulary lacks the blank token " ": whisper.cpp stalls on it while decoding')
      if (weightTypeName(header.ftype) === undefined) out.problems.push(`weight type ${header.ftype} is not one whisper.cpp reads`)
      if (header.mels !== 80 && header.mels !== 128) out.problems.push(`${header.mels} mel bands (Whisper uses 80 or 128)`)
      walkTensors(r, out)
    } catch (err) {
      if (!(err instanceof Truncated)) throw err
      out.problems.push(`file ends early at ${out.bytes} bytes (an interrupted copy or download?)`)
    }
    return out
  } finally {
    closeSync(fd)
  }
}

/** Walks the tensor table to the end of the file: a cut-off copy shows here even when the header is whole. */
function walkTensors (r: Reader, out: ModelCheck): void {
  let tensors = 0
  while (r.pos < r.length) {
    const [dims, nameLen, type] = [r.int(), r.int(), r.int()]
    if (dims < 1 || dims > 4 || nameLen < 1 || nameLen > 256) {
      out.problems.push(`tensor ${tensors + 1} has a bad header (${dims} dimensions, name of ${nameLen} bytes)`)
      return
    }
    let count = 1
    for (let i = 0; i < dims; i++) count *= r.int()
    r.skip(nameLen)
    const t = tensorTypes[type]
    // An unknown tensor type: its size is unknown, so the rest cannot be checked (whisper.cpp judges it).
    if (t === undefined) return
    r.skip(Math.ceil(count / t.per) * t.bytes)
    tensors++
  }
  if (tensors === 0) out.problems.push('no tensors after the vocabulary')
}
