// A call heard once, mixed to mono: each segment goes to the party louder on its own track over the
// segment's span; quiet or equal spans are decided by their neighbourhood, then by the previous speaker.
import t from 'tap'
import { attributeSpeakers, defaultAttribution, type EnergyOf } from '../../src/domain/speaker-attribution.js'
import type { Speaker } from '../../src/domain/transcript.js'

/** Each party's loudness as stretches of constant RMS, [fromMs, toMs, rms]; the energy is the span's mean square, rooted. */
function energies (parts: Record<Speaker, Array<[number, number, number]>>): EnergyOf {
  return (speaker, fromMs, toMs) => {
    let sum = 0
    for (const [a, b, rms] of parts[speaker]) sum += Math.max(0, Math.min(b, toMs) - Math.max(a, fromMs)) * rms * rms
    return toMs > fromMs ? Math.sqrt(sum / (toMs - fromMs)) : 0
  }
}

t.test('each segment goes to the party louder over its span, the other\'s leak notwithstanding', async (t) => {
  // The caller speaks 0–2 s and 5–7 s, the operator 2.5–4.5 s; each track hears a faint echo of the other.
  const energyOf = energies({
    caller: [[0, 2000, 3000], [2500, 4500, 200], [5000, 7000, 2500]],
    operator: [[0, 2000, 150], [2500, 4500, 4000], [5000, 7000, 100]]
  })
  const got = attributeSpeakers([
    { startMs: 0, endMs: 2000, text: 'hello, I am calling about the fridge' },
    { startMs: 2400, endMs: 4600, text: 'good afternoon, which model?' },
    { startMs: 5000, endMs: 7000, text: 'the white one' }
  ], energyOf)
  t.same(got.caller?.map((s) => s.text), ['hello, I am calling about the fridge', 'the white one'])
  t.same(got.operator?.map((s) => s.text), ['good afternoon, which model?'])
})

t.test('overlapping speech goes whole to the louder party', async (t) => {
  const energyOf = energies({ caller: [[0, 3000, 1200]], operator: [[1000, 3000, 3000]] })
  const got = attributeSpeakers([{ startMs: 0, endMs: 3000, text: 'both at once' }], energyOf)
  t.same(got, { operator: [{ startMs: 0, endMs: 3000, text: 'both at once' }] }, 'mean square 1200²·3 < 3000²·2: the operator')
})

t.test('a span quiet on both tracks is decided by the audio around it', async (t) => {
  // Whisper's times fell in a pause (9.0–9.5 s) just after the operator spoke (7–9 s); the caller is quiet near it.
  const energyOf = energies({ caller: [[0, 2000, 3000], [9000, 9500, 30]], operator: [[7000, 9000, 2500], [9000, 9500, 20]] })
  t.ok(energyOf('caller', 9000, 9500) > energyOf('operator', 9000, 9500), 'in the span itself the caller is (slightly) louder')
  t.ok(energyOf('caller', 9000, 9500) < defaultAttribution.quietRms, 'but both are below the quiet level')
  const got = attributeSpeakers([{ startMs: 9000, endMs: 9500, text: 'mm-hm' }], energyOf)
  t.same(Object.keys(got), ['operator'], 'the operator, loud within 2 s of it, takes it')
})

t.test('equal or silent spans keep the previous speaker; the first goes to the caller', async (t) => {
  const silent: EnergyOf = () => 0
  t.same(Object.keys(attributeSpeakers([{ startMs: 0, endMs: 500, text: 'a' }], silent)), ['caller'])
  // The operator is loud at 0–1 s; then 10–11 s is silent everywhere (nothing within 2 s either).
  const energyOf = energies({ caller: [], operator: [[0, 1000, 3000]] })
  const got = attributeSpeakers([{ startMs: 0, endMs: 1000, text: 'hello' }, { startMs: 10_000, endMs: 11_000, text: 'yes' }], energyOf)
  t.same(got.operator?.map((s) => s.text), ['hello', 'yes'])
  t.equal(got.caller, undefined)
})

t.test('a segment whose end is before its start is judged over its start alone and kept as it is', async (t) => {
  const got = attributeSpeakers([{ startMs: 1000, endMs: 900, text: 'x' }], energies({ caller: [[500, 1500, 10]], operator: [[0, 3000, 3000]] }))
  t.same(got, { operator: [{ startMs: 1000, endMs: 900, text: 'x' }] })
})
