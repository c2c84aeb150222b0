// The house rules of DESIGN.md/STYLE.md, checked on the imports themselves.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, dirname, resolve } from 'node:path'
import t from 'tap'

const root = resolve(import.meta.dirname, '..')
const src = join(root, 'src')

function files (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return files(full)
    return full.endsWith('.ts') ? [full] : []
  })
}

function imports (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!)
}

/** The top folder under src/ an import lands in, or the package name. */
function target (file: string, spec: string): string {
  if (!spec.startsWith('.')) return `pkg:${spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]}`
  const path = relative(src, resolve(dirname(file), spec))
  return path.includes('/') ? path.split('/')[0]! : path.replace(/\.js$/, '')
}

const pureAllowed = new Set(['domain', 'pkg:libphonenumber-js', 'pkg:luxon', 'pkg:@orama/stemmers', 'pkg:@zxcvbn-ts/core', 'pkg:@zxcvbn-ts/language-common'])

t.test('domain/ is pure: it imports only domain/ and pure libraries, and reads no clock or randomness', async (t) => {
  for (const file of files(join(src, 'domain'))) {
    for (const spec of imports(file)) t.ok(pureAllowed.has(target(file, spec)), `${relative(root, file)} imports ${spec}`)
    const text = readFileSync(file, 'utf8')
    t.notMatch(text, /Date\.now\(|Math\.random\(|new Date\(\)|process\.env/, `${relative(root, file)} takes time and ids as arguments`)
  }
})

t.test('the Asterisk adapters never reach into calls, leads, http or the database', async (t) => {
  for (const file of files(join(src, 'asterisk'))) {
    for (const spec of imports(file)) {
      t.notOk(['calls', 'db', 'http', 'leads', 'jobs'].includes(target(file, spec)), `${relative(root, file)} imports ${spec}`)
    }
  }
})

t.test('only config.ts reads process.env', async (t) => {
  for (const file of files(src)) {
    if (file.endsWith('config.ts') || file.includes('/sim/cli.ts')) continue
    t.notMatch(readFileSync(file, 'utf8'), /process\.env/, `${relative(root, file)} reads the environment`)
  }
})

t.test('the simulator is separate from the daemon: nothing but the wiring imports it', async (t) => {
  for (const file of files(src)) {
    if (file.includes('/sim/') || file.endsWith('daemon.ts') || file.endsWith('asterisk-endpoints.ts')) continue
    for (const spec of imports(file)) t.not(target(file, spec), 'sim', `${relative(root, file)} imports ${spec}`)
  }
})

t.test('a prepared statement writes its LIMIT into its text (fixedLimit): SQLite recompiles one whose LIMIT is bound, on every run', async (t) => {
  let checked = 0
  for (const file of files(src)) {
    // A query chain from `.limit(` to the first `.prepare()`, `.get()`, `.all()`, `.run()` or `.values()` after it.
    for (const m of readFileSync(file, 'utf8').matchAll(/\.limit\(([^\n]*?)\)([^;]*?)\.(prepare|get|all|run|values)\(\)/g)) {
      if (m[3] !== 'prepare') continue
      checked++
      t.match(m[1]!, /^fixedLimit\(/, `${relative(root, file)}: .limit(${m[1]}) in a prepared statement`)
    }
  }
  t.ok(checked >= 4, `the prepared statements with a LIMIT were found (${checked})`)
})
