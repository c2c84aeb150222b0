// The shell examples of the README and docs/ run against a demo daemon: an example that stops
// working fails the build (docs/testing.md, "Documentation that stays true").
import t from 'tap'
import { stopChild } from '../helpers/daemon-process.js'
import { allBlocks, repoRoot, shellLanguages, type DocBlock, type Marker } from './doc-blocks.js'
import { startCliServer } from './cli-server.js'
import { Placeholders, runExample, startDemo } from './doc-demo.js'

/** One example's deadline: a few CLI runs (tsx start-up) on a busy machine fit well inside it. */
const exampleDeadlineMs = 60_000
/** How long a placeholder may wait for the demo's traffic (the first answered call with its recordings). */
const placeholderDeadlineMs = 150_000

t.setTimeout(300_000) // a guard against a hung daemon; the file takes about a minute

const blocks = allBlocks()
const shellBlocks = blocks.filter((b) => shellLanguages.has(b.lang))
/** DOCTEST_FILES=docs/leads.md,README.md runs only those pages' examples (while writing them). */
const only = process.env.DOCTEST_FILES?.split(',').map((f) => f.trim()).filter((f) => f !== '')
const runnable = shellBlocks.filter((b): b is DocBlock & { marker: Extract<Marker, { kind: 'run' }> } =>
  b.marker?.kind === 'run' && (only === undefined || only.includes(b.file)))
const skipped = shellBlocks.filter((b) => b.marker?.kind === 'skip')

t.test('every shell example in the README and docs/ is marked runnable, or says why it is not', async (t) => {
  t.ok(shellBlocks.length > 20, `found the examples (${shellBlocks.length})`)
  for (const b of shellBlocks) {
    const where = `${b.file}:${b.line}`
    if (b.marker === null) t.fail(`${where}: a shell block needs <!-- doctest --> or <!-- doctest: skip (why) --> on the line before it`)
    else if (b.marker.kind === 'invalid') t.fail(`${where}: cannot read the marker "${b.marker.text}"`)
    else if (b.marker.kind === 'skip') t.not(b.marker.reason, '', `${where}: says why it is not run`)
  }
  for (const b of blocks.filter((b) => !shellLanguages.has(b.lang) && b.marker !== null)) {
    t.fail(`${b.file}:${b.line}: a doctest marker on a \`${b.lang || 'plain'}\` block; only sh, bash and shell blocks run`)
  }
})

t.test('the runnable examples pass against a demo daemon', async (t) => {
  const demo = await startDemo()
  t.teardown(() => stopChild(demo.daemon.child))
  const cli = await startCliServer(demo.scratch)
  t.teardown(cli.close)
  const cliOpts = { url: cli.url, dir: demo.scratch }
  const placeholders = new Placeholders(demo.url, placeholderDeadlineMs)
  placeholders.lookAhead(['answeredCall', 'customers'])

  await t.test('npm run cli, as a real process from the checkout, works on the demo\'s database', async (t) => {
    // The examples' CLI commands are answered in-process (cli-server.ts); this is the command itself.
    const r = await runExample('command npm --silent run cli -- token list', { cwd: repoRoot, env: demo.env, deadlineMs: exampleDeadlineMs, cli: cliOpts })
    t.equal(r.code, 0, 'exits 0', { output: r.output })
    t.match(r.output, /\tactive\t/, 'lists the tokens of the demo\'s database')
  })

  let passed = 0
  for (const b of runnable) {
    const where = `${b.file}:${b.line}`
    await t.test(where, async (t) => {
      const { code, env } = await placeholders.fill(b.code)
      const exampleEnv = { ...demo.env, ...env }
      cli.setEnv({ ...process.env, ...exampleEnv })
      const r = await runExample(code, { cwd: demo.scratch, env: exampleEnv, deadlineMs: exampleDeadlineMs, cli: cliOpts })
      const diag = { ms: r.ms, output: r.output.slice(-4000), example: code }
      t.notOk(r.timedOut, `${where} ends within ${exampleDeadlineMs} ms`, diag)
      t.equal(r.code, 0, `${where} exits 0`, diag)
      for (const e of b.marker.expects) t.ok(r.output.includes(e), `${where} shows ${e}`, diag)
      if (!r.timedOut && r.code === 0 && b.marker.expects.every((e) => r.output.includes(e))) passed++
    })
  }
  t.comment(`doc examples: ${shellBlocks.length} shell blocks; ${runnable.length} runnable, ${runnable.length} run, ${passed} passed; ${skipped.length} not runnable against the demo`)
  for (const b of skipped) t.comment(`  not run: ${b.file}:${b.line} (${b.marker?.kind === 'skip' ? b.marker.reason : ''})`)
})
