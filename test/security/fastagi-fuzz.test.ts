// FastAGI under hostile input, from a fixed seed, over real TCP: random bytes, huge lines and
// blocks, endless 520 continuations, partial and slow headers, binary, bad replies and script names.
// Proper sessions run between them and must get the right answers; the server must never crash
// and must end up holding nothing: no connection, no session, no timer.
import t from 'tap'
import { seededRandom as seeded } from './helpers.js'
import { agiPeer, envChunks, eventually, startAgiServer, validEcho, type AgiPeer } from '../helpers/agi-peer.js'

const SEED = 0x5eed_a61
const BATCHES = 30
const HOSTILE_PER_BATCH = 40
const VALID_PER_BATCH = 3


type Rng = () => number
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1))
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!
const bytes = (rng: Rng, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(rng, 0, 255)))
const header = (script = 'echo', args: string[] = ['a']): string => envChunks(script, args).join('')

/** What a hostile peer sends first, how it answers the server's commands, and whether it trickles. */
interface Plan { send: Array<string | Buffer>; answer?: (line: string) => string | Buffer; trickle?: string }

const badReplies = ['200', '200 result=', '999 result=1', 'result=1', '-1', '200 result=1 (', '\u0000\u0001\u0002', '２００ result=1',
  '200 result=1 (' + ')'.repeat(4000), 'HANGUP\n'.repeat(5000), '200 result=1\n'.repeat(50), '\r\r\r\n', '5', '', '200 result=9'.repeat(600)]
const badNames = ['constructor', '__proto__', 'toString', '../../etc/passwd', '%00', 'x'.repeat(3000), 'echo?x=1', '', 'ECHO', 'échο']

