// SIGTERM under load, ten times: the daemon as a real process with callers talking and a long
// transcription in hand. Counts the stops that exit 0 within the grace period with every call closed,
// the transcription not left claimed, and no native abort on stderr.
import { stopUnderLoad } from '../test/helpers/stop-under-load.js'

export async function benchStop (runs = 10, graceSeconds = 10, talking = 5): Promise<Record<string, string>> {
  let clean = 0
  const took: number[] = []
  const problems: string[] = []
  for (let i = 1; i <= runs; i++) {
    const r = await stopUnderLoad({ graceSeconds, talking })
    took.push(r.tookMs)
    const open = r.calls.filter((c) => c.endedAt === null).length
    const aborted = /Napi|abort/i.test(r.stderr)
    const jobLeft = r.job.state === 'running'
    const ok = r.exitCode === 0 && r.tookMs <= graceSeconds * 1000 && open === 0 && !aborted && !jobLeft
    if (ok) clean++
    else problems.push(`run ${i}: exit ${r.exitCode ?? r.signal}, ${r.tookMs} ms, ${open} calls open, abort ${aborted}, job ${r.job.state}`)
    console.log(`  run ${i}: exit ${r.exitCode ?? r.signal} after ${r.tookMs} ms; calls ${r.calls.map((c) => c.status).join(',')}; transcription ${r.job.state}`)
  }
  return {
    'grace period s': String(graceSeconds),
    'live calls at SIGTERM': `${talking}, plus one transcription of 5 min of audio in hand`,
    'exit 0 within the grace period, every call closed, no native abort': `${clean} of ${runs}`,
    'SIGTERM to exit ms: min / max': `${Math.min(...took)} / ${Math.max(...took)}`,
    ...(problems.length > 0 ? { problems: problems.join('; ') } : {})
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchStop())
}
