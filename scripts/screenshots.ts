// Screenshots of the console in both languages, for the docs: the demo daemon (simulated Asterisk,
// seeded team, synthetic callers) runs until it has a transcribed call, a lead with events and a
// busy wallboard; then Chromium saves the call page, the lead page and the wallboard at 1280×800.
//   npx tsx scripts/screenshots.ts <outdir>
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pino from 'pino'
import { chromium } from 'playwright-core'
import { createToken } from '../src/accounts/token-service.js'
import { createUser } from '../src/accounts/user-service.js'
import { loadConfig } from '../src/config.js'
import { startDaemon } from '../src/daemon.js'
import { writeRandomWhisperModel } from '../src/speech/ggml-model.js'

const outDir = process.argv[2]
if (outDir === undefined) {
  process.stderr.write('usage: npx tsx scripts/screenshots.ts <outdir>\n')
  process.exit(2)
}
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
/** Only a guard against a daemon that never gets there; the demo usually needs a minute or two. */
const deadlineMs = Number(process.env.SCREENSHOTS_DEADLINE_MS ?? 15 * 60_000)
const password = 'screenshots only 1'

const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' })
const say = (line: string): void => { process.stderr.write(`${line}\n`) }

async function until<T> (what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const found = await check()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${deadlineMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 3000))
  }
}

async function main (): Promise<void> {
  mkdirSync(resolve(outDir!), { recursive: true })
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-screens-'))
  const modelPath = join(dir, 'ggml-random-demo.bin')
  await writeRandomWhisperModel(modelPath)
  const config = loadConfig({}, {
    db: { path: join(dir, 'ringlead.db') },
    recordings: { dir: join(dir, 'recordings') },
    dialplan: { includeFile: join(dir, 'extensions-ringlead.conf') },
    http: { host: '127.0.0.1', port: 0 },
    agi: { port: 0 },
    // A busier demo than the default, so the wallboard fills within a minute.
    sim: { callsPerMinute: 30, operators: 8 }
  })
  const daemon = await startDaemon(config, { log, demoTraffic: true, fallbackModel: modelPath })
  const base = daemon.url!.replace('0.0.0.0', '127.0.0.1')
  const token = createToken(daemon.db, { name: 'screenshots', role: 'admin' }, Date.now()).token
  await createUser(daemon.db, { username: 'screens', displayName: 'Irina Petrova', role: 'admin', password, language: 'ru' }, Date.now())
  const api = async (url: string): Promise<any> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await daemon.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
    return res.statusCode === 200 ? JSON.parse(res.body) : undefined
  }
  try {
    say(`demo running on ${base}; waiting for a transcribed call, a lead with events and a busy wallboard`)
    // Transcription works through the calls oldest first, so every page of the list is looked at.
    const callId = await until('a transcribed call', async () => {
      let cursor: string | null = null
      let seen = 0
      do {
        const page = await api(`/api/calls?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)
        for (const c of page?.calls ?? []) {
          seen++
          const tr = await api(`/api/calls/${c.callId}/transcript`)
          if (tr?.transcript != null) return c.callId as string
        }
        cursor = page?.nextCursor ?? null
      } while (cursor !== null)
      say(`… ${seen} calls, none transcribed yet`)
      return undefined
    })
    const leadId = await until('a lead with events', async () => {
      for (const l of (await api('/api/leads?limit=50'))?.leads ?? []) {
        const detail = await api(`/api/leads/${l.leadId}`)
        if ((detail?.events ?? []).length >= 2) return l.leadId as string
      }
      return undefined
    })
    await until('a busy wallboard', async () => {
      const ops = (await api('/api/operators'))?.operators ?? []
      const busy = ops.filter((o: { live?: { state: string } }) => o.live?.state === 'talking' || o.live?.state === 'ringing').length
      return busy >= 3 ? true : undefined
    })

    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] })
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      await page.goto(`${base}/login`)
      await page.fill('input[name=username]', 'screens')
      await page.fill('input[name=password]', password)
      await Promise.all([page.waitForURL(/\/wallboard$/), page.click('button[type=submit]')])
      for (const lang of ['ru', 'en'] as const) {
        await context.addCookies([{ name: 'rl_lang', value: lang, url: base }])
        const shots: Array<[string, string]> = [['call', `/calls/${callId}`], ['lead', `/leads/${leadId}`], ['wallboard', '/wallboard']]
        for (const [name, path] of shots) {
          await page.goto(`${base}${path}`)
          if (name === 'wallboard') {
            await page.waitForSelector('#live.on')
            // The times in state and waiting tick once a second: shoot once they are written.
            await page.waitForFunction(() => [...document.querySelectorAll('.since[data-since]')].every((el) => el.textContent !== ''))
          }
          const file = join(resolve(outDir!), `${name}-${lang}.png`)
          if (name === 'call') {
            // The call page's point is what was said: the conversation and the QA card, side by side in view.
            await page.evaluate(() => { window.scrollTo(0, document.getElementById('conversation')!.getBoundingClientRect().top + window.scrollY - 64) })
          }
          await page.screenshot({ path: file })
          say(`saved ${file}`)
        }
      }
    } finally {
      await browser.close()
    }
  } finally {
    await daemon.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(() => process.exit(0), (err: Error) => { say(err.stack ?? err.message); process.exit(1) })
