// Writes a Whisper-shaped ggml model with random weights: the file layout whisper.cpp loads (magic,
// hyper-parameters, mel filters, vocabulary, named tensors), at a tiny size. Tests, the benchmark and
// the demo use it so that loading, inference, timestamps and the channel split run for real where no
// real model can be had. Its transcripts are nonsense by construction.
import { open } from 'node:fs/promises'

export interface RandomModelShape {
  /** Width of every layer (encoder and decoder share it, as in Whisper). */
  state: number
  heads: number
  audioLayers: number
  textLayers: number
  seed: number
  /** Leaves out the blank token (" ") whisper.cpp looks up while decoding: a broken model, for tests of what such a model does. */
  withoutBlankToken?: boolean
}

const ggmlMagic = 0x67676d6c
/** A multilingual vocabulary size: whisper.cpp decides "multilingual" (languages, ru) from it. */
const multilingualVocab = 51865
/** Ordinary text tokens; the rest (end of text, languages, timestamps) whisper.cpp names itself. */
const textTokens = 50257
const audioCtx = 1500
const textCtx = 448
const mels = 80
const fftBins = 201

export const tinyShape: RandomModelShape = { state: 64, heads: 2, audioLayers: 1, textLayers: 1, seed: 7 }

/** Deterministic so two runs of a test load the same model. */
function prng (seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13; s >>>= 0
    s ^= s >>> 17
    s ^= s << 5; s >>>= 0
    return s / 0x1_0000_0000
  }
}

/** whisper.cpp's ids for a multilingual vocabulary: the first timestamp token (0.00 s), 20 ms apart. */
const firstTimestampToken = 50364

/**
 * The logit offset given to each token through coordinate 0 of the decoder's output (held at 1).
 * Random weights left alone pick timestamps 20 ms apart, and whisper.cpp then slides its 30 s
 * window by 20 ms at a time: minutes for a few seconds of audio. Leaving the first second (where a
 * segment may start) and 2–8 s (where it may end) as the only timestamps keeps every window short.
 */
function logitOffset (token: number): number {
  if (token < firstTimestampToken) return 0
  const step = token - firstTimestampToken
  return step <= 50 || (step >= 100 && step <= 400) ? 0 : -30
}

const syllables = ['ba', 'ko', 'ri', 'da', 'ne', 'lu', 'mo', 'sa', 'ti', 've', 'zu', 'pa', 'ge', 'no', 'ha', 'li']

/** Tokens whisper.cpp looks up by text while decoding (blank, punctuation it suppresses): they must exist. */
const namedTokens = [' ', ' -', " '", '"', '#', '(', ')', '*', '+', '/', ':', ';', '<', '=', '>', '@', '[', '\\', ']', '^',
  '_', '`', '{', '|', '}', '~', '「', '」', '『', '』', '<<', '>>', '<<<', '>>>', '--', '---', '-(', '-[', "('", '("', '((',
  '))', '(((', ')))', '[[', ']]', '{{', '}}', '♪♪', '♪♪♪', '♩', '♪', '♫', '♬', '♭', '♮', '♯']

/** Token text: the named ones first, then pronounceable nonsense, half of it starting a word. */
function tokenText (i: number, withoutBlank: boolean): string {
  if (i === 0 && withoutBlank) return '\u00a0'
  if (i < namedTokens.length) return namedTokens[i]!
  const a = syllables[i % 16]!
  const b = syllables[(i >> 4) % 16]!
  return `${(i & 1) === 0 ? ' ' : ''}${a}${i % 3 === 0 ? b : ''}`
}

interface TensorSpec { name: string; ne: number[]; fill: 'random' | 'ones' | 'zeros' }

/** As the real converter stores them: matrices and convolutions in f16, vectors and positional embeddings in f32. */
const isF16 = (spec: TensorSpec): boolean => spec.ne.length >= 2 && !spec.name.endsWith('positional_embedding') && !spec.name.endsWith('.bias')

// One scratch float for toHalf: a base-sized model has 74 million values (an array each took minutes).
const scratch = new Float32Array(1)
const scratchBits = new Uint32Array(scratch.buffer)

/** IEEE 754 half precision bits of `value` (round to nearest; tiny values flush to zero). */
function toHalf (value: number): number {
  scratch[0] = value
  const bits = scratchBits[0]!
  const sign = (bits >>> 16) & 0x8000
  const exp = ((bits >>> 23) & 0xff) - 127 + 15
  const mantissa = bits & 0x7fffff
  if (exp <= 0) return sign
  if (exp >= 31) return sign | 0x7c00
  const half = sign | (exp << 10) | (mantissa >>> 13)
  return (mantissa & 0x1000) !== 0 ? half + 1 : half
}

