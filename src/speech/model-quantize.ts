// `ringlead speech models quantize IN OUT --type q8_0|q5_1|q5_0`: a smaller copy of an f16 (or f32)
// whisper.cpp model with its weight matrices quantized, written by the native addon (ggml's own
// quantization), checked, and only then given its name (a half-written file is never picked).
import { existsSync, renameSync, rmSync } from 'node:fs'
import { checkModelFile, type ModelCheck } from './ggml-header.js'
import { nativeAddon, type QuantizeResult } from './engine.js'
import { ModelQuantizeFailed } from './errors.js'

export const quantizeTypes = ['q8_0', 'q5_1', 'q5_0'] as const
export type QuantizeType = typeof quantizeTypes[number]

export async function quantizeModelFile (o: { input: string; output: string; type: string; force?: boolean; addonPath?: string }): Promise<QuantizeResult & { check: ModelCheck }> {
  if (!(quantizeTypes as readonly string[]).includes(o.type)) throw new ModelQuantizeFailed(`unknown type "${o.type}": ${quantizeTypes.join(', ')}`)
  if (!existsSync(o.input)) throw new ModelQuantizeFailed(`no model at ${o.input}`)
  const source = checkModelFile(o.input)
  if (source.problems.length > 0) throw new ModelQuantizeFailed(`${o.input} has problems: ${source.problems.join('; ')}`)
  if (source.weights !== 'f16' && source.weights !== 'f32') throw new ModelQuantizeFailed(`${o.input} is already ${source.weights}: quantize its f16 original`)
  if (existsSync(o.output) && o.force !== true) throw new ModelQuantizeFailed(`${o.output} exists (--force replaces it)`)
  let addon
  try { addon = nativeAddon(o.addonPath) } catch (err) {
    throw new ModelQuantizeFailed(`quantizing needs the native build: ${(err as Error).message}`)
  }
  if (typeof addon.quantize !== 'function') throw new ModelQuantizeFailed('the native build predates quantizing: rebuild it with `npm run build:native`')
  // Ends in .tmp: the models folder never lists it while it is written.
  const tmp = `${o.output}.tmp`
  try {
    const result = await addon.quantize(o.input, tmp, o.type).catch((err: unknown) => {
      throw new ModelQuantizeFailed(`${o.input} not quantized: ${err instanceof Error ? err.message : String(err)}`)
    })
    const check = checkModelFile(tmp)
    if (check.problems.length > 0 || check.weights !== o.type) throw new ModelQuantizeFailed(`the quantized copy does not check out (${check.weights}): ${check.problems.join('; ')}`)
    renameSync(tmp, o.output)
    return { ...result, check }
  } finally {
    rmSync(tmp, { force: true })
  }
}
