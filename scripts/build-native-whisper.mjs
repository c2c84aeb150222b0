// Builds the speech engine's native addon at install: whisper.cpp compiled for this machine's CPU
// (AVX2/AVX-512 where present). Never fails the install: without a compiler or cmake the prebuilt
// binding is used, and the daemon's start-up line says so.
// RINGLEAD_SKIP_NATIVE_BUILD=1 skips it (the prebuilt binding is then used).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const addonDir = join(root, 'native', 'whisper')
const buildDir = join(addonDir, 'build')
const say = (line) => { process.stderr.write(`ringlead native whisper: ${line}\n`) }

function fail (reason) {
  say(`not built (${reason}); transcription will use the prebuilt binding (no AVX)`)
  mkdirSync(buildDir, { recursive: true })
  writeFileSync(join(buildDir, 'build-failed.txt'), `${reason}\n`)
  process.exit(0)
}

if (process.env.RINGLEAD_SKIP_NATIVE_BUILD === '1') fail('RINGLEAD_SKIP_NATIVE_BUILD=1')
let whisperSource
try {
  whisperSource = join(dirname(createRequire(import.meta.url).resolve('nodejs-whisper/package.json')), 'cpp', 'whisper.cpp')
} catch { fail('the nodejs-whisper package, which carries the whisper.cpp source, is not installed') }
if (!existsSync(join(whisperSource, 'include', 'whisper.h'))) fail(`no whisper.cpp source at ${whisperSource}`)
const nodeInclude = resolve(dirname(process.execPath), '..', 'include', 'node')
if (!existsSync(join(nodeInclude, 'node_api.h'))) fail(`no Node headers at ${nodeInclude}`)
for (const tool of ['cmake', 'c++']) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) fail(`${tool} not found`)
}

rmSync(join(buildDir, 'build-failed.txt'), { force: true })
const started = Date.now()
const run = (args) => {
  const r = spawnSync('cmake', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0) {
    process.stderr.write(`${(r.stdout ?? '').split('\n').slice(-20).join('\n')}\n${(r.stderr ?? '').split('\n').slice(-30).join('\n')}\n`)
    fail(`cmake ${args[0]} failed`)
  }
}
run(['-S', addonDir, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', `-DWHISPER_SOURCE_DIR=${whisperSource}`, `-DNODE_INCLUDE_DIR=${nodeInclude}`])
run(['--build', buildDir, '--target', 'ringlead_whisper', '-j', String(availableParallelism())])
// The build is for this CPU only: the engine refuses it (and uses the prebuilt) on another one.
try {
  // Instruction-set flags only (the same filter as src/speech/engine.ts): other flags vary with the kernel.
  const flags = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(/\s+/).filter((f) => /^(sse|ssse|avx|fma|f16c|bmi|amx|popcnt)/.test(f)).sort().join(' ')
  if (flags !== undefined) writeFileSync(join(buildDir, 'cpu-flags.txt'), `${flags}\n`)
} catch { /* not Linux: no check */ }
say(`built ${join(buildDir, 'ringlead_whisper.node')} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
