// The models folder as a person handles it: drop ggml files in, pick one with `ringlead speech models
// use NAME` (written to a small file the daemon reads), and the daemon finds which model to run and
// says why.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkModelFile, type ModelCheck } from './ggml-header.js'

/** Holds the name of the chosen model, inside the models folder. */
export const choiceFileName = 'selected-model'

export interface ModelEntry { name: string; path: string; check: ModelCheck }

/** Which model the daemon runs, and why in words; `path` null when there is none. */
export interface ModelResolution { path: string | null; why: string }

/** The demo's generated model, which earlier versions wrote into the models folder: never picked by being there. */
const oldDemoModel = 'ggml-random-demo.bin'

/** Model files in `dir` (not the choice file, hidden files or unfinished downloads), by name. */
export function modelFiles (dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== choiceFileName && e.name !== oldDemoModel && !e.name.startsWith('.') && !e.name.endsWith('.part') && !e.name.endsWith('.tmp'))
    .map((e) => e.name).sort()
}

export function listModels (dir: string): ModelEntry[] {
  return modelFiles(dir).map((name) => ({ name, path: join(dir, name), check: checkModelFile(join(dir, name)) }))
}

export function readChoice (dir: string): string | null {
  try {
    const name = readFileSync(join(dir, choiceFileName), 'utf8').trim()
    return name === '' ? null : name
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** Writes the choice atomically, so the daemon never reads half a name. */
export function writeChoice (dir: string, name: string): void {
  mkdirSync(dir, { recursive: true })
  const tmp = join(dir, `.${choiceFileName}.tmp`)
  writeFileSync(tmp, `${name}\n`)
  renameSync(tmp, join(dir, choiceFileName))
}

/**
 * The model to run: the configured path when there is one; else the one chosen in the folder; else
 * the folder's only model; else `fallback` (the demo's generated model). Several models and no choice
 * is no model: guessing would silently change transcripts.
 */
export function resolveModel (o: { modelPath: string; modelsDir: string; fallback?: string }): ModelResolution {
  if (o.modelPath !== '') return { path: o.modelPath, why: 'named by RINGLEAD_SPEECH_MODEL_PATH' }
  const chosen = readChoice(o.modelsDir)
  if (chosen !== null) {
    const path = join(o.modelsDir, chosen)
    if (existsSync(path)) return { path, why: `chosen with \`ringlead speech models use ${chosen}\`` }
    return { path: null, why: `the chosen model ${chosen} is not in ${o.modelsDir}; choose another with \`ringlead speech models use NAME\`` }
  }
  const files = modelFiles(o.modelsDir)
  if (files.length === 1) return { path: join(o.modelsDir, files[0]!), why: `the only model in ${o.modelsDir}` }
  if (files.length > 1) return { path: null, why: `${files.length} models in ${o.modelsDir} and none chosen: pick one with \`ringlead speech models use NAME\`` }
  if (o.fallback !== undefined) {
    return { path: o.fallback, why: `no model in ${o.modelsDir}: a random model generated for the demo — transcripts will be noise; put a ggml model there or run \`make model\`` }
  }
  return { path: null, why: `no model in ${o.modelsDir}: put a ggml model there, run \`make model\`, or set RINGLEAD_SPEECH_MODEL_PATH; calls are recorded and queued` }
}

/** Changes when the model file is replaced or rewritten: the daemon then loads it again. */
export function modelSignature (path: string | null): string {
  if (path === null) return 'none'
  try {
    const s = statSync(path)
    return `${path}|${s.size}|${s.mtimeMs}|${s.ino}`
  } catch {
    return `${path}|missing`
  }
}
