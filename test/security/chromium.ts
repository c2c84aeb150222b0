// Debian's Chromium through playwright-core, as the console's browser tests launch it.
import { chromium, type Browser } from 'playwright-core'

export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
  })
}
