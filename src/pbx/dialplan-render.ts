// Renders ringlead's dialplan from its data through the nunjucks templates in dialplan/. Values are
// checked first (domain/dialplan-values); a template error names the template and the line.
import { shippedPath } from '../package-root.js'
import { createHash } from 'node:crypto'
import { basename, resolve } from 'node:path'
import nunjucks from 'nunjucks'
import type { Config } from '../config.js'
import { dialplanValueProblems, splitDialplanNumbers, type DialplanValue, type SkippedNumber } from '../domain/dialplan-values.js'
import { DialplanTemplateError, DialplanValuesRejected } from './errors.js'

export const mainTemplate = 'extensions-ringlead.conf.njk'
/**
 * The parts, rendered one by one after the header. Not {% include %}: nunjucks reports an error
 * inside an included template asynchronously, past any try/catch, which would take the daemon down.
 */
export const dialplanParts = [mainTemplate, 'inbound.njk', 'fallback.njk', 'operators.njk', 'escalation.njk', 'agi.njk']

/** What the dialplan is made of: rows from the database. */
export interface DialplanData {
  numbers: ReadonlyArray<{ did: string; source: string | null; categoryId: string | null }>
  operators: ReadonlyArray<{ endpoint: string; isManager: boolean }>
}

export interface DialplanSettings {
  dialplan: Config['dialplan']
  /** The Stasis app. */
  app: string
  /** agi://host:port the dialplan reaches the FastAGI server at. */
  agiUrl: string
  /** `<prefix><n>` pauses with the n-th configured reason (n from 1 to `count`); none: no such code. */
  pauseReasons?: { prefix: string; count: number }
}

/** The context Asterisk must show after a reload, and the fingerprint of the text it must hold. */
export const versionContext = 'ringlead-version'

export interface RenderedDialplan {
  text: string
  /** Short hash of the text; the version context carries it so a reload can be checked. */
  fingerprint: string
  /** Contexts `dialplan show` must list once Asterisk has loaded the text. */
  contexts: string[]
  /** Tracking numbers left out because a value of theirs cannot go into the dialplan. */
  skipped: SkippedNumber[]
}

/** The fingerprint the version context of an already rendered text carries, if any. */
export function fingerprintOf (text: string): string | null {
  return /^exten => v,1,NoOp\(ringlead dialplan ([0-9a-f]{16})\)$/m.exec(text)?.[1] ?? null
}

/** Contexts `dialplan show` must list once Asterisk has loaded ringlead's dialplan. */
export function dialplanContexts (d: Config['dialplan']): string[] {
  return [d.inboundContext, 'ringlead-fallback', d.operatorContext, 'ringlead-mobile', 'ringlead-agi', versionContext]
}

/** The pattern and where the digit starts in ${EXTEN}, for the pause-with-reason feature code; null without reasons. */
function pauseReasonCode (r: DialplanSettings['pauseReasons']): { pattern: string; digitAt: number } | null {
  if (r === undefined || r.count < 1) return null
  const last = Math.min(9, r.count)
  return { pattern: `_${r.prefix}${last === 1 ? '1' : `[1-${last}]`}`, digitAt: r.prefix.length }
}

export class DialplanRenderer {
  private readonly env: nunjucks.Environment

  constructor (readonly templatesDir: string) {
    // autoescape off: this is dialplan, not HTML; the values are checked before rendering instead.
    // noCache: an admin's edit to a template counts at the next preview, without a restart.
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(shippedPath(templatesDir), { noCache: true }), {
      autoescape: false, throwOnUndefined: true, trimBlocks: false, lstripBlocks: false
    })
  }

  render (data: DialplanData, settings: DialplanSettings): RenderedDialplan {
    const d = settings.dialplan
    const values: DialplanValue[] = [{ kind: 'host', value: settings.agiUrl.replace(/^agi:\/\//, ''), where: 'agi.publicHost/port' }]
    const { kept: numbers, skipped } = splitDialplanNumbers(data.numbers.map((n) => ({ did: n.did, source: n.source ?? '', categoryId: n.categoryId ?? '' })))
    for (const o of data.operators) values.push({ kind: 'endpoint', value: o.endpoint, where: `operator endpoint` })
    const problems = dialplanValueProblems(values)
    if (problems.length > 0) throw new DialplanValuesRejected(problems)
    const context = {
      app: settings.app,
      agiUrl: settings.agiUrl,
      includeName: basename(d.includeFile),
      inboundContext: d.inboundContext,
      operatorContext: d.operatorContext,
      trunk: d.trunk,
      ringAllSeconds: d.ringAllSeconds,
      managerRingSeconds: d.managerRingSeconds,
      codes: { pause: d.pauseCode, unpause: d.unpauseCode, disposition: d.dispositionCode, pauseReason: pauseReasonCode(settings.pauseReasons) },
      numbers,
      ringAll: data.operators.filter((o) => !o.isManager).map((o) => o.endpoint).join('&'),
      managers: data.operators.filter((o) => o.isManager).map((o) => o.endpoint).join('&')
    }
    let body = ''
    for (const part of dialplanParts) {
      try {
        body += this.env.render(part, context)
      } catch (err) {
        throw templateError(part, err)
      }
    }
    const fingerprint = createHash('sha256').update(body).digest('hex').slice(0, 16)
    const text = `${body.trimEnd()}\n\n; Checked after every reload: Asterisk runs this very text when it shows this fingerprint.\n[${versionContext}]\nexten => v,1,NoOp(ringlead dialplan ${fingerprint})\n`
    return {
      text,
      fingerprint,
      contexts: dialplanContexts(d),
      skipped
    }
  }
}

/** nunjucks says "(path) [Line n, Column m]\n  message"; we say which template and which line. */
function templateError (template: string, err: unknown): DialplanTemplateError {
  const message = err instanceof Error ? err.message : String(err)
  const line = /\[Line (\d+), Column \d+\]/.exec(message)?.[1]
  const detail = message.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^\(.*\)( \[Line \d+, Column \d+\])?$/.test(l)).at(-1) ?? message
  return new DialplanTemplateError(template, line === undefined ? null : Number(line), detail.replace(/^Error: /, ''), { cause: err })
}
