// A recording's file as Asterisk serves it (GET /recordings/stored/{name}/file), once Asterisk has
// closed it. Asterisk writes the WAV's sizes when it closes the file, so a file fetched while still
// being written (MixMonitor on a channel that hung up a moment ago, a call adopted after a restart)
// is looked at again, as is one not there yet.
import type { Logger } from 'pino'
import type { AriLink } from '../asterisk/ari-link.js'
import { AsteriskCommandFailed } from '../asterisk/errors.js'
import { sleep, type Clock } from '../clock.js'
import { wavComplete } from './wav-duration.js'

export type Fetched = { bytes: Buffer } | { problem: string; notFound: boolean }

/** One look at a recording file: an answer to give now, or not yet (and what to say if the wait runs out). */
export type Look<T> = { settled: T } | { notYet: T }

/**
 * Looks again, with growing pauses (100 ms to 1 s), until a look settles or `waitMs` passed; then
 * the last look's answer. Asterisk closes a file a moment after the call ends, so each way of
 * taking one (over ARI, from the spool on this disk) waits for it so.
 */
export async function lookUntilSettled<T> (clock: Clock, waitMs: number, look: () => Promise<Look<T>>): Promise<T> {
  const deadline = clock.now() + waitMs
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 1000)) {
    const got = await look()
    if ('settled' in got) return got.settled
    if (clock.now() >= deadline) return got.notYet
    await sleep(clock, Math.min(delayMs, Math.max(1, deadline - clock.now())))
  }
}

/** Asks again, with growing pauses (100 ms to 1 s), until the file is complete or `waitMs` passed. */
export async function fetchClosedRecording (ari: AriLink, clock: Clock, name: string, waitMs: number): Promise<Fetched> {
  return await lookUntilSettled<Fetched>(clock, waitMs, async () => {
    try {
      const bytes = await ari.storedRecordingFile(name, { onlyIfClosed: true })
      if (wavComplete(bytes)) return { settled: { bytes } }
      return { notYet: { problem: `still being written by Asterisk after ${waitMs} ms`, notFound: false } }
    } catch (err) {
      if (!(err instanceof AsteriskCommandFailed && err.isNotFound)) return { settled: { problem: `not copied: ${(err as Error).message}`, notFound: false } }
      return { notYet: { problem: 'Asterisk holds no such recording', notFound: true } }
    }
  })
}

/**
 * Asterisk's copy goes once ringlead's is stored: Asterisk finds a stored recording by reading its
 * whole recordings folder, so every file left there makes every later recording's fetch slower
 * (at 15,000 files Asterisk's CPU per call doubled) and the PBX's disk fills. A failure is logged:
 * the file stays, as before.
 */
export async function dropAsteriskCopy (ari: Pick<AriLink, 'deleteStoredRecording'>, name: string, log: Logger): Promise<void> {
  try {
    await ari.deleteStoredRecording(name)
  } catch (err) {
    if (err instanceof AsteriskCommandFailed && err.isNotFound) return
    log.warn({ recording: name, err: (err as Error).message }, 'Asterisk\'s copy of the recording not removed')
  }
}

/**
 * Asterisk's copies to remove, a few at a time in the background: three a call at every call's end
 * would otherwise each take a connection to Asterisk at once, beside the commands calls being set
 * up wait for. Nothing waits for a removal; one that fails is logged (see dropAsteriskCopy).
 */
export class AsteriskCopies {
  private readonly waiting: string[] = []
  private head = 0
  private running = 0

  constructor (private readonly ari: Pick<AriLink, 'deleteStoredRecording'>, private readonly log: Logger, private readonly atOnce = 4) {}

  /** Removals asked for and not yet answered. */
  get pending (): number { return this.running + this.waiting.length - this.head }

  drop (name: string): void {
    this.waiting.push(name)
    this.next()
  }

  private next (): void {
    while (this.running < this.atOnce && this.head < this.waiting.length) {
      const name = this.waiting[this.head++]!
      if (this.head === this.waiting.length) { this.waiting.length = 0; this.head = 0 }
      this.running++
      void dropAsteriskCopy(this.ari, name, this.log).finally(() => {
        this.running--
        this.next()
      })
    }
  }
}
