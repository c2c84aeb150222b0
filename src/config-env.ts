// Settings as the environment gives them: the variable's name for a config path, its text turned
// into the setting's type, and what a numeric setting expected when the text was no such number.
import type { TSchema } from '@sinclair/typebox'

/** RINGLEAD_ARI_URL → ari.url, RINGLEAD_ROUTING_RING_TIMEOUT_SECONDS → routing.ringTimeoutSeconds */
export function envName (section: string, key: string): string {
  return `RINGLEAD_${section}_${key.replace(/[A-Z]/g, (c) => `_${c}`)}`.toUpperCase()
}

export function coerce (schema: TSchema, raw: string): unknown {
  // A choice that includes booleans (e.g. auto | true | false) takes true/false as booleans.
  const choices = (schema as { anyOf?: TSchema[] }).anyOf
  if (choices?.some((c) => (c as { type?: string }).type === 'boolean') && ['true', 'false'].includes(raw)) return raw === 'true'
  const type = (schema as { type?: string }).type
  if (type === 'integer' || type === 'number') {
    // Text that is no number stays text, so the error can show what was given.
    const n = raw.trim() === '' ? NaN : Number(raw)
    return Number.isFinite(n) ? n : raw
  }
  if (type === 'boolean') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw
  return raw
}

/** What a numeric setting expects, when `value` is not that kind of number; null otherwise (or when the setting is no number). */
export function notANumber (schema: TSchema | undefined, value: unknown): string | null {
  const type = (schema as { type?: string } | undefined)?.type
  if (type === 'integer') return Number.isInteger(value) ? null : 'expected a whole number'
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value) ? null : 'expected a number'
  return null
}
