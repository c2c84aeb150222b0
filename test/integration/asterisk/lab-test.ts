// What every real-Asterisk test file does around a test: the lab's settings (or the file skipped
// without them), a fresh lab on a cleared Asterisk, sipp logs and Asterisk's own timeline kept when
// the test fails, and the checks that end most tests. The lab and the daemon behind it are loaded
// only when there is an Asterisk to test against, so a file without one skips at once.
import tap, { type Test } from 'tap'
import type { Config, DeepPartial } from '../../../src/config.js'
import type { AriWatch } from './ari-watch.js'
import type { Lab, startLab } from './lab.js'
import { labSettings, skipMessage, type LabSettings } from './lab-settings.js'

/**
 * The lab's settings, with Asterisk checked and its version noted, and the file's time limit set;
 * null when RINGLEAD_IT_ARI_URL is unset: then the file is planned as skipped.
 */
export async function labOrSkip (timeoutMs: number): Promise<LabSettings | null> {
  const settings = labSettings()
  if (settings === null) {
    tap.plan(0, skipMessage)
    return null
  }
  tap.setTimeout(timeoutMs)
  const { checkAsterisk } = await import('./lab.js')
  const version = await checkAsterisk(settings)
  tap.comment(`real Asterisk ${version} at ${settings.ari.url}`)
  return settings
}

/** A lab for one test; on failure its sipp logs are kept and named. */
export async function labFor (t: Test, settings: LabSettings, overrides: DeepPartial<Config> = {}, opts: Parameters<typeof startLab>[2] = {}): Promise<Lab> {
  const { clearAsterisk, startLab } = await import('./lab.js')
  const leftovers = await clearAsterisk(settings)
  if (leftovers.length > 0) t.comment(`hung up leftovers of an earlier test: ${leftovers.join(', ')}`)
  const lab = await startLab(settings, overrides, opts)
  t.teardown(async () => {
    const failed = !t.passing()
    if (failed) t.comment(`sipp logs kept in ${lab.dir}\n${lab.diagnostics()}`)
    else if (settings.keepLogs) t.comment(`sipp logs kept in ${lab.dir}`)
    await lab.close(failed || settings.keepLogs)
  })
  return lab
}

/** Asterisk's events for one test; printed when the test fails. */
export async function watchFor (t: Test, settings: LabSettings): Promise<AriWatch> {
  const { watchAsterisk } = await import('./ari-watch.js')
  const watch = await watchAsterisk(settings)
  t.teardown(async () => {
    if (!t.passing()) t.comment(`what Asterisk reported:\n${watch.timeline()}`)
    await watch.close()
  })
  return watch
}

export async function noChannelsLeft (t: Test, lab: Pick<Lab, 'channels' | 'bridges'>): Promise<void> {
  const { until } = await import('./lab.js')
  await until('Asterisk to have no channel left', async () => (await lab.channels()).length === 0)
    .catch(async (err: Error) => { t.fail(`${err.message}: ${JSON.stringify(await lab.channels())}`) })
  t.same(await lab.bridges(), [], 'no bridge left in Asterisk')
}

export async function sippOk (t: Test, run: { name: string; exited: Promise<{ code: number | null }> }, what: string): Promise<void> {
  const { within } = await import('./lab.js')
  const exit = await within(15_000, `${run.name} exit`, run.exited)
  t.equal(exit.code, 0, what)
}
