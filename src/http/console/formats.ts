// Numbers, shares, money, dates and durations as a reader of the page's language writes them
// (Intl; 33.3% in English, 33,3 % in Russian), times in the shop's zone. The browser scripts do the
// same with the language and zone the page hands them (console.js: RL.fmt).
import { DateTime } from 'luxon'

export type Lang = 'ru' | 'en'

export interface Formats {
  number (v: number | null | undefined, digits?: number): string
  percent (share: number | null | undefined, digits?: number): string
  money (minor: number | null | undefined, currency: string): string
  /** `short`: day, month and time; `full`: with the year and seconds; `time`: time of day; `hm`: hours and minutes; `date`: the date. */
  dateTime (ms: number | null | undefined, style?: string): string
  /** 45 s, 3:07 (min:s), 1 h 05 min. */
  duration (ms: number | null | undefined): string
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
    date: { day: '2-digit', month: '2-digit', year: 'numeric' }
  }
  const dateFormats = new Map<string, Intl.DateTimeFormat>()
  const s = lang === 'en' ? { h: 'h', min: 'min' } : { h: 'ч', min: 'мин' }
  // The same as the browser scripts write (console.js: RL.format.duration).
  const seconds = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'narrow' })
  const formats: Formats = {
    number: (v, digits = 0) => (v == null ? '—' : num(digits).format(Number(v))),
    percent: (share, digits = 1) => (share == null ? '—' : pct(digits).format(Number(share))),
    money: (minor, currency) => (minor == null
      ? '—'
      : new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: lang === 'en' ? 'code' : 'narrowSymbol' }).format(minor / 100)),
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
    }
  }
  cache.set(key, formats)
  return formats
}
