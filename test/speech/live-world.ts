// The simulated Asterisk and an in-process daemon with live alerts on (the tone engine unless one is
// given), operator 101, and the call.qa_alert events as they come.
import type { Test } from 'tap'
import type { QaAlert } from '../../src/bus.js'
import type { Config, DeepPartial } from '../../src/config.js'
import type { SpeechEngine } from '../../src/speech/engine.js'
import { startWorld, type World } from '../helpers/world.js'
import { toneEngine } from './tone-engine.js'

/** Live alerts on, windows of 2 s overlapping by 0.5 s; no model (the test gives the engine). */
const liveSpeech = { live: 'on', liveWindowMs: 2000, liveOverlapMs: 500, modelPath: '' } as const

export async function liveWorld (t: Test, o: { speech?: DeepPartial<Config['speech']>; engine?: SpeechEngine } = {}): Promise<{ w: World; alerts: QaAlert[] }> {
  const w = await startWorld({ speech: { ...liveSpeech, ...o.speech } }, { liveEngine: o.engine ?? toneEngine(), recordingSettleMs: 15_000 })
  t.teardown(() => w.close())
  w.addOperator('101')
  const alerts: QaAlert[] = []
  w.daemon.bus.on('call.qa_alert', (a) => alerts.push(a))
  return { w, alerts }
}
