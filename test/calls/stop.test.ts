// SIGTERM under load: the daemon as a real process with live calls and a transcription in hand.
import t from 'tap'
import { stopUnderLoad } from '../helpers/stop-under-load.js'

t.test('SIGTERM with callers talking and a transcription running: the calls end with their outcomes written, the transcription goes back to the queue, exit 0 within the grace period', async (t) => {
  const graceSeconds = 8
  const r = await stopUnderLoad({ graceSeconds, talking: 3 })
  t.equal(r.exitCode, 0, `exit code (stderr: ${r.stderr.slice(-1500)})`)
  t.equal(r.signal, null)
  // The daemon's own plan ends inside the grace; the slack covers signal delivery and process exit.
  t.ok(r.tookMs <= graceSeconds * 1000 + 3_000, `exited ${r.tookMs} ms after SIGTERM`)
  t.notMatch(r.stderr, /Napi|abort/i, 'no native abort')
  t.equal(r.calls.length, 3)
  // Hung up at the end of the grace: the session writes `answered`; one Asterisk was too slow to let
  // finish in time is closed as interrupted. Either way no call is left open.
  for (const c of r.calls) t.match(c, { status: /^(answered|interrupted)$/, endedAt: Number }, 'each call closed with its end')
  // Five minutes of noise take far longer than the grace period: the job is handed back, its attempt
  // not counted (a machine fast enough to finish it stores it instead; nothing is left claimed).
  if (r.job.state === 'done') t.pass('the transcription finished within the grace period')
  else t.match(r.job, { state: 'pending', claimedBy: null, attempts: 0 })
})
