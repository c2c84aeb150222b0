// Wiring of live alerts: on when asked, or ('auto') when a model is there to run (named, chosen in
// the models folder, or the only one in it); the engine is the low-priority child process unless one
// is given (tests, the bench), and loads the model in use when the first window comes.
import type { Logger } from 'pino'
import type { AriLink } from './asterisk/ari-link.js'
import type { Bus } from './bus.js'
import { AriLiveMedia } from './calls/live-media.js'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import type { SpeechRepo } from './db/speech-repo.js'
import { liveAudioCtx } from './domain/live-transcript.js'
import { chooseLanguage } from './domain/transcript.js'
import { defaultRuleSet } from './speech/default-rule-set.js'
import type { SpeechEngine } from './speech/engine.js'
import { LiveProcessEngine } from './speech/live-engine.js'
import { LiveMonitor } from './speech/live-monitor.js'

export function liveAlertsOn (speech: Config['speech'], engineGiven: boolean, modelAvailable: boolean): boolean {
  return speech.live === 'on' || (speech.live === 'auto' && (modelAvailable || engineGiven))
}

export function buildLiveAlerts (o: { config: Config['speech']; ari: AriLink; bus: Bus; clock: Clock; log: Logger; speechRepo: SpeechRepo; engine?: SpeechEngine; modelPath: () => string | null }): { monitor: LiveMonitor; close: () => Promise<void> } | null {
  const c = o.config
  if (!liveAlertsOn(c, o.engine !== undefined, o.modelPath() !== null)) return null
  let engine: SpeechEngine | null = o.engine ?? null
  const audioCtx = c.liveAudioCtx === 'auto' ? liveAudioCtx(c.liveWindowMs, c.flashAttn) : 0
  const monitor = new LiveMonitor({
    engine: () => (engine ??= new LiveProcessEngine({ modelPath: o.modelPath() ?? c.modelPath, threads: c.threads, flashAttn: c.flashAttn, audioCtx, nice: c.nice, deadlineMs: c.liveWindowDeadlineMs })),
    media: new AriLiveMedia(o.ari, o.clock),
    bus: o.bus,
    clock: o.clock,
    log: o.log,
    rulesFor: (callId) => (o.speechRepo.ruleSetFor(o.speechRepo.categoryOf(callId)) ?? defaultRuleSet).rules,
    languageFor: (callId) => { const h = o.speechRepo.languageHints(callId); return chooseLanguage(h.trackingNumber, h.category, c.language) },
    settings: {
      windowMs: c.liveWindowMs, overlapMs: c.liveOverlapMs, maxCalls: c.liveMaxCalls, listenHost: c.liveListenHost, advertiseHost: c.liveAdvertiseHost,
      format: c.liveFormat, windowDeadlineMs: c.liveWindowDeadlineMs, silenceRms: c.liveSilenceRms, endpointMs: c.liveEndpointMs
    }
  })
  o.log.info({ maxCalls: c.liveMaxCalls, format: c.liveFormat, windowMs: c.liveWindowMs, overlapMs: c.liveOverlapMs, endpointMs: c.liveEndpointMs, audioCtx }, 'live alerts on')
  // An engine given from outside is closed by its owner.
  return { monitor, close: async () => { if (o.engine === undefined) await engine?.close() } }
}
