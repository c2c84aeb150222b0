// Which settings a tracking number or category may override in the routing policy, and the values
// each takes. Pure: the catalog refuses bad input with it, the repository reads stored text with it.
import type { RoutingPolicy } from './routing.js'

/** Keys of RoutingPolicy and the kind of value each takes. */
export const policyKeys: { readonly [K in keyof RoutingPolicy]: 'seconds' | 'days' | 'boolean' | 'attempts' | 'weight' } = {
  ringTimeoutSeconds: 'seconds',
  stickyDays: 'days',
  specialistsFirst: 'boolean',
  anyOperatorStep: 'boolean',
  ringAllStep: 'boolean',
  managerLast: 'boolean',
  maxAttempts: 'attempts',
  efficiencyWeight: 'weight'
}

/** What is wrong with a partial policy: the key (null: the whole value) and why; null when nothing is. */
export interface PolicyProblem { key: string | null; message: string }

export function routingPolicyProblem (value: unknown): PolicyProblem | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { key: null, message: 'must be an object' }
  for (const [key, v] of Object.entries(value)) {
    const kind = (policyKeys as Record<string, string | undefined>)[key]
    if (kind === undefined) return { key, message: `unknown routing setting; known: ${Object.keys(policyKeys).join(', ')}` }
    if (kind === 'boolean') {
      if (typeof v !== 'boolean') return { key, message: 'must be true or false' }
    } else if (kind === 'weight') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 10) return { key, message: 'must be a number from 0 to 10' }
    } else {
      const [min, max] = kind === 'seconds' ? [1, 300] : kind === 'attempts' ? [1, 50] : [0, 3650]
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return { key, message: `must be a whole number from ${min} to ${max}` }
    }
  }
  return null
}
