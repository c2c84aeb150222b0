// docs/configuration.md lists every variable src/config.ts reads, with the default the code uses;
// no page names a RINGLEAD_* variable that does not exist.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { configVariables } from '../../src/config.js'
import { docFiles, repoRoot } from './doc-blocks.js'

/** Variables read outside the daemon's config: tests, benchmarks, the CLI, AGI channel variables. */
const otherVariables = [
  'RINGLEAD_CONFIG', 'RINGLEAD_NEW_PASSWORD', 'RINGLEAD_ARI_DOCS', 'RINGLEAD_ASTERISK_TRACES', 'RINGLEAD_BENCH_MODEL',
  'RINGLEAD_CUSTOMER', 'RINGLEAD_ROUTE', 'RINGLEAD_RING_SECONDS', 'RINGLEAD_RESULT', 'RINGLEAD_SKIP_NATIVE_BUILD'
]
const otherPrefixes = ['RINGLEAD_IT_', 'RINGLEAD_SOAK_', 'RINGLEAD_BENCH_']

/** A table row of the reference: | `RINGLEAD_X` | `default` | meaning | */
function referenceRows (text: string): Map<string, string> {
  const rows = new Map<string, string>()
  for (const m of text.matchAll(/^\| `(RINGLEAD_[A-Z0-9_]+)` \| ([^|]*?) \|/gm)) rows.set(m[1]!, m[2]!.trim())
  return rows
}

/** How a default is written in the reference: `value`, "empty" for '', "—" for none. */
function written (value: unknown): string {
  if (value === undefined) return '—'
  if (value === '') return 'empty'
  return `\`${String(value)}\``
}

const variables = configVariables()

t.test('the configuration reference lists every variable of src/config.ts with the default the code uses', async (t) => {
  const rows = referenceRows(readFileSync(join(repoRoot, 'docs/configuration.md'), 'utf8'))
  t.ok(variables.length > 100, 'the config has its variables')
  for (const v of variables) {
    const cell = rows.get(v.variable)
    t.not(cell, undefined, `${v.variable} (${v.path}) is in docs/configuration.md`)
    if (cell !== undefined) t.equal(cell, written(v.default), `${v.variable}: the documented default is the code's`)
  }
  const known = new Set(variables.map((v) => v.variable))
  for (const name of rows.keys()) t.ok(known.has(name), `docs/configuration.md: ${name} is read by src/config.ts`)
})

t.test('every table row naming a variable, on any page, gives the code\'s default', async (t) => {
  const byName = new Map(variables.map((v) => [v.variable, v.default]))
  for (const file of docFiles()) {
    for (const [name, cell] of referenceRows(readFileSync(join(repoRoot, file), 'utf8'))) {
      if (!byName.has(name)) continue
      t.equal(cell, written(byName.get(name)), `${file}: ${name}`)
    }
  }
})

t.test('no page names a RINGLEAD_* variable that nothing reads', async (t) => {
  const known = new Set([...variables.map((v) => v.variable), ...otherVariables])
  for (const file of docFiles()) {
    const text = readFileSync(join(repoRoot, file), 'utf8')
    for (const m of text.matchAll(/RINGLEAD_[A-Z0-9_]*[A-Z0-9]_?/g)) {
      const name = m[0]
      // `RINGLEAD_AMI_*` and the like name a group: some variable must start with it.
      const ok = name.endsWith('_')
        ? [...known].some((k) => k.startsWith(name)) || otherPrefixes.some((p) => name.startsWith(p))
        : known.has(name) || otherPrefixes.some((p) => name.startsWith(p))
      if (!ok) t.fail(`${file} names ${name}, which no code reads`)
    }
  }
  t.pass('checked')
})
