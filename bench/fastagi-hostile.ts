// FastAGI under 3,000 hostile connections (silent, slowloris, huge headers, endless 520 replies) from the address
// Asterisk uses, against a FastAGI server in a child process with its default limits: the child's
// memory before, during and after, and whether proper sessions were still served, how fast.
// `node --import tsx bench/fastagi-hostile.ts [module|-] [connections]` runs it alone; `module` is another
// file exporting FastAgiServer, e.g. the server before its limits, as the anchor.
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { defaultFastAgiLimits } from '../src/asterisk/fastagi.js'
import type { AgiServerReply } from './fastagi-server.js'
import { percentiles, printFigures } from './stats.js'

const recorded = JSON.parse(readFileSync(new URL('../test/fixtures/fastagi/route-env.json', import.meta.url), 'utf8')) as { chunks: string[] }
const envBlock = (args: string[]): string => recorded.chunks.join('')
  .replace(/agi_network_script: route/, 'agi_network_script: echo')
  .replace(/agi_arg_1: arg1\nagi_arg_2: arg2\n/, args.map((a, i) => `agi_arg_${i + 1}: ${a}\n`).join(''))

/**
 * The stated bound: every slot full with a line and a block at their caps (JavaScript strings take up
 * to twice their bytes) plus 16 KB of socket and session objects each, plus 32 MB for the heap to grow.
 */
const slotBytes = defaultFastAgiLimits.maxLineBytes + 2 * defaultFastAgiLimits.maxHeaderBytes + 16_384
export const memoryBoundMb = Math.round((defaultFastAgiLimits.maxConnections * slotBytes) / 1048576 + 32)

interface Child { child: ChildProcess; port: number; stats (gc?: boolean): Promise<Extract<AgiServerReply, { kind: 'stats' }>> }

async function startChild (module?: string): Promise<Child> {
  const entry = fileURLToPath(new URL('./fastagi-server.ts', import.meta.url))
  const child = fork(entry, module !== undefined ? [module] : [], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting: Array<(r: Extract<AgiServerReply, { kind: 'stats' }>) => void> = []
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => { reject(new Error(`FastAGI child exited with ${code}`)) })
    child.on('message', (m: AgiServerReply) => {
      if (m.kind === 'ready') resolve(m.port)
      else waiting.shift()?.(m)
    })
  })
  return { child, port, stats: (gc = false) => new Promise((resolve) => { waiting.push(resolve); child.send({ cmd: 'stats', gc }) }) }
}

/** One proper session; ms from connecting to the script's answer, or null when it failed or took over 10 s. */
function validSession (port: number, n: number): Promise<number | null> {
  return new Promise((resolve) => {
    const started = performance.now()
    const socket = connect(port, '127.0.0.1')
    socket.setEncoding('utf8')
    let buffer = ''
    let answered: number | null = null
    const timer = setTimeout(() => { socket.destroy() }, 10_000)
    socket.on('error', () => {})
    socket.on('close', () => { clearTimeout(timer); resolve(answered) })
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        if (line === 'GET VARIABLE CALLERID(name)') socket.write(`200 result=1 (Caller ${n})\n`)
        else if (line === `SET VARIABLE RINGLEAD_ECHO "s${n}/Caller ${n}"`) { answered = performance.now() - started; socket.write('200 result=1\n') } else socket.destroy()
      }
    })
    socket.write(envBlock([`s${n}`]))
  })
}

/** Proper sessions, `workers` at a time, until `stop()` says so or `count` are done. */
async function runValid (port: number, o: { workers: number; count?: number; stop?: () => boolean }): Promise<{ ms: number[]; failed: number }> {
  const ms: number[] = []
  let failed = 0
  let n = 0
  const more = (): boolean => (o.count === undefined || n < o.count) && !(o.stop?.() ?? false)
  await Promise.all(Array.from({ length: o.workers }, async () => {
    while (more()) {
      const r = await validSession(port, n++)
      if (r === null) failed++; else ms.push(r)
    }
  }))
  return { ms, failed }
}

type HostileKind = 'silent' | 'slowloris' | 'huge header' | 'endless 520'

const kinds: HostileKind[] = ['silent', 'slowloris', 'huge header', 'endless 520']

/**
 * silent: connects and sends nothing; slowloris: a proper block, one byte every 500 ms; huge header:
 * 40 KB of one-byte lines and no blank line (the rescan's worst case); endless 520: a proper block,
 * then 200 KB of usage lines after "520-" in answer to the first command, never the closing "520 ".
 */
function openHostile (port: number, kind: HostileKind, onClose: () => void): { socket: Socket; trickle: string } {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  socket.on('close', onClose)
  if (kind === 'huge header') socket.write('a\n'.repeat(20_000))
  if (kind === 'endless 520') {
    socket.write(envBlock(['endless']))
    socket.once('data', () => { socket.write(`520-Invalid command syntax.\n${'Usage: GET VARIABLE <variablename>\n'.repeat(5700)}`) })
  }
  return { socket, trickle: kind === 'slowloris' ? envBlock(['slow']) : '' }
}

/**
 * A silent client whose handshake the kernel's full accept queue (backlog 511) left unfinished may
 * think it is connected: it never sends, so it never learns. The server never held it; hence the
 * server-side count beside the client-side one. Such a queue also delays proper connections by
 * SYN retries (1, 3, 7 s): a flood from an allowed address is stopped at the firewall, not here.
 */
