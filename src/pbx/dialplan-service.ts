// Keeps Asterisk's dialplan in step with ringlead's data: render, diff against what is applied,
// apply (atomic write, reload over AMI, check that Asterisk runs it, else put the previous one
// back), versions with who/when/diff, roll back to any version.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { createTwoFilesPatch } from 'diff'
import { desc, eq, max } from 'drizzle-orm'
import type { Logger } from 'pino'
import { listOperators, listTrackingNumbers } from '../db/catalog-repo.js'
import type { Db } from '../db/open.js'
import { dialplanVersions } from '../db/schema.js'
import type { SkippedNumber } from '../domain/dialplan-values.js'
import { NotFound } from '../errors.js'
import { DialplanNotApplied, DialplanRolledBack } from './errors.js'
import { dialplanContexts, fingerprintOf, type DialplanData, type DialplanRenderer, type DialplanSettings, type RenderedDialplan } from './dialplan-render.js'

/** The part of the AMI link apply needs: AmiLink fits. */
export interface AsteriskCli {
  readonly connected: boolean
  command (cli: string): Promise<string[]>
}

export interface DialplanServiceDeps {
  db: Db
  renderer: DialplanRenderer
  settings: DialplanSettings
  /** The AMI link, or null when none is configured. */
  ami: () => AsteriskCli | null
  log: Logger
  now: () => number
  newId: (prefix: string) => string
}

export interface DialplanPreview {
  diff: string
  changed: boolean
  fingerprint: string
  appliedFingerprint: string | null
  /** Tracking numbers left out of the rendered text, each with why (fix them to bring them back). */
  skipped: SkippedNumber[]
}

export type VersionRow = typeof dialplanVersions.$inferSelect
export type VersionSummary = Omit<VersionRow, 'content' | 'diff'>

/** A unified diff from what is applied to what would be; empty when they are the same. */
export function unifiedDiff (applied: string, rendered: string): string {
  if (applied === rendered) return ''
  return createTwoFilesPatch('applied', 'rendered', applied, rendered, '', '', { context: 3 })
}

export function loadDialplanData (db: Db): DialplanData {
  return {
    numbers: listTrackingNumbers(db).map((n) => ({ did: n.did, source: n.source, categoryId: n.categoryId })),
    operators: listOperators(db).map((o) => ({ endpoint: o.endpoint, isManager: o.isManager }))
  }
}

export class DialplanService {
  private queue: Promise<unknown> = Promise.resolve()
  private readonly log: Logger
  readonly includeFile: string

  constructor (private readonly deps: DialplanServiceDeps) {
    this.log = deps.log.child({ part: 'dialplan' })
    this.includeFile = resolve(deps.settings.dialplan.includeFile)
  }

  render (): RenderedDialplan {
    const rendered = this.deps.renderer.render(loadDialplanData(this.deps.db), this.deps.settings)
    if (rendered.skipped.length > 0) this.log.warn({ skipped: rendered.skipped }, 'tracking numbers left out of the dialplan')
    return rendered
  }

