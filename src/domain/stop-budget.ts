// How a clean stop spends its grace period: live calls may end on their own, then the ones still up
// are hung up and their outcomes written; transcriptions in hand may finish meanwhile; the last slice
// closes the connections and the database, and a second is kept for the process to end. Everything
// fits inside the grace period.
export interface StopBudget {
  /** Live calls may end on their own this long. */
  callsMs: number
  /** Then the calls still up are hung up; their sessions get this long to write their outcomes. */
  hangUpMs: number
  /** Transcriptions in hand may finish this long (alongside the calls); the rest go back to the queue. */
  speechMs: number
  /** What is left for closing Asterisk links, webhooks and the database. */
  closeMs: number
  /** Kept free for the process to end and its parent to see it. */
  exitMs: number
}

/**
 * `callsAreSynthetic`: the demo's own simulated callers; nobody is on the line, so they are hung up at
 * once instead of being given time to finish, and transcriptions in hand go back to the queue then too.
 */
export function stopBudget (graceMs: number, callsAreSynthetic = false): StopBudget {
  const closeMs = Math.min(2_000, Math.round(graceMs * 0.1))
  const hangUpMs = Math.min(5_000, Math.round(graceMs * 0.25))
  const exitMs = Math.min(1_000, Math.round(graceMs * 0.1))
  if (callsAreSynthetic) return { callsMs: 0, hangUpMs, speechMs: hangUpMs, closeMs, exitMs }
  return { callsMs: graceMs - exitMs - closeMs - hangUpMs, hangUpMs, speechMs: graceMs - exitMs - closeMs, closeMs, exitMs }
}
