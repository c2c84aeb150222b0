// What the catalog accepts: the patterns the HTTP schemas share, and the checks every write runs
// before it reaches the repository. Each check throws InvalidInput naming the field.
import { dialplanValueProblem } from '../domain/dialplan-values.js'
import { roles, type Role } from '../domain/roles.js'
import { routingPolicyProblem } from '../domain/routing-policy.js'
import type { RoutingPolicy } from '../domain/routing.js'
import { InvalidInput } from '../errors.js'

/** Asterisk dial string: technology / resource, e.g. PJSIP/101, SIP/trunk/100, Local/101@operators. */
export const endpointPattern = '^[A-Za-z][A-Za-z0-9_]{0,31}/[A-Za-z0-9_.@+#*:=/-]{1,127}$'
export const categoryIdPattern = '^[a-z0-9][a-z0-9_-]{0,63}$'
/** A DID as Asterisk reports it: digits with an optional leading +. */
export const didPattern = '^\\+?[0-9]{2,20}$'
export const mobilePattern = '^\\+?[0-9]{5,20}$'
export const minSkillLevel = 1
export const maxSkillLevel = 10

const endpointRe = new RegExp(endpointPattern)
const categoryIdRe = new RegExp(categoryIdPattern)
const didRe = new RegExp(didPattern)
const mobileRe = new RegExp(mobilePattern)

/** Checks a partial RoutingPolicy (from a tracking number or category); throws InvalidInput naming the key. */
export function checkPolicy (field: string, value: unknown): Partial<RoutingPolicy> {
  const problem = routingPolicyProblem(value)
  if (problem !== null) throw new InvalidInput(problem.key === null ? field : `${field}.${problem.key}`, problem.message)
  return { ...(value as Partial<RoutingPolicy>) }
}

/** A policy as the repository stores it: checked, and null when it overrides nothing. */
export function policyToStore (policy: Partial<RoutingPolicy> | null | undefined): Partial<RoutingPolicy> | null {
  return policy === null || policy === undefined || Object.keys(policy).length === 0 ? null : checkPolicy('routingPolicy', policy)
}

/** Checks a dial string and writes its technology in capitals (Asterisk ignores its case): pjsip/101 → PJSIP/101. */
export function checkEndpoint (endpoint: string): string {
  if (!endpointRe.test(endpoint)) throw new InvalidInput('endpoint', `must look like PJSIP/101 (technology/resource), got ${JSON.stringify(endpoint)}`)
  const slash = endpoint.indexOf('/')
  return endpoint.slice(0, slash).toUpperCase() + endpoint.slice(slash)
}

export function checkName (field: string, name: string): string {
  const trimmed = name.trim()
  if (trimmed === '') throw new InvalidInput(field, 'must not be empty')
  if (trimmed.length > 200) throw new InvalidInput(field, 'must be at most 200 characters')
  return trimmed
}

export function checkMobile (mobile: string | null | undefined): void {
  if (mobile !== null && mobile !== undefined && !mobileRe.test(mobile)) throw new InvalidInput('mobile', 'must be a phone number: digits with an optional leading +')
}

export function checkRole (role: string | undefined): void {
  if (role !== undefined && !roles.includes(role as Role)) throw new InvalidInput('role', `must be one of ${roles.join(', ')}`)
}

export function checkCategoryId (categoryId: string): void {
  if (!categoryIdRe.test(categoryId)) {
    throw new InvalidInput('categoryId', 'must be a slug: lowercase letters, digits, - and _, starting with a letter or digit, at most 64 characters')
  }
}

export function checkSkillLevels (skills: Record<string, number>): void {
  for (const [categoryId, level] of Object.entries(skills)) {
    if (!Number.isInteger(level) || level < minSkillLevel || level > maxSkillLevel) {
      throw new InvalidInput(`skills.${categoryId}`, `level must be a whole number from ${minSkillLevel} to ${maxSkillLevel}`)
    }
  }
}

export function checkDid (did: string, field = 'did'): void {
  if (!didRe.test(did)) throw new InvalidInput(field, `must be digits with an optional leading +, got ${JSON.stringify(did)}`)
}

/** A source goes into the dialplan's Stasis arguments: refused here, when written, rather than at every render. */
export function checkSource (source: string | null): void {
  if (source === null) return
  const problem = dialplanValueProblem('arg', source)
  if (problem !== null) throw new InvalidInput('source', `${JSON.stringify(source)} ${problem}`)
}

export const cleanText = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null
  const trimmed = value.trim()
  return trimmed === '' ? null : trimmed
}
