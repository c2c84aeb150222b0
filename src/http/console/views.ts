// The one nunjucks setup for server-rendered pages: the console's views, autoescaped, with the
// filters the templates use (times in the shop's zone, durations, numbers, JSON for scripts).
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DateTime } from 'luxon'
import nunjucks from 'nunjucks'

const here = dirname(fileURLToPath(import.meta.url))

export function pageViews (zone: string): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(here, 'views')), { autoescape: true, throwOnUndefined: false })
  env.addFilter('dt', (ms: number | null | undefined, fmt = 'dd.MM HH:mm') => (ms == null ? '—' : DateTime.fromMillis(ms, { zone }).toFormat(fmt)))
  env.addFilter('dur', (ms: number | null | undefined) => {
    if (ms == null) return '—'
    const s = Math.round(ms / 1000)
    return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`
  })
  env.addFilter('json', (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c'))
  env.addFilter('num', (v: number | null | undefined, digits = 0) => (v == null ? '—' : Number(v).toLocaleString('ru-RU', { maximumFractionDigits: digits })))
  return env
}
