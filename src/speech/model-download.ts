// Fetches a published whisper.cpp model by name, where the internet is reachable. Nothing downloads
// at run time: the daemon only ever opens the configured file.
import { createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ModelDownloadFailed } from './errors.js'

/** Multilingual models (Russian needs one of these; base is the realistic minimum, small is better) and English-only ones. */
export const modelNames = ['tiny', 'tiny.en', 'base', 'base.en', 'small', 'small.en', 'medium', 'medium.en', 'large-v3', 'large-v3-turbo',
  'base-q5_1', 'small-q5_1', 'medium-q5_0', 'large-v3-turbo-q5_0'] as const

export const defaultModelSource = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main'

/** Downloads ggml-NAME.bin into `dir` (atomically) and returns its path. */
export async function downloadModel (name: string, dir: string, source = defaultModelSource): Promise<string> {
  if (!(modelNames as readonly string[]).includes(name)) throw new ModelDownloadFailed(`unknown model "${name}"; one of: ${modelNames.join(', ')}`)
  const file = `ggml-${name}.bin`
  const url = `${source}/${file}`
  const path = join(dir, file)
  const part = `${path}.part`
  await mkdir(dir, { recursive: true })
  let res: Response
  try {
    res = await fetch(url, { redirect: 'follow' })
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    throw new ModelDownloadFailed(`cannot download ${file} from ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}. ` +
      'This machine may have no internet access: download the file elsewhere, copy it here and set RINGLEAD_SPEECH_MODEL_PATH to it.')
  }
  if (!res.ok || res.body === null) throw new ModelDownloadFailed(`cannot download ${file} from ${url}: HTTP ${res.status}`)
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(part))
    const head = Buffer.alloc(4)
    const fd = await open(part)
    try { await fd.read(head, 0, 4, 0) } finally { await fd.close() }
    if (head.readUInt32LE(0) !== 0x67676d6c) throw new ModelDownloadFailed(`${url} did not send a ggml model (bad magic)`)
    await rename(part, path)
    return path
  } catch (err) {
    await rm(part, { force: true })
    if (err instanceof ModelDownloadFailed) throw err
    throw new ModelDownloadFailed(`download of ${file} broke off: ${(err as Error).message}`)
  }
}
