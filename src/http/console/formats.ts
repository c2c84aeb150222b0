// Numbers, shares, money, dates and durations as a reader of the page's language writes them
// (Intl; 33.3% in English, 33,3 % in Russian), times in the shop's zone. The browser scripts do the
// same with the language and zone the page hands them (console.js: RL.fmt).
import { DateTime } from 'luxon'

export type Lang = 'ru' | 'en'

export interface Formats {
  number (v: number | null | undefined, digits?: number): string
  percent (share: number | null | undefined, digits?: number): string
  /** Minor units (cents, kopecks; as many digits as the currency has) with the currency: RUB 1,499.00 / 1 499,00 ₽. */
  money (minor: number | null | undefined, currency: string): string
  /** The currency as money() writes it beside an amount: RUB in English, ₽ in Russian. */
  currencySign (currency: string): string
  /** A QA score out of 100, as precise as the rule weights that made it. */
  score (v: number | null | undefined): string
  /**
   * `short`: day, month and time; `full`: with the year and seconds; `minutes`: with the year, to the
   * minute; `medium`: the month in words, to the minute; `time`: time of day; `hm`: hours and
   * minutes; `date`: the date.
   */
  dateTime (ms: number | null | undefined, style?: string): string
  /** 45 s, 3:07 (min:s), 1 h 05 min. */
  duration (ms: number | null | undefined): string
  /** A position in a call or recording: m:ss, h:mm:ss past an hour. */
  clock (ms: number): string
}

/** How many minor units the currency's amounts have after the point (2 for RUB, 0 for JPY). */
export function currencyDigits (currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
}

const cache = new Map<string, Formats>()

export function formatsFor (lang: Lang, zone: string): Formats {
  const key = `${lang} ${zone}`
  const known = cache.get(key)
  if (known !== undefined) return known
  const locale = lang === 'en' ? 'en-GB' : 'ru-RU'
  const numbers = new Map<number, Intl.NumberFormat>()
  const num = (digits: number): Intl.NumberFormat => {
    let nf = numbers.get(digits)
    if (nf === undefined) numbers.set(digits, nf = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }))
    return nf
  }
  const pcts = new Map<number, Intl.NumberFormat>()
  const pct = (digits: number): Intl.NumberFormat => {
    let nf = pcts.get(digits)
    if (nf === undefined) pcts.set(digits, nf = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }))
    return nf
  }
  const dateStyles: Record<string, Intl.DateTimeFormatOptions> = {
    short: { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' },
    full: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' },
    minutes: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' },
    hm: { hour: '2-digit', minute: '2-digit' },
    time: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
    date: { day: '2-digit', month: '2-digit', year: 'numeric' },
    medium: { dateStyle: 'medium', timeStyle: 'short' }
  }
  const dateFormats = new Map<string, Intl.DateTimeFormat>()
  const s = lang === 'en' ? { h: 'h', min: 'min' } : { h: 'ч', min: 'мин' }
  // The same as the browser scripts write (console.js: RL.format.duration).
  const seconds = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'narrow' })
  const clockPart = new Intl.NumberFormat(locale, { useGrouping: false })
  const clockTwo = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false })
  const currencies = new Map<string, { nf: Intl.NumberFormat; digits: number }>()
  const cur = (currency: string): { nf: Intl.NumberFormat; digits: number } => {
    let c = currencies.get(currency)
    // Russian writes the rouble as ₽ (Intl's ru-RU "symbol" for RUB is the code).
    if (c === undefined) currencies.set(currency, c = { nf: new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: lang === 'en' ? 'code' : 'narrowSymbol' }), digits: currencyDigits(currency) })
    return c
  }
  const formats: Formats = {
    number: (v, digits = 0) => (v == null ? '—' : num(digits).format(Number(v))),
    percent: (share, digits = 1) => (share == null ? '—' : pct(digits).format(Number(share))),
    money: (minor, currency) => {
      if (minor == null) return '—'
      const c = cur(currency)
      return c.nf.format(minor / 10 ** c.digits)
    },
    currencySign: (currency) => cur(currency).nf.formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency,
    score: (v) => (v == null ? '—' : num(3).format(Number(v))),
    dateTime: (ms, style = 'short') => {
      if (ms == null) return '—'
      // Older templates passed a luxon pattern; those still work, in the page's locale.
      if (!(style in dateStyles)) return DateTime.fromMillis(ms, { zone }).setLocale(locale).toFormat(style)
      let df = dateFormats.get(style)
      if (df === undefined) dateFormats.set(style, df = new Intl.DateTimeFormat(locale, { ...dateStyles[style], hourCycle: 'h23', timeZone: zone }))
      return df.format(ms)
    },
    duration: (ms) => {
      if (ms == null) return '—'
      const secs = Math.round(ms / 1000)
      if (secs < 60) return seconds.format(secs)
      if (secs < 3600) return `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`
      return `${Math.floor(secs / 3600)}\u00a0${s.h} ${String(Math.floor((secs % 3600) / 60)).padStart(2, '0')}\u00a0${s.min}`
    },
    clock: (ms) => {
      const secs = Math.max(0, Math.floor(ms / 1000))
      const h = Math.floor(secs / 3600)
      const m = Math.floor((secs % 3600) / 60)
      return h > 0 ? `${clockPart.format(h)}:${clockTwo.format(m)}:${clockTwo.format(secs % 60)}` : `${clockPart.format(m)}:${clockTwo.format(secs % 60)}`
    }
  }
  cache.set(key, formats)
  return formats
}