function tensorList (s: RandomModelShape): TensorSpec[] {
  const n = s.state
  const t = (name: string, ne: number[], fill: TensorSpec['fill'] = 'random'): TensorSpec => ({ name, ne, fill })
  const ln = (prefix: string): TensorSpec[] => [t(`${prefix}.weight`, [n], 'ones'), t(`${prefix}.bias`, [n], 'zeros')]
  const attn = (prefix: string): TensorSpec[] => [
    t(`${prefix}.query.weight`, [n, n]), t(`${prefix}.query.bias`, [n]),
    t(`${prefix}.key.weight`, [n, n]),
    t(`${prefix}.value.weight`, [n, n]), t(`${prefix}.value.bias`, [n]),
    t(`${prefix}.out.weight`, [n, n]), t(`${prefix}.out.bias`, [n])
  ]
  const mlp = (prefix: string): TensorSpec[] => [
    ...ln(`${prefix}.mlp_ln`),
    t(`${prefix}.mlp.0.weight`, [n, 4 * n]), t(`${prefix}.mlp.0.bias`, [4 * n]),
    t(`${prefix}.mlp.2.weight`, [4 * n, n]), t(`${prefix}.mlp.2.bias`, [n])
  ]
  const out: TensorSpec[] = [
    t('encoder.positional_embedding', [n, audioCtx]),
    t('encoder.conv1.weight', [3, mels, n]), t('encoder.conv1.bias', [1, n], 'zeros'),
    t('encoder.conv2.weight', [3, n, n]), t('encoder.conv2.bias', [1, n], 'zeros'),
    ...ln('encoder.ln_post')
  ]
  for (let i = 0; i < s.audioLayers; i++) {
    const p = `encoder.blocks.${i}`
    out.push(...mlp(p), ...ln(`${p}.attn_ln`), ...attn(`${p}.attn`))
  }
  out.push(t('decoder.positional_embedding', [n, textCtx]), t('decoder.token_embedding.weight', [n, multilingualVocab]), ...ln('decoder.ln'))
  for (let i = 0; i < s.textLayers; i++) {
    const p = `decoder.blocks.${i}`
    out.push(...mlp(p), ...ln(`${p}.attn_ln`), ...attn(`${p}.attn`), ...ln(`${p}.cross_attn_ln`), ...attn(`${p}.cross_attn`))
  }
  return out
}

/** Writes the model to `path` (ftype 1: mostly f16, like the published models) and returns its size in bytes. */
export async function writeRandomWhisperModel (path: string, shape: RandomModelShape = tinyShape): Promise<number> {
  const random = prng(shape.seed)
  const file = await open(path, 'w')
  let bytes = 0
  const put = async (buf: Buffer): Promise<void> => { await file.write(buf); bytes += buf.length }
  const ints = (...values: number[]): Buffer => {
    const b = Buffer.alloc(4 * values.length)
    values.forEach((v, i) => b.writeInt32LE(v, 4 * i))
    return b
  }
  try {
    await put(ints(ggmlMagic, multilingualVocab, audioCtx, shape.state, shape.heads, shape.audioLayers,
      textCtx, shape.state, shape.heads, shape.textLayers, mels, 1))
    // Mel filter bank: small positive weights, enough for a spectrum that is not all zero.
    const filters = new Float32Array(mels * fftBins)
    for (let i = 0; i < filters.length; i++) filters[i] = random() * 0.02
    await put(ints(mels, fftBins))
    await put(Buffer.from(filters.buffer))
    const words: Buffer[] = [ints(textTokens)]
    for (let i = 0; i < textTokens; i++) {
      const w = Buffer.from(tokenText(i, shape.withoutBlankToken === true), 'utf8')
      words.push(ints(w.length), w)
    }
    await put(Buffer.concat(words))
    for (const spec of tensorList(shape)) {
      const name = Buffer.from(spec.name, 'utf8')
      const count = spec.ne.reduce((a, b) => a * b, 1)
      const data = new Float32Array(count)
      if (spec.fill === 'ones') data.fill(1)
      else if (spec.fill === 'random') {
        const scale = 1 / Math.sqrt(spec.ne[0]!)
        for (let i = 0; i < count; i++) data[i] = (random() * 2 - 1) * scale
      }
      if (spec.name === 'decoder.ln.weight') data[0] = 0
      if (spec.name === 'decoder.ln.bias') data[0] = 1
      if (spec.name === 'decoder.token_embedding.weight') {
        for (let token = 0; token < multilingualVocab; token++) data[token * shape.state] = logitOffset(token)
      }
      const f16 = isF16(spec)
      const body = f16 ? Buffer.from(Uint16Array.from(data, toHalf).buffer) : Buffer.from(data.buffer)
      await put(Buffer.concat([ints(spec.ne.length, name.length, f16 ? 1 : 0, ...spec.ne), name, body]))
    }
  } finally {
    await file.close()
  }
  return bytes
}
