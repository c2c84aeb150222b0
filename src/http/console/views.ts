// The one nunjucks setup for server-rendered pages: the console's views, autoescaped, with the
// filters the templates use. Numbers, percentages, money, dates and durations are written for the
// page's language (the `lang` of the render context) with Intl; times in the shop's zone.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'
import { formatsFor } from './formats.js'

const here = dirname(fileURLToPath(import.meta.url))

type Ctx = { ctx?: { lang?: string } }
const langOf = (self: unknown): 'ru' | 'en' => ((self as Ctx)?.ctx?.lang === 'en' ? 'en' : 'ru')

export function pageViews (zone: string): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(here, 'views')), { autoescape: true, throwOnUndefined: false })
  const f = (self: unknown): ReturnType<typeof formatsFor> => formatsFor(langOf(self), zone)
  // Filters are plain functions: nunjucks calls them with the render context as `this`.
  env.addFilter('dt', function (this: unknown, ms: number | null | undefined, style: 'short' | 'full' | 'time' | 'date' | string = 'short') { return f(this).dateTime(ms, style) })
  env.addFilter('dur', function (this: unknown, ms: number | null | undefined) { return f(this).duration(ms) })
  env.addFilter('num', function (this: unknown, v: number | null | undefined, digits = 0) { return f(this).number(v, digits) })
  /** A share (0.333 → 33.3% / 33,3 %). */
  env.addFilter('pct', function (this: unknown, share: number | null | undefined, digits = 1) { return f(this).percent(share, digits) })
  /** Percentage points (33.3 → 33.3% / 33,3 %). */
  env.addFilter('percent', function (this: unknown, points: number | null | undefined, digits = 1) { return f(this).percent(points == null ? null : points / 100, digits) })
  /** Minor units with the currency (149900 → 1,499.00 RUB / 1 499,00 ₽). */
  env.addFilter('money', function (this: unknown, minor: number | null | undefined, currency = 'RUB') { return f(this).money(minor, currency) })
  env.addFilter('json', (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c'))
  return env
}
