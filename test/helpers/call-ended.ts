// The next call.ended of a daemon in this process, as a test reads it: once what the call's end
// writes (its row, its outcome: webhook, lead, transcription job) has been handed to the database.
// Those writes land right after the turn that ended the call (the write-behind's `later`): landed,
// or journaled while another process holds the lock.
import type { Daemon } from '../../src/daemon.js'
import type { CallEnded } from '../../src/domain/call-events.js'

export function nextCallEnded (daemon: Daemon, match: (e: CallEnded) => boolean = () => true): Promise<CallEnded> {
  return new Promise((resolve) => {
    const on = (e: CallEnded): void => {
      if (!match(e)) return
      daemon.bus.off('call.ended', on)
      setImmediate(() => {
        daemon.repo.writes.flushSoon()
        resolve(e)
      })
    }
    daemon.bus.on('call.ended', on)
  })
}
