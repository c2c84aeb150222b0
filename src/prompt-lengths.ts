// The lengths of the project's own prompts, which the simulator plays for as long as the real files last.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { wavDurationMs } from './calls/wav-duration.js'
import { packageRoot } from './package-root.js'

/** The project's prompts, sounds/<lang>/ringlead/*.wav, as name → seconds (for the simulator). */
export function promptLengths (): Record<string, number> {
  const dir = `${join(packageRoot, 'sounds', 'en', 'ringlead')}/`
  const out: Record<string, number> = {}
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.wav')) continue
    out[`ringlead/${file.slice(0, -4)}`] = (wavDurationMs(readFileSync(`${dir}${file}`)) ?? 1000) / 1000
  }
  return out
}