const fmt = (xs: number[]): string => {
  const p = percentiles(xs)
  return `${p.p50.toFixed(2)} / ${p.p99.toFixed(2)} / ${p.max.toFixed(2)}`
}

export async function benchFastAgiHostile (o: { hostile?: number; attackMs?: number; module?: string } = {}): Promise<Record<string, string>> {
  const hostileCount = o.hostile ?? 3000
  const attackMs = o.attackMs ?? 60_000
  const { child, port, stats } = await startChild(o.module)
  try {
    await runValid(port, { workers: 4, count: 100 }) // warm-up
    const quiet = await runValid(port, { workers: 4, count: 300 })
    const before = await stats()
    const beforeGc = await stats(true)

    let closedByServer = 0
    let attacking = true
    const hostile: Array<{ socket: Socket; trickle: string }> = []
    const validWorkers = 4
    let openingDone = false
    let lastConnections = Infinity
    const opening = (async () => {
      for (let i = 0; i < hostileCount; i += 100) {
        for (let j = i; j < Math.min(hostileCount, i + 100); j++) hostile.push(openHostile(port, kinds[j % kinds.length]!, () => { if (attacking) closedByServer++ }))
        await new Promise((resolve) => setTimeout(resolve, 100)) // 1,000 a second
      }
      openingDone = true
    })()
    const trickle = setInterval(() => {
      for (const h of hostile) if (h.trickle !== '' && !h.socket.destroyed) { h.socket.write(h.trickle[0]!); h.trickle = h.trickle.slice(1) }
    }, 500)
    let peakRss = before.rssMb
    let peakHeap = before.heapUsedMb
    let peakConnections = 0
    const sampling = (async () => {
      while (attacking) {
        const s = await stats()
        peakRss = Math.max(peakRss, s.rssMb)
        peakHeap = Math.max(peakHeap, s.heapUsedMb)
        peakConnections = Math.max(peakConnections, s.connections ?? 0)
        lastConnections = s.connections ?? Infinity
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    })()
    const attackStarted = performance.now()
    let allClosedMs: number | null = null
    // Proper sessions run until the server has closed every hostile connection (or the time is up).
    const underAttack = await runValid(port, {
      workers: validWorkers,
      stop: () => {
        const elapsed = performance.now() - attackStarted
        if (openingDone && lastConnections <= validWorkers && allClosedMs === null) allClosedMs = elapsed
        return allClosedMs !== null || elapsed > attackMs
      }
    })
    await opening
    const stillOpen = hostile.filter((h) => !h.socket.destroyed).length
    const atEnd = await stats()
    const closedInTime = closedByServer
    attacking = false
    clearInterval(trickle)
    await sampling
    for (const h of hostile) h.socket.destroy()
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const after = await stats()
    const afterGc = await stats(true)
    const afterRun = await runValid(port, { workers: 4, count: 300 })

    const growth = peakRss - before.rssMb
    return {
      [`hostile connections (${kinds.join(' / ')}, a quarter each)`]: String(hostileCount),
      'closed by the server | not closed (client side)': `${closedInTime} | ${stillOpen}`,
      [`connections the server still held after ${attackMs / 1000} s`]: atEnd.connections === null ? 'n/a (no count)' : String(atEnd.connections),
      'server held only the proper sessions\' connections again after (s from the first hostile one)': allClosedMs === null ? `not within ${attackMs / 1000} s` : (allClosedMs / 1000).toFixed(1),
      'connections held at most (limit)': o.module === undefined ? `${peakConnections} (${defaultFastAgiLimits.maxConnections})` : 'n/a (no limit)',
      'server RSS MB before / peak during / after': `${before.rssMb} / ${peakRss} / ${after.rssMb}`,
      'server heapUsed MB before / peak during / after': `${before.heapUsedMb} / ${peakHeap} / ${after.heapUsedMb}`,
      'server heapUsed MB after a full GC: before / after': `${beforeGc.heapUsedMb} / ${afterGc.heapUsedMb}`,
      [`memory bound: RSS growth ≤ ${memoryBoundMb} MB`]: `${growth.toFixed(1)} MB: ${growth <= memoryBoundMb ? 'held' : 'EXCEEDED'}`,
      'proper sessions quiet: served / failed': `${quiet.ms.length} / ${quiet.failed}`,
      'proper sessions quiet: p50 / p99 / max ms': fmt(quiet.ms),
      'proper sessions under attack: served / failed': `${underAttack.ms.length} / ${underAttack.failed}`,
      'proper sessions under attack: p50 / p99 / max ms': fmt(underAttack.ms),
      'proper sessions after: served / failed': `${afterRun.ms.length} / ${afterRun.failed}`,
      'proper sessions after: p50 / p99 / max ms': fmt(afterRun.ms)
    }
  } finally {
    child.send({ cmd: 'close' })
    await new Promise((resolve) => { child.once('exit', resolve); setTimeout(() => { child.kill('SIGKILL') }, 5000).unref() })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const hostile = Number(process.argv[3] ?? 3000)
  printFigures(`FastAGI under ${hostile.toLocaleString('en')} hostile connections`, await benchFastAgiHostile({ module: process.argv[2] === '-' ? undefined : process.argv[2], hostile }))
  process.exit(0)
}
