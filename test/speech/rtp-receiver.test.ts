// RTP as Asterisk's external media sends it: header skipped (CSRC, extension, padding), linear
// 16-bit in network order or G.711 µ-law decoded to 16 kHz; only the named sender's port counts.
import { createSocket } from 'node:dgram'
import t from 'tap'
import { linearToUlaw } from '../../src/sim/external-media.js'
import { RtpReceiver, rtpToSamples, ulawToLinear } from '../../src/speech/rtp-receiver.js'
import { until } from '../helpers/world.js'

const header = (first = 0x80, pt = 118): Buffer => { const h = Buffer.alloc(12); h[0] = first; h[1] = pt; return h }

t.test('slin16 payloads are big-endian samples after the header, its CSRCs, extension and padding', async (t) => {
  const payload = Buffer.alloc(4); payload.writeInt16BE(1000, 0); payload.writeInt16BE(-2000, 2)
  t.same(Array.from(rtpToSamples(Buffer.concat([header(), payload]), 'slin16')!), [1000, -2000])
  const csrc = Buffer.alloc(4)
  const ext = Buffer.from([0xbe, 0xde, 0, 1, 9, 9, 9, 9])
  const padded = Buffer.concat([header(0x80 | 0x20 | 0x10 | 1), csrc, ext, payload, Buffer.from([0, 2])])
  t.same(Array.from(rtpToSamples(padded, 'slin16')!), [1000, -2000])
  t.equal(rtpToSamples(Buffer.from([0x40, 0, 0]), 'slin16'), null, 'not RTP version 2')
  t.equal(rtpToSamples(header(), 'slin16'), null, 'no payload')
})

t.test('µ-law is decoded and each sample doubled to 16 kHz', async (t) => {
  for (const x of [0, 100, -100, 1000, -8000, 30000]) t.ok(Math.abs(ulawToLinear(linearToUlaw(x)) - x) <= Math.max(8, Math.abs(x) / 16), `${x} survives µ-law`)
  const s = rtpToSamples(Buffer.concat([header(0x80, 0), Buffer.from([linearToUlaw(4000), linearToUlaw(-4000)])]), 'ulaw')!
  t.equal(s.length, 4)
  t.ok(s[0] === s[1] && s[0]! > 3800 && s[2]! < -3800)
})

t.test('the receiver keeps only packets from the port Asterisk named', async (t) => {
  const got: number[] = []
  const rx = await RtpReceiver.open('127.0.0.1', 'slin16', (samples) => { got.push(samples[0]!) })
  t.teardown(() => { rx.close() })
  const a = createSocket('udp4'); const b = createSocket('udp4')
  await Promise.all([a, b].map(async (s) => { await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve)) }))
  t.teardown(() => { a.close(); b.close() })
  rx.acceptFrom('127.0.0.1', a.address().port)
  const packet = (v: number): Buffer => { const p = Buffer.concat([header(), Buffer.alloc(2)]); p.writeInt16BE(v, 12); return p }
  b.send(packet(7), rx.port, '127.0.0.1')
  a.send(packet(5), rx.port, '127.0.0.1')
  await until('a packet', () => got.length > 0 && rx.dropped > 0, 10_000)
  t.same(got, [5])
  t.equal(rx.packets, 1)
})
