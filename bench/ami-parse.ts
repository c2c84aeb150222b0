// Step 30: the AMI events of real Asterisk traffic read by asterisk-manager and by ringlead's own
// reader (src/asterisk/ami-socket.ts), over loopback TCP in this process, interleaved. The stream is
// what Asterisk 22.10.1 sent in ../shared/asterisk/traces/ami (registrations, a call, its
// hang-up), kept to the events ringlead's AMI filter lets through, repeated.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { join } from 'node:path'
import { AmiSocket } from '../src/asterisk/ami-socket.js'
import { READ_EVENTS_FILTER } from '../src/asterisk/ami-link.js'
import { packageRoot } from '../src/package-root.js'

const require = createRequire(import.meta.url)

/** Server-to-client bytes of the trace's logged-in session, as Asterisk sent them. */
function tracedEvents (): string[] {
  // Found as the conformance tests find them: RINGLEAD_ASTERISK_TRACES, else ../shared beside the checkout.
  const traces = process.env.RINGLEAD_ASTERISK_TRACES ?? join(packageRoot, '..', 'shared', 'asterisk', 'traces')
  const text = readFileSync(join(traces, 'ami', 'ami_raw.txt'), 'utf8')
  const received: string[] = []
  let inside = false
  for (const line of text.split('\n')) {
    if (line.startsWith('###')) { inside = line.includes('[conn2] <<<'); continue }
    if (inside) received.push(line)
  }
  const filter = new RegExp(READ_EVENTS_FILTER.replace('[[:space:]]', '\\s'))
  return received.join('\n').split('\r\n\r\n').map((m) => `${m.replace(/^\n+/, '')}\r\n\r\n`).filter((m) => filter.test(m))
}

async function serve (payload: string): Promise<Server> {
  const server = createServer((socket) => { socket.end(`Asterisk Call Manager/9.0.0\r\n${payload}`) })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return server
}

/** CPU µs of this process per event while a client reads `count` events. */
async function readWith (kind: 'asterisk-manager' | 'ringlead', port: number, count: number): Promise<number> {
  const before = process.cpuUsage()
  let seen = 0
  await new Promise<void>((resolve, reject) => {
    const done = (): void => { if (++seen === count) resolve() }
    if (kind === 'ringlead') {
      const s = new AmiSocket()
      s.on('event', done)
      s.connect(port, '127.0.0.1', (err) => { if (err) reject(err) })
    } else {
      const manager = (require('asterisk-manager') as (p: null, h: string, u: string, s: string, e: boolean) => { on: (e: string, f: () => void) => void; connect: (p: number, h: string, cb: (e: Error | null) => void) => void })(null, '127.0.0.1', 'x', 'x', true)
      manager.on('managerevent', done)
      manager.connect(port, '127.0.0.1', (err) => { if (err) reject(err) })
    }
  })
  const used = process.cpuUsage(before)
  return (used.user + used.system) / count
}

export async function benchAmiParse (rounds = 7, repeats = 400): Promise<Record<string, string>> {
  const events = tracedEvents()
  const server = await serve(events.join('').repeat(repeats))
  const port = (server.address() as AddressInfo).port
  const count = events.length * repeats
  const us: Record<'asterisk-manager' | 'ringlead', number[]> = { 'asterisk-manager': [], ringlead: [] }
  try {
    await readWith('ringlead', port, count) // warm both before timing
    await readWith('asterisk-manager', port, count)
    for (let i = 0; i < rounds; i++) {
      us['asterisk-manager'].push(await readWith('asterisk-manager', port, count))
      us.ringlead.push(await readWith('ringlead', port, count))
    }
  } finally {
    server.close()
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!
  const am = median(us['asterisk-manager'])
  const rl = median(us.ringlead)
  return {
    'events a round': `${count.toLocaleString('en')} (${events.length} traced events that pass the filter, ${repeats} times)`,
    'asterisk-manager CPU µs an event (median of rounds)': `${am.toFixed(1)} (${us['asterisk-manager'].map((v) => v.toFixed(1)).join(', ')})`,
    'ringlead reader CPU µs an event (median of rounds)': `${rl.toFixed(1)} (${us.ringlead.map((v) => v.toFixed(1)).join(', ')})`,
    'ratio': `${(am / rl).toFixed(1)}×`
  }
}
