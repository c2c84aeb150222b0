// Webhook HTTP details of the outbox: URLs from the config, retry delays, reading a reply, naming a failure.
import { InvalidInput } from '../errors.js'
import type { Config } from '../config.js'

const jitterShare = 0.2

/** Delay before attempt `attempts + 1`, after `attempts` failed ones (1, 2, …): doubling, capped, jittered. */
export function retryDelayMs (attempts: number, config: Pick<Config['webhooks'], 'backoffBaseMs' | 'backoffMaxMs'>, random: number): number {
  const base = Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(base * (1 + jitterShare * (2 * random - 1)))
}

/** Comma-separated URLs from the config, trimmed, without empties or repeats. Throws on one that is not http(s). */
export function parseWebhookUrls (urls: string): string[] {
  const list = [...new Set(urls.split(',').map((u) => u.trim()).filter((u) => u !== ''))]
  for (const url of list) {
    let parsed: URL
    try { parsed = new URL(url) } catch { throw new InvalidInput('RINGLEAD_WEBHOOKS_URLS', `${safeUrl(url)} is not a URL`) }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidInput('RINGLEAD_WEBHOOKS_URLS', `${safeUrl(url)} is not http(s)`)
  }
  return list
}

/** A URL fit for logs: no user info, no query (receivers often put a token there). */
export function safeUrl (url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}${u.search === '' ? '' : '?…'}`
  } catch {
    return '[not a URL]'
  }
}

/** The first `maxChars` of the response body, without reading the rest. */
export async function readStart (res: Response, maxChars: number): Promise<string> {
  if (res.body === null) return ''
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (text.length < maxChars) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } catch {
    // The body broke off (timeout or reset) after the status arrived: the status is the answer.
  } finally {
    // Cancelling a finished or broken stream can reject; there is nothing left to free then.
    void reader.cancel().catch(() => undefined)
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, maxChars)
}

export function describeFailure (err: unknown, timeoutMs: number): string {
  if (!(err instanceof Error)) return String(err)
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timeout: no answer within ${timeoutMs} ms`
  const cause = err.cause as { code?: string; message?: string } | undefined
  if (cause === undefined) return err.message
  const detail = [cause.code, cause.message].filter((s) => s !== undefined && s !== '')
  return detail.length === 0 ? err.message : `${err.message}: ${detail.join(' ')}`
}
