// The lead page's status form read into the API's body, or the fields that are wrong, each named in
// the visitor's language. The matrix decides what a target status needs; the API checks it again.
import { DateTime } from 'luxon'
import type { StatusMatrix } from '../../domain/lead-status.js'

export type Translate = (key: string, vars?: Record<string, string | number>) => string

export interface StatusFormContext {
  matrix: StatusMatrix
  from: string
  refusalReasons: readonly string[]
  zone: string
  nowMs: number
  /** Digits after the point in the currency's minor unit (2 for RUB, 0 for JPY). */
  currencyDigits: number
  currency: string
  t: Translate
  /** A status in words. */
  st: (status: string) => string
}

export interface StatusApiBody { status: string; reason?: string; followUpAt?: number; dealAmount?: number }

export type FormResult<T> = { ok: true; body: T } | { ok: false; errors: Record<string, string> }

/** What a target status asks of the form: shown as fields, checked on submit. */
export function needsOf (matrix: StatusMatrix, to: string, refusalReasons: readonly string[]): { followUp: boolean; amount: boolean; reasonList: boolean; reasonText: boolean } {
  const def = matrix.statuses[to]
  const reasonList = to === 'refused' && def?.needsReason === true && refusalReasons.length > 0
  return { followUp: def?.needsFollowUp === true, amount: to === 'deal', reasonList, reasonText: def?.needsReason === true && !reasonList }
}

/** "1 499,90" or "1499.9" → minor units; null when it is not an amount. Exact: no floating point. */
export function parseAmount (text: string, digits: number): number | null {
  const plain = text.replace(/[\s\u00a0\u202f']/g, '').replace(',', '.')
  const m = /^(\d{1,13})(?:\.(\d*))?$/.exec(plain)
  if (m === null) return null
  const frac = m[2] ?? ''
  if (frac.length > digits) return null
  const minor = Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0')
  return Number.isSafeInteger(minor) ? minor : null
}

export function readStatusForm (form: Record<string, string>, c: StatusFormContext): FormResult<StatusApiBody> {
  const { t } = c
  const to = form.status ?? ''
  const errors: Record<string, string> = {}
  if (!(c.matrix.transitions[c.from] ?? []).includes(to)) {
    return { ok: false, errors: { status: t('leadpage.err.notAllowed', { field: t('leads.status'), status: c.st(to) }) } }
  }
  const needs = needsOf(c.matrix, to, c.refusalReasons)
  const body: StatusApiBody = { status: to }
  if (needs.followUp) {
    const field = t('leadpage.followUpTime')
    const date = (form.followUpDate ?? '').trim()
    const time = (form.followUpTime ?? '').trim()
    if (date === '' || time === '') errors.followUp = t('leadpage.err.required', { field: date === '' ? t('leadpage.followUpDate') : field, status: c.st(to) })
    else {
      const at = DateTime.fromISO(`${date}T${time}`, { zone: c.zone })
      if (!at.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) errors.followUp = t('leadpage.err.badDate', { field })
      else if (at.toMillis() <= c.nowMs) errors.followUp = t('leadpage.err.past', { field })
      else body.followUpAt = at.toMillis()
    }
  }
  if (needs.amount) {
    const field = t('leadpage.dealAmount')
    const text = (form.amount ?? '').trim()
    if (text === '') errors.amount = t('leadpage.err.required', { field, status: c.st(to) })
    else {
      const minor = parseAmount(text, c.currencyDigits)
      if (minor === null) errors.amount = t('leadpage.err.notNumber', { field })
      else body.dealAmount = minor
    }
  }
  const reason = (form.reason ?? '').trim()
  if (needs.reasonList) {
    const field = t('leadpage.refusalReason')
    if (reason === '') errors.reason = t('leadpage.err.required', { field, status: c.st(to) })
    else if (!c.refusalReasons.includes(reason)) errors.reason = t('leadpage.err.notInList', { field })
    else body.reason = reason
  } else if (needs.reasonText && reason === '') {
    errors.reason = t('leadpage.err.required', { field: t('leadpage.reason'), status: c.st(to) })
  } else if (reason !== '') body.reason = reason.slice(0, 500)
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body }
}
