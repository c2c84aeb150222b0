// Loaded into every test process (package.json "tap" → "node-arg"). tap's process tracker
// (@tapjs/processinfo, a module loader hook) puts itself into NODE_OPTIONS and into the environment
// of every process started from a test, so each daemon process, transcription child or CLI run a test
// starts would load it too: one more hook on each of the hundreds of modules such a process imports,
// about a second of CPU per start. It only serves coverage, which this suite does not collect, so the
// processes tests start run without it (the test process itself keeps it: tap needs it there).
const tracker = /"?--(?:import|loader|require)[= ]\S*@tapjs[/\\]processinfo[^\s"]*"?/g
const onSpawn = (globalThis as Record<symbol, { listeners?: unknown[] } | undefined>)[Symbol.for('process-on-spawn@*:singletonId')]
if (onSpawn?.listeners !== undefined) onSpawn.listeners = []
if (process.env.NODE_OPTIONS !== undefined) {
  const rest = process.env.NODE_OPTIONS.replace(tracker, '').trim()
  if (rest === '') delete process.env.NODE_OPTIONS
  else process.env.NODE_OPTIONS = rest
}
