// The deployment files, checked as far as a machine without a Docker engine allows: every path the
// Dockerfile copies exists (or is what `npm run build` makes), the image runs as a user with its
// data in a volume and a health check on /api/health; the systemd unit passes systemd-analyze.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import t from 'tap'

const root = resolve(import.meta.dirname, '..')
const dockerfile = readFileSync(join(root, 'deploy', 'Dockerfile'), 'utf8')
const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim())
/** What tsc writes for a source path (outDir dist, rootDir the repository). */
const builtFrom = (path: string): string | null => {
  const m = /^dist\/(.+?)(\.js)?$/.exec(path)
  if (m === null) return null
  return m[2] ? `${m[1]}.ts` : m[1]!
}

t.test('every path the Dockerfile copies is in the repository or made by the build', async (t) => {
  const copies = lines.filter((l) => l.startsWith('COPY '))
  t.ok(copies.length > 10)
  for (const line of copies) {
    const words = line.split(/\s+/).slice(1)
    const fromBuild = words[0]?.startsWith('--from=') === true
    const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1)
    for (const raw of sources) {
      const path = fromBuild ? raw.replace(/^\/app\//, '') : raw
      const made = builtFrom(path)
      t.ok(existsSync(join(root, path)) || (made !== null && existsSync(join(root, made))) || (fromBuild && path === 'node_modules'), `${line}: ${path}`)
    }
  }
  const cmd = lines.find((l) => l.startsWith('CMD '))!
  const entry = JSON.parse(cmd.slice(4)) as string[]
  t.equal(builtFrom(entry.at(-1)!), 'src/main.ts', 'the image starts the built main.ts, without tsx')
  t.notOk(entry.includes('--import'), 'no loader')
})

t.test('the image runs as a non-root user, keeps its data in a volume and checks /api/health', async (t) => {
  const user = lines.filter((l) => l.startsWith('USER ')).at(-1)
  t.match(user, /^USER ringlead$/)
  const volume = lines.find((l) => l.startsWith('VOLUME '))!
  const dataDir = (JSON.parse(volume.slice(7)) as string[])[0]!
  t.match(dockerfile, new RegExp(`RINGLEAD_DB_PATH=${dataDir}/`), 'the database is in the volume')
  t.match(dockerfile, new RegExp(`RINGLEAD_RECORDINGS_DIR=${dataDir}/`), 'the recordings are in the volume')
  t.match(lines.find((l) => l.startsWith('HEALTHCHECK '))!, /\/api\/health/)
  t.equal(lines.filter((l) => l.startsWith('FROM ')).length, 2, 'two stages: build, then run')
})

t.test('the systemd unit starts the built daemon and passes systemd-analyze verify', async (t) => {
  const unit = readFileSync(join(root, 'deploy', 'ringlead.service'), 'utf8')
  t.match(unit, /^ExecStart=\/usr\/bin\/node (--[a-z-]+(=\S+)? )*\/opt\/ringlead\/dist\/src\/main\.js$/m)
  t.match(unit, /^TimeoutStopSec=(\d+)$/m)
  t.ok(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)![1]) > 30, 'systemd waits longer than the default grace period')
  let analyze = true
  try { execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' }) } catch { analyze = false }
  if (!analyze) { t.comment('systemd-analyze is not installed here: the unit is not verified'); return }
  t.doesNotThrow(() => execFileSync('systemd-analyze', ['verify', join(root, 'deploy', 'ringlead.service')], { stdio: 'pipe' }))
})

t.test('every way of starting the daemon gives node the same flags as the systemd unit', async (t) => {
  const unit = readFileSync(join(root, 'deploy', 'ringlead.service'), 'utf8')
  const flagsOf = (words: string[]): string[] => words.filter((w) => /^--[a-z-]+(=\S+)?$/.test(w) && w !== '--import')
  const deployed = flagsOf(/^ExecStart=(.*)$/m.exec(unit)![1]!.split(' '))
  t.ok(deployed.includes('--no-memory-reducer'), 'the unit turns off V8\'s memory reducer (docs/operations.md)')
  t.ok(deployed.includes('--max-semi-space-size=64'), 'the unit gives V8 a young generation that collects four times less often (docs/operations.md)')
  const cmd = JSON.parse(lines.find((l) => l.startsWith('CMD '))!.slice(4)) as string[]
  t.same(flagsOf(cmd), deployed, 'the image')
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  // The benches that run the daemon inside their own process measure it as deployed too.
  for (const script of ['start', 'start:built', 'bench']) t.same(flagsOf(pkg.scripts[script]!.split(' ')), deployed, `npm run ${script}`)
  const demo = /^demo:.*\n(?:\t.*\n)*?\t(node .*)$/m.exec(readFileSync(join(root, 'Makefile'), 'utf8'))![1]!
  t.same(flagsOf(demo.split(' ')), deployed, 'make demo')
  const { deployedNodeFlags } = await import('../bench/asterisk/contenders.js')
  t.same(deployedNodeFlags(), deployed, 'the real-Asterisk bench runs ringlead as deployed')
})

t.test('the package ships what the built daemon reads', async (t) => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; bin: Record<string, string> }
  for (const f of pkg.files) {
    const made = builtFrom(f.replace(/\/$/, ''))
    t.ok(existsSync(join(root, f)) || (made !== null && existsSync(join(root, made))), f)
  }
  t.ok(existsSync(join(root, pkg.bin.ringlead!)), 'the ringlead command is in the repository')
})