  /** The text of the include file as it is now ('' when there is none yet). */
  applied (): string {
    try {
      return readFileSync(this.includeFile, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ''
      throw err
    }
  }

  preview (): DialplanPreview {
    const rendered = this.render()
    const applied = this.applied()
    const diff = unifiedDiff(applied, rendered.text)
    return { diff, changed: diff !== '', fingerprint: rendered.fingerprint, appliedFingerprint: fingerprintOf(applied), skipped: rendered.skipped }
  }

  /** Renders from the database and applies it. */
  apply (actor: string): Promise<VersionRow> {
    return this.serial(async () => {
      const rendered = this.render()
      return await this.install(rendered.text, rendered.contexts, actor, null)
    })
  }

  /** Applies the text of an earlier version again. */
  rollback (versionId: string, actor: string): Promise<VersionRow> {
    return this.serial(async () => {
      const target = this.version(versionId)
      // Not rendered: an old version must go back even when today's data would not render.
      return await this.install(target.content, dialplanContexts(this.deps.settings.dialplan), actor, target.versionId)
    })
  }

  history (limit = 50): VersionSummary[] {
    return this.deps.db.select({
      versionId: dialplanVersions.versionId, seq: dialplanVersions.seq, status: dialplanVersions.status,
      appliedBy: dialplanVersions.appliedBy, appliedAt: dialplanVersions.appliedAt, checksum: dialplanVersions.checksum,
      rollbackOf: dialplanVersions.rollbackOf, reason: dialplanVersions.reason
    }).from(dialplanVersions).orderBy(desc(dialplanVersions.seq)).limit(limit).all()
  }

  version (versionId: string): VersionRow {
    const row = this.deps.db.select().from(dialplanVersions).where(eq(dialplanVersions.versionId, versionId)).get()
    if (row === undefined) throw new NotFound('dialplan version', versionId)
    return row
  }

  /** One apply or roll-back at a time: two at once would each restore the other's "previous". */
  private serial<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined) // the caller gets the error; the queue only needs the turn
    return run
  }

  private async install (text: string, contexts: string[], actor: string, rollbackOf: string | null): Promise<VersionRow> {
    const ami = this.deps.ami()
    if (ami === null) throw new DialplanNotApplied('AMI is not configured (RINGLEAD_AMI_HOST): nothing changed')
    if (!ami.connected) throw new DialplanNotApplied('AMI unreachable: cannot reload Asterisk, so nothing changed (the include file and Asterisk\'s dialplan are as they were)')
    const previous = this.applied()
    const hadFile = previous !== '' || this.exists()
    const diff = unifiedDiff(previous, text)
    const fingerprint = fingerprintOf(text)
    const log = this.log.child({ actor, fingerprint, rollbackOf })
    this.writeAtomically(text)
    const problem = await this.reloadAndCheck(ami, contexts, fingerprint)
    if (problem === null) {
      const row = this.record({ status: 'applied', content: text, diff, actor, rollbackOf, reason: null })
      log.info({ versionId: row.versionId, seq: row.seq, changed: diff !== '' }, 'dialplan applied')
      return row
    }
    log.warn({ problem }, 'Asterisk did not load the new dialplan: putting the previous one back')
    if (hadFile) this.writeAtomically(previous)
    else rmSync(this.includeFile, { force: true })
    const restoreProblem = await this.reloadAndCheck(ami, [], hadFile ? fingerprintOf(previous) : null)
    const row = this.record({ status: 'failed', content: text, diff, actor, rollbackOf, reason: problem })
    if (restoreProblem !== null) {
      log.error({ restoreProblem }, 'previous dialplan written back, but its reload failed too')
      throw new DialplanRolledBack(`dialplan not applied: ${problem}; the previous version was written back but reloading it failed too (${restoreProblem}): check Asterisk`, row.versionId)
    }
    throw new DialplanRolledBack(`dialplan not applied: ${problem}; the previous version was put back and reloaded`, row.versionId)
  }

  /** `dialplan reload`, then `dialplan show` for each context and the fingerprint; null when all is well. */
  private async reloadAndCheck (ami: AsteriskCli, contexts: string[], fingerprint: string | null): Promise<string | null> {
    try {
      const out = await ami.command('dialplan reload')
      if (!out.some((l) => /dialplan reloaded/i.test(l))) return `Asterisk answered the reload with: ${out.join(' / ') || 'nothing'}`
    } catch (err) {
      return `Asterisk refused the reload: ${(err as Error).message}`
    }
    for (const context of contexts) {
      try {
        const out = await ami.command(`dialplan show ${context}`)
        if (out.some((l) => /There is no existence of/i.test(l))) return `after the reload Asterisk has no context ${context}`
      } catch (err) {
        return `after the reload Asterisk has no context ${context} (${(err as Error).message})`
      }
    }
    if (fingerprint !== null) {
      try {
        const out = await ami.command('dialplan show ringlead-version')
        if (!out.some((l) => l.includes(fingerprint))) return `after the reload Asterisk still runs another dialplan (fingerprint ${fingerprint} not shown)`
      } catch (err) {
        return `after the reload Asterisk does not show ringlead's version context (${(err as Error).message})`
      }
    }
    return null
  }

  private exists (): boolean { return existsSync(this.includeFile) }

  /** Write beside, then rename: Asterisk never reads half a file. */
  private writeAtomically (text: string): void {
    mkdirSync(dirname(this.includeFile), { recursive: true })
    const tmp = `${this.includeFile}.${process.pid}.tmp`
    writeFileSync(tmp, text, { mode: 0o644 })
    renameSync(tmp, this.includeFile)
  }

  private record (v: { status: 'applied' | 'failed'; content: string; diff: string; actor: string; rollbackOf: string | null; reason: string | null }): VersionRow {
    const { db, now, newId } = this.deps
    return db.transaction((tx) => {
      const seq = (tx.select({ last: max(dialplanVersions.seq) }).from(dialplanVersions).get()?.last ?? 0) + 1
      const row: VersionRow = {
        versionId: newId('dpv'), seq, status: v.status, appliedBy: v.actor, appliedAt: now(), content: v.content, diff: v.diff,
        checksum: createHash('sha256').update(v.content).digest('hex'), rollbackOf: v.rollbackOf, reason: v.reason
      }
      tx.insert(dialplanVersions).values(row).run()
      return row
    })
  }
}
