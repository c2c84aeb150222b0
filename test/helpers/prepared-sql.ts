// The SQL texts a piece of code prepares on a connection, for tests that read SQLite's plan of them.
import type { Db } from '../../src/db/open.js'

/** The SQL texts prepared on `db` while `fn` runs (the statements are prepared as usual). */
export function preparedDuring (db: Db, fn: () => void): string[] {
  const sqlite = db.$client
  const prepare = sqlite.prepare.bind(sqlite)
  const seen: string[] = []
  sqlite.prepare = ((source: string) => { seen.push(source); return prepare(source) }) as typeof sqlite.prepare
  try { fn() } finally { sqlite.prepare = prepare }
  return seen
}
