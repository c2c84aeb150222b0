// Removes recordings older than the retention, except golden ones and those of calls whose
// transcription is still queued or running. The row stays, saying the file was removed and when.
import { unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { SpeechRepo } from '../db/speech-repo.js'

export async function removeExpiredRecordings (repo: SpeechRepo, dir: string, retentionDays: number, nowMs: number, log: Logger): Promise<number> {
  if (retentionDays <= 0) return 0
  let removed = 0
  for (;;) {
    const batch = repo.expiredRecordings(nowMs - retentionDays * 86_400_000, 500)
    if (batch.length === 0) return removed
    for (const rec of batch) {
      try {
        await unlink(join(dir, rec.path!))
      } catch (err) {
        // Already gone (removed by hand): the row is marked all the same.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    }
    repo.markDeleted(batch.map((r) => r.recordingId), nowMs)
    removed += batch.length
    log.info({ removed: batch.length, callIds: [...new Set(batch.map((r) => r.callId))].slice(0, 20) }, 'expired recordings removed')
  }
}
