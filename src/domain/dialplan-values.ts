// Pure: which values may go into the rendered dialplan. A value from the database that could end
// a line, start a comment or split an application's arguments would let data rewrite the
// dialplan, so each kind of value has a closed set of characters and the error names the value.

export type DialplanValueKind = 'did' | 'endpoint' | 'arg' | 'host'

const allowed: Record<DialplanValueKind, { re: RegExp; what: string }> = {
  did: { re: /^\+?[0-9]{2,20}$/, what: 'digits with an optional leading +' },
  // & joins dial strings and , splits Dial()'s arguments, so neither may be inside one.
  endpoint: { re: /^[A-Za-z][A-Za-z0-9_]{0,31}\/[A-Za-z0-9_.@+#*:=/-]{1,127}$/, what: 'a dial string like PJSIP/101' },
  // Stasis() and NoOp() arguments: letters (any script), digits, space and _ . : @ + / -
  arg: { re: /^[\p{L}\p{N} _.:@+/-]{0,100}$/u, what: 'letters, digits, spaces and _ . : @ + / -' },
  host: { re: /^[A-Za-z0-9_.:-]{1,253}$/, what: 'a host name or address' }
}

/** Why a character cannot go into the dialplan, in the admin's words. */
function characterProblem (c: string): string {
  if (c === '\n' || c === '\r') return 'a line break (it would end the dialplan line)'
  if (c === ';') return '";" (it starts a comment in the dialplan)'
  if (c === ',') return '"," (it splits the application\'s arguments)'
  if (c === '&') return '"&" (it joins dial strings)'
  if (c === '$' || c === '{' || c === '}') return `"${c}" (it starts a dialplan expression)`
  if (c === '(' || c === ')') return `"${c}" (it ends the application's arguments)`
  const code = c.codePointAt(0) ?? 0
  return code < 32 || code === 127 ? `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${c}"`
}

/** Null when `value` may go into the dialplan as `kind`; otherwise why not. */
export function dialplanValueProblem (kind: DialplanValueKind, value: string): string | null {
  const rule = allowed[kind]
  if (rule.re.test(value)) return null
  for (const c of value) {
    if (!rule.re.test(c) && !/[A-Za-z0-9]/.test(c)) {
      // Check the character alone against the kind's alphabet.
      const alphabet = kind === 'arg' ? /^[\p{L}\p{N} _.:@+/-]$/u : kind === 'did' ? /^[+0-9]$/ : kind === 'host' ? /^[A-Za-z0-9_.:-]$/ : /^[A-Za-z0-9_.@+#*:=/-]$/
      if (!alphabet.test(c)) return `contains ${characterProblem(c)}; allowed: ${rule.what}`
    }
  }
  return `must be ${rule.what}`
}

export interface DialplanValue { kind: DialplanValueKind; value: string; where: string }

/** Every value that may not go in, each named with where it comes from. */
export function dialplanValueProblems (values: Iterable<DialplanValue>): string[] {
  const out: string[] = []
  for (const v of values) {
    const problem = dialplanValueProblem(v.kind, v.value)
    if (problem !== null) out.push(`${v.where} ${JSON.stringify(v.value)}: ${problem}`)
  }
  return out
}

/** A tracking number as the dialplan uses it: '' for no source or no category. */
export interface DialplanNumber { did: string; source: string; categoryId: string }

/** A tracking number left out of the dialplan, and why. */
export interface SkippedNumber { did: string; problems: string[] }

/**
 * Splits tracking numbers into those that may go into the dialplan and those that may not. One bad
 * row (written by an older version that did not check it) leaves out that number alone, so every
 * other number still renders and the admin is told which one to fix.
 */
export function splitDialplanNumbers<N extends DialplanNumber> (numbers: readonly N[]): { kept: N[]; skipped: SkippedNumber[] } {
  const kept: N[] = []
  const skipped: SkippedNumber[] = []
  for (const n of numbers) {
    const problems = dialplanValueProblems([
      { kind: 'did', value: n.did, where: 'did' },
      { kind: 'arg', value: n.source, where: 'source' },
      { kind: 'arg', value: n.categoryId, where: 'categoryId' }
    ])
    if (problems.length === 0) kept.push(n)
    else skipped.push({ did: n.did, problems })
  }
  return { kept, skipped }
}
