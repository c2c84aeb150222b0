// The speech section of the config (transcription, models, live alerts): its schema only. Values
// come from the environment through config.ts, the only module that reads it.
import { Type } from '@sinclair/typebox'

export const SpeechConfigSchema = Type.Object({
  /** Path to a ggml Whisper model; empty = the model chosen in (or the only one in) `modelsDir`. */
  modelPath: Type.String({ default: '' }),
  /** Folder of ggml models; `ringlead speech models` lists and picks them, and a change there is loaded without a restart. */
  modelsDir: Type.String({ default: 'data/models' }),
  /** A transcription may take this many times the length of its audio before its worker is killed… */
  deadlineFactor: Type.Number({ minimum: 0.1, default: 5 }),
  /** …and never less than this (loading the model costs the same for a short call). */
  deadlineMinSeconds: Type.Integer({ minimum: 1, default: 120 }),
  /** Decoding limit: tokens of earlier text carried into the next 30 s window (whisper.cpp's own goes up to 224). */
  maxContextTokens: Type.Integer({ minimum: 0, maximum: 224, default: 64 }),
  /** Before transcription, stretches of a track quieter than this RMS (16-bit samples) for over a second are left out (times are kept); 0 = off. On at 150 (the live alerts' threshold): a party's track is about half silence, and a day of calls needs it to fit the 2 h (docs). */
  transcribeSilenceRms: Type.Integer({ minimum: 0, default: 150 }),
  /**
   * How a call's two party tracks are heard: 'mixed' = once, summed to mono, each segment given to the
   * party louder on its own track over its span (half the audio; overlapping speech goes to the louder
   * party); 'parties' = each track on its own.
   */
  transcribePass: Type.Union([Type.Literal('parties'), Type.Literal('mixed')], { default: 'parties' }),
  /** Decoding limit: longest segment in characters; 0 = as whisper.cpp cuts them. */
  maxSegmentChars: Type.Integer({ minimum: 0, default: 0 }),
  /** How often the models folder and the model file are looked at for a change. */
  modelCheckMs: Type.Integer({ minimum: 100, default: 5000 }),
  /** Language when neither the tracking number nor the category names one. */
  language: Type.Union([Type.Literal('ru'), Type.Literal('en'), Type.Literal('auto')], { default: 'auto' }),
  /** Calls transcribed at once; 0 = chosen from the cores (one call per `threads`) and memory (half of it). */
  concurrency: Type.Integer({ minimum: 0, default: 0 }),
  /** CPU threads per transcription. */
  threads: Type.Integer({ minimum: 1, default: 2 }),
  /** whisper.cpp's flash attention in the native engine: on as whisper.cpp 1.9 has it (same transcripts; faster encoder, see the docs); false turns it off. */
  flashAttn: Type.Boolean({ default: true }),
  /** whisper.cpp build: auto = the one compiled for this CPU at install, else the prebuilt portable one; native = that one or fail; prebuilt = the portable one. */
  engine: Type.Union([Type.Literal('auto'), Type.Literal('native'), Type.Literal('prebuilt')], { default: 'auto' }),
  /** With the native engine, one process holds the model for all concurrent calls (false: a process and a model copy per call). */
  sharedModel: Type.Boolean({ default: true }),
  /** OS priority (nice) of the transcription processes: 19 = only what calls leave idle; 0 = the daemon's own. */
  nice: Type.Integer({ minimum: 0, maximum: 19, default: 19 }),
  leaseSeconds: Type.Integer({ minimum: 5, default: 600 }),
  maxAttempts: Type.Integer({ minimum: 1, default: 5 }),
  backoffBaseMs: Type.Integer({ minimum: 10, default: 30_000 }),
  backoffMaxMs: Type.Integer({ minimum: 10, default: 3_600_000 }),
  pollMs: Type.Integer({ minimum: 10, default: 2000 }),
  /** Live alerts during calls: 'auto' = on when a model is configured. */
  live: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], { default: 'auto' }),
  /** Calls streamed for live alerts at once; more calls go without them. */
  liveMaxCalls: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
  /** Address the RTP receivers listen on (Asterisk must reach it). */
  liveListenHost: Type.String({ default: '127.0.0.1' }),
  /** Address Asterisk sends RTP to; empty = liveListenHost. */
  liveAdvertiseHost: Type.String({ default: '' }),
  /** Audio format asked of Asterisk: slin16 (16 kHz) or ulaw (8 kHz). */
  liveFormat: Type.Union([Type.Literal('slin16'), Type.Literal('ulaw')], { default: 'slin16' }),
  /** Audio in one live window, and what neighbouring windows share. */
  liveWindowMs: Type.Integer({ minimum: 1000, maximum: 30_000, default: 4000 }),
  liveOverlapMs: Type.Integer({ minimum: 0, maximum: 10_000, default: 1000 }),
  /** Encoder length of a live window: auto = the window and a margin (a 4 s window: 256 frames of 20 ms instead of whisper.cpp's 1500), several times less encoder work; 0 = whisper.cpp's whole 30 s. Never for the full recording. */
  liveAudioCtx: Type.Union([Type.Literal('auto'), Type.Literal('0')], { default: 'auto' }),
  /** Deadline of one window's transcription. */
  liveWindowDeadlineMs: Type.Integer({ minimum: 100, default: 10_000 }),
  /** Live audio frames (20 ms) quieter than this RMS (16-bit samples) are silence: a window with no speech in what it keeps is not transcribed. */
  liveSilenceRms: Type.Integer({ minimum: 0, default: 150 }),
  /** Silence after a party's speech that closes its live window at once (the phrase goes to the engine without waiting for the next window); 0 = a window every liveWindowMs - liveOverlapMs only. */
  liveEndpointMs: Type.Integer({ minimum: 0, maximum: 10_000, default: 400 })
}, { default: {} })
