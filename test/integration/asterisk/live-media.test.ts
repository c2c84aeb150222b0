// Live alerts against a real Asterisk 22: a bridged call with live streaming on gets, per party, a
// snoop and an external media channel (POST /channels/externalMedia, RTP over UDP, slin16) bridged
// together; the caller's audio (sipp sends a tone as RTP) reaches ringlead's receiver and the engine;
// at the end nothing is left in Asterisk. Skipped unless RINGLEAD_IT_ARI_URL is set (README.md).
// RINGLEAD_IT_LIVE_HOST: the address Asterisk sends RTP to (ringlead's receivers listen there), 127.0.0.1 by default.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { EngineResult, SpeechEngine } from '../../../src/speech/engine.js'
import { labFor, labOrSkip, noChannelsLeft, sippOk } from './lab-test.js'

const settings = await labOrSkip(5 * 60_000)

/** Counts what reaches it: windows, and the loudest window's RMS. */
function listeningEngine (): SpeechEngine & { windows: number; loudest: number } {
  const e = {
    name: 'listening', windows: 0, loudest: 0,
    async transcribe (samples: Int16Array): Promise<EngineResult> {
      e.windows++
      let sum = 0
      for (const s of samples) sum += s * s
      e.loudest = Math.max(e.loudest, Math.sqrt(sum / Math.max(1, samples.length)))
      return { language: 'en', segments: [] }
    },
    async close () {}
  }
  return e
}

if (settings !== null) {
  const { until, within } = await import('./lab.js')
  const host = process.env.RINGLEAD_IT_LIVE_HOST ?? '127.0.0.1'

  /**
   * An answered call with live streaming on: the caller talks for `talkMs`, sending a 440 Hz tone of
   * `toneSeconds`. `over` waits for its end and checks it was answered, sipp's side, and that nothing
   * is left in Asterisk.
   */
  const liveCall = async (t: Test, o: { toneSeconds: number; talkMs: number }) => {
    const engine = listeningEngine()
    const lab = await labFor(t, settings, { speech: { live: 'on', modelPath: '', liveListenHost: host, liveFormat: 'slin16', liveWindowMs: 2000, liveOverlapMs: 500 } }, { liveEngine: engine })
    const tone = join(lab.dir, 'caller-tone.ulaw')
    try {
      execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'u-law', '-t', 'raw', tone, 'synth', String(o.toneSeconds), 'sine', '440', 'vol', '0.5'])
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the caller\'s tone is made with sox, which is not on the PATH (Debian: apt-get install sox)')
      throw err
    }
    await lab.addOperator('101', { behaviour: { kind: 'answer', afterMs: 500 } })
    const ended = lab.ended()
    const carrier = lab.call({ from: '+79031112233', did: settings.dids.tracked, caller: { kind: 'talk_audio', talkMs: o.talkMs, audioFile: tone } })
    const over = async (): Promise<void> => {
      const e = await within(60_000, 'call.ended', ended)
      t.equal(e.status, 'answered')
      await sippOk(t, carrier, 'the carrier talked and hung up')
      await until('the live slot is free', () => lab.daemon.live?.activeCalls === 0)
      await noChannelsLeft(t, lab)
    }
    return { engine, lab, over }
  }

  t.test('a bridged call with live streaming: external media channels made, RTP reaches the receiver, all hung up at the end', async (t) => {
    const { engine, lab, over } = await liveCall(t, { toneSeconds: 20, talkMs: 9000 })

    await until('two external media channels in Asterisk', async () => (await lab.channels()).filter((c) => c.name.startsWith('UnicastRTP/')).length === 2)
    const channels = await lab.channels()
    t.equal(channels.filter((c) => c.id.endsWith('-live') && c.name.startsWith('Snoop/')).length, 2, 'a live snoop per party')
    // Each party's bridge is made once its external media channel is in the app: just after the channel appears.
    const liveBridges = async (): Promise<number> => (await lab.bridges()).filter((b) => b.id.startsWith('rl-live-')).length
    await until('a live bridge per party', async () => await liveBridges() === 2)
    t.equal(await liveBridges(), 2, 'a live bridge per party')
    await until('a window of the caller\'s audio reached the engine', () => engine.windows > 0 && engine.loudest > 1000)
    t.ok(engine.loudest > 1000, `the tone arrived over RTP (RMS ${engine.loudest.toFixed(0)})`)
    t.equal(lab.daemon.live?.activeCalls, 1)

    await over()
  })

  t.test('a dropped ARI WebSocket during the call leaves its live streams up: the squaring after the reconnect owns them', async (t) => {
    const { engine, lab, over } = await liveCall(t, { toneSeconds: 30, talkMs: 20_000 })
    const liveLegs = async (): Promise<string[]> => (await lab.channels()).map((c) => c.id).filter((id) => id.endsWith('-live') || id.endsWith('-rtp')).sort()
    await until('a live snoop and an external media channel per party', async () => (await liveLegs()).length === 4)
    await until('a window of the caller\'s audio reached the engine', () => engine.windows > 0)
    const legs = await liveLegs()

    // A live bridge an earlier process left (made over ARI by someone else than this daemon): destroyed at the squaring.
    const auth = `Basic ${Buffer.from(`${settings.ari.user}:${settings.ari.password}`).toString('base64')}`
    const made = await fetch(`${settings.ari.url}/ari/bridges?type=mixing&bridgeId=rl-live-c_old-caller`, { method: 'POST', headers: { authorization: auth } })
    t.equal(made.status, 200, 'a leftover live bridge')
    const ours = (await lab.bridges()).map((b) => b.id).filter((id) => id.startsWith('rl-live-') && id !== 'rl-live-c_old-caller').sort()
    t.equal(ours.length, 2, 'the call\'s live bridges')

    // The client's side of the socket goes, as a network fault would take it: ringlead reconnects and squares.
    const squared = lab.daemon.center.squared
    const socket = (lab.daemon.ari as unknown as { connection: { ws: { terminate: () => void } | null } }).connection.ws
    t.ok(socket, 'the daemon\'s WebSocket')
    socket!.terminate()
    await until('squared with Asterisk after the reconnect', () => lab.daemon.center.squared > squared)
    t.same(await liveLegs(), legs, 'the live legs are still in Asterisk')
    t.same((await lab.bridges()).map((b) => b.id).filter((id) => id.startsWith('rl-live-')).sort(), ours, 'the call\'s live bridges stay, the leftover is gone')
    t.equal(lab.daemon.live?.activeCalls, 1, 'the call is still streamed')
    const windows = engine.windows
    await until('more of the caller\'s audio reaches the engine after the reconnect', () => engine.windows > windows + 1)

    await over()
  })
}