const kinds: Record<string, (rng: Rng) => Plan> = {
  'random bytes': (rng) => ({ send: [bytes(rng, int(rng, 1, 4096))] }),
  'binary with a blank line': (rng) => ({ send: [bytes(rng, int(rng, 1, 512)), '\n\n', bytes(rng, int(rng, 0, 512))] }),
  'huge line': (rng) => ({ send: [pick(rng, ['x', 'agi_', '\u0000', 'я']).repeat(int(rng, 9000, 200_000))] }),
  'huge header': (rng) => ({ send: Array.from({ length: int(rng, 2, 12) }, () => 'agi_network: yes\n'.repeat(int(rng, 200, 2000))) }),
  'many short lines': (rng) => ({ send: ['a\n'.repeat(int(rng, 9000, 60_000))] }),
  'blank lines first': (rng) => ({ send: ['\n'.repeat(int(rng, 1, 3000))] }),
  'partial header': (rng) => { const h = header(); return { send: [h.slice(0, int(rng, 1, h.length - 3))] } },
  'slowloris': (rng) => { const h = header(); const cut = int(rng, 0, 50); return { send: [h.slice(0, cut)], trickle: h.slice(cut) } },
  'endless continuation': (rng) => ({
    send: [header()],
    answer: () => `520-Invalid command syntax.\n${'Usage: GET VARIABLE <name>\n'.repeat(int(rng, 700, 5000))}`
  }),
  'bad reply': (rng) => ({ send: [header()], answer: () => `${pick(rng, badReplies)}\n` }),
  'reply before any command': (rng) => ({ send: [header(), `${pick(rng, badReplies)}\n`, '200 result=1\n'] }),
  'bad script name': (rng) => ({ send: [header(pick(rng, badNames))], answer: () => '200 result=1\n' }),
  'bad agi_request': (rng) => ({ send: [`agi_request: ${pick(rng, ['not a url', 'agi://', '::::', 'http://[x'])}\nagi_arg_1: a\n\n`] }),
  'not agi at all': (rng) => ({ send: [pick(rng, ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'SSH-2.0-OpenSSH_9.6\r\n', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003'])] }),
  'hangup flood': (rng) => ({ send: [header()], answer: () => 'HANGUP\n'.repeat(int(rng, 1000, 20_000)) }),
  'args of control characters': (rng) => ({ send: [header('echo', [bytes(rng, 40).toString('latin1').replace(/\n/g, '')])], answer: () => `200 result=1 (${bytes(rng, 30).toString('latin1').replace(/\n/g, '')})\n` })
}

interface Hostile { kind: string; peer: AgiPeer; trickle: string }

t.test(`${BATCHES * HOSTILE_PER_BATCH} hostile inputs from seed ${SEED} close only their own connections; proper sessions keep their answers`, async (t) => {
  const s = await startAgiServer({ replyTimeoutMs: 30_000, limits: { maxConnections: 200, headerTimeoutMs: 10_000, closeGraceMs: 5000 } })
  t.teardown(() => s.close())
  const rng = seeded(SEED)
  const names = Object.keys(kinds)
  const tried = new Map<string, number>()
  let valid = 0
  for (let batch = 0; batch < BATCHES; batch++) {
    const hostile: Hostile[] = []
    for (let i = 0; i < HOSTILE_PER_BATCH; i++) {
      const kind = names[(batch * HOSTILE_PER_BATCH + i) % names.length]!
      const plan = kinds[kind]!(rng)
      tried.set(kind, (tried.get(kind) ?? 0) + 1)
      const peer = agiPeer(s.port)
      // Split each piece at a random point: the server must not care how bytes are cut into reads.
      for (const piece of plan.send) {
        const cut = int(rng, 0, piece.length)
        peer.write(piece.slice(0, cut))
        peer.write(piece.slice(cut))
      }
      if (plan.answer) { const answer = plan.answer; void (async () => { for (let line = await peer.next(); line !== null; line = await peer.next()) peer.write(answer(line)) })() }
      hostile.push({ kind, peer, trickle: plan.trickle ?? '' })
    }
    const sessions = await Promise.all(Array.from({ length: VALID_PER_BATCH }, (_, i) => validEcho(s.port, [`b${batch}`, `s${i}`], `Caller ${batch}.${i}`)))
    for (const r of sessions) if (!r.ok) t.fail(`a proper session got wrong commands in batch ${batch}: ${JSON.stringify(r.got)}`)
    valid += sessions.filter((r) => r.ok).length
    // Time passes, one virtual second at a time; slow peers send one more byte each second.
    for (let second = 0; hostile.some((h) => !h.peer.isClosed()); second++) {
      if (second > 200) { t.fail(`batch ${batch}: still open after 200 s: ${hostile.filter((h) => !h.peer.isClosed()).map((h) => h.kind).join(', ')}`); break }
      for (const h of hostile) if (h.trickle !== '') { h.peer.write(h.trickle[0]!); h.trickle = h.trickle.slice(1) }
      await s.clock.advance(1000)
    }
  }
  t.equal(valid, BATCHES * VALID_PER_BATCH, 'every proper session got the right answers')
  t.ok((await validEcho(s.port, ['last'], 'Ivan')).ok, 'the server still serves after all of it')
  await eventually('nothing held', () => s.server.connections === 0 && s.server.running === 0)
  await s.clock.advance(60_000)
  t.equal(s.clock.timers, 0, 'no timer left behind')
  const refused = s.logs.entries.filter((e) => e.msg === 'FastAGI connection refused').length
  t.equal(refused, 0, 'no hostile input took another\'s slot')
  t.comment(`inputs by kind: ${[...tried].map(([k, n]) => `${k} ${n}`).join(', ')}`)
  const why = new Map<string, number>()
  for (const e of s.logs.entries) {
    if (e.msg !== 'AGI session closed: bad input' || typeof e.why !== 'string') continue
    const reason = e.why.replace(/".*"/, '"…"').slice(0, 60)
    why.set(reason, (why.get(reason) ?? 0) + 1)
  }
  t.comment(`closed because: ${[...why].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `${k} ×${n}`).join('; ')}`)
})
