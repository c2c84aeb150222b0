// Listen / whisper / barge sessions as written on the call's story.
import { asc, eq } from 'drizzle-orm'
import type { Sql } from './catalog-repo.js'
import { callSupervisionEvents } from './schema.js'

export type SupervisionEventRow = typeof callSupervisionEvents.$inferSelect

export class SupervisionRepo {
  constructor (private readonly db: Sql) {}

  add (row: SupervisionEventRow): void {
    this.db.insert(callSupervisionEvents).values(row).run()
  }

  forCall (callId: string): SupervisionEventRow[] {
    return this.db.select().from(callSupervisionEvents).where(eq(callSupervisionEvents.callId, callId))
      .orderBy(asc(callSupervisionEvents.at), asc(callSupervisionEvents.eventId)).all()
  }
}
