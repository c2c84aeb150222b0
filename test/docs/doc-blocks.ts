// The fenced code blocks of the README and docs/, with their doctest markers
// (docs/testing.md, "Marking an example").
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '..', '..')

/** README.md first, then docs/*.md by name: the order the examples run in. */
export function docFiles (): string[] {
  const docs = readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join('docs', f))
  return ['README.md', ...docs]
}

export type Marker =
  | { kind: 'run'; expects: string[] }
  | { kind: 'skip'; reason: string }
  | { kind: 'invalid'; text: string }

export interface DocBlock {
  file: string
  /** 1-based line of the opening fence. */
  line: number
  lang: string
  code: string
  marker: Marker | null
}

/** Languages whose blocks are shell examples: each must carry a marker. */
export const shellLanguages = new Set(['sh', 'bash', 'shell'])

const markerLine = /^<!--\s*doctest(.*?)-->\s*$/

export function parseMarker (inner: string): Marker {
  const rest = inner.trim()
  const skip = /^:\s*skip\s*\((.+)\)$/.exec(rest)
  if (skip) return { kind: 'skip', reason: skip[1]!.trim() }
  const expects: string[] = []
  let tail = rest
  const attr = /^expect="((?:[^"\\]|\\.)*)"\s*/
  for (let m = attr.exec(tail); m !== null; m = attr.exec(tail)) {
    expects.push(m[1]!.replace(/\\(.)/g, '$1'))
    tail = tail.slice(m[0].length)
  }
  if (tail !== '') return { kind: 'invalid', text: inner }
  return { kind: 'run', expects }
}

export function parseBlocks (file: string, text: string): DocBlock[] {
  const lines = text.split('\n')
  const blocks: DocBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!)
    if (!open) continue
    let end = i + 1
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++
    // The marker is the nearest non-blank line above the fence.
    let above = i - 1
    while (above >= 0 && lines[above]!.trim() === '') above--
    const m = above >= 0 ? markerLine.exec(lines[above]!) : null
    blocks.push({ file, line: i + 1, lang: open[1]!, code: lines.slice(i + 1, end).join('\n'), marker: m ? parseMarker(m[1]!) : null })
    i = end
  }
  return blocks
}

export function allBlocks (): DocBlock[] {
  return docFiles().flatMap((file) => parseBlocks(file, readFileSync(join(repoRoot, file), 'utf8')))
}
