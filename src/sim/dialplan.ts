// The simulated Asterisk's dialplan: what `dialplan reload` loads from extensions files, what
// `dialplan show` prints, and how a channel walks it when Stasis is not there to take the call.
import { readFileSync } from 'node:fs'

export interface Priority { app: string; data: string; label: string | null; line: number; file: string }
export interface Extension { pattern: string; priorities: Priority[] }
export type Contexts = Map<string, Extension[]>

/** Dialplan the simulator runs before any file is loaded (a catch-all Stasis entry, as shipped). */
export const builtInDialplan = `
[from-carrier]
exten => _X.,1,NoOp(inbound \${EXTEN} from \${CALLERID(num)})
 same => n,Stasis(ringlead,inbound)
 same => n,Hangup()

[from-operators]
exten => _X.,1,Hangup()
`

/** Parses extensions.conf text: [context], exten =>, same =>; other lines are skipped as Asterisk skips them. */
export function parseDialplan (text: string, file: string): Contexts {
  const contexts: Contexts = new Map()
  let current: Extension[] | null = null
  let last: Extension | null = null
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]!).trim()
    if (line === '') continue
    const ctx = /^\[([^\]]+)\]$/.exec(line)
    if (ctx) {
      current = contexts.get(ctx[1]!) ?? []
      contexts.set(ctx[1]!, current)
      last = null
      continue
    }
    const m = /^(exten|same)\s*=>?\s*(.*)$/.exec(line)
    if (!m || current === null) continue
    const parts = m[1] === 'exten' ? splitFirst(m[2]!, 2) : [last?.pattern ?? '', ...splitFirst(m[2]!, 1)]
    const [pattern, prio, rest] = parts as [string, string, string | undefined]
    if (rest === undefined) continue
    const labelled = /^(n|\d+)(?:\(([^)]*)\))?$/.exec(prio.trim())
    if (!labelled) continue
    const appm = /^([A-Za-z_]+)(?:\((.*)\))?$/.exec(rest.trim())
    if (!appm) continue
    let ext = current.find((e) => e.pattern === pattern)
    if (!ext) { ext = { pattern, priorities: [] }; current.push(ext) }
    if (labelled[1] !== 'n') ext.priorities = ext.priorities.slice(0, Number(labelled[1]) - 1)
    ext.priorities.push({ app: appm[1]!, data: appm[2] ?? '', label: labelled[2] ?? null, line: i + 1, file })
    last = ext
  }
  return contexts
}

/** The built-in dialplan, with contexts from `files` replacing those of the same name. */
export function loadDialplan (files: readonly string[]): Contexts {
  const contexts = parseDialplan(builtInDialplan, 'extensions.conf')
  for (const file of files) {
    let text: string
    try { text = readFileSync(file, 'utf8') } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue // #include of a missing file: Asterisk warns and goes on
      throw err
    }
    for (const [name, exts] of parseDialplan(text, file.split('/').at(-1)!)) contexts.set(name, exts)
  }
  return contexts
}

/** `dialplan show <context>` lines, in Asterisk's layout. */
export function showContext (name: string, exts: readonly Extension[]): string[] {
  const out = [`[ Context '${name}' created by 'pbx_config' ]`]
  for (const ext of exts) {
    ext.priorities.forEach((p, i) => {
      const head = i === 0 ? `  '${ext.pattern}' =>` : ''
      const step = `${i + 1}${p.label ? `(${p.label})` : ''}. ${p.app}(${p.data})`
      out.push(`${head.padEnd(19)} ${step.padEnd(45)} [${p.file}:${p.line}]`)
    })
  }
  return out
}

/** Asterisk's extension patterns: _ then X (0-9), Z (1-9), N (2-9), [..] sets, . and ! tails. */
export function matchesExtension (pattern: string, exten: string): boolean {
  if (!pattern.startsWith('_')) return pattern === exten
  let re = '^'
  const p = pattern.slice(1)
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!
    if (c === 'X') re += '[0-9]'
    else if (c === 'Z') re += '[1-9]'
    else if (c === 'N') re += '[2-9]'
    else if (c === '.') re += '.+'
    else if (c === '!') re += '.*'
    else if (c === '[') { const end = p.indexOf(']', i); re += `[${p.slice(i + 1, end)}]`; i = end } else re += c.replace(/[+*#\\^$(){}|?]/g, (x) => `\\${x}`)
  }
  return new RegExp(`${re}$`).test(exten)
}

/** Exact matches first, then patterns in file order (close enough to Asterisk's ordering for us). */
export function findExtension (exts: readonly Extension[], exten: string): Extension | undefined {
  return exts.find((e) => e.pattern === exten) ?? exts.find((e) => matchesExtension(e.pattern, exten))
}

function stripComment (line: string): string {
  const i = line.search(/(?<!\\);/)
  return i < 0 ? line : line.slice(0, i)
}

/** "a,b,c,d" with n splits → [a, b, "c,d"]. */
function splitFirst (text: string, n: number): string[] {
  const out: string[] = []
  let rest = text
  for (let k = 0; k < n; k++) {
    const i = rest.indexOf(',')
    if (i < 0) return [...out, rest]
    out.push(rest.slice(0, i).trim())
    rest = rest.slice(i + 1)
  }
  return [...out, rest]
}
