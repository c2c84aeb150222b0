// Dialplan preview for 1,000 tracking numbers and 200 operators: read the database, render the
// templates, diff against the applied file. Target: ≤ 100 ms.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Bus } from '../src/bus.js'
import { loadConfig } from '../src/config.js'
import { createCategory, createOperator, createTrackingNumber } from '../src/catalog/catalog-service.js'
import { randomId } from '../src/ids.js'
import { openDb } from '../src/db/open.js'
import { DialplanRenderer } from '../src/pbx/dialplan-render.js'
import { DialplanService, loadDialplanData, unifiedDiff } from '../src/pbx/dialplan-service.js'
import { percentiles, printFigures } from './stats.js'

export function benchDialplan (numberCount = 1000, operatorCount = 200, iterations = 200): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ringlead-bench-dialplan-'))
  const db = openDb(':memory:')
  try {
    const ctx = { db, bus: new Bus(), now: () => 1_800_000_000_000, newId: randomId }
    for (let c = 0; c < 20; c++) createCategory(ctx, { categoryId: `cat${c}`, name: `Category ${c}` })
    for (let i = 0; i < numberCount; i++) createTrackingNumber(ctx, { did: `7495${String(1_000_000 + i)}`, source: `source-${i % 12}`, categoryId: `cat${i % 20}` })
    for (let i = 0; i < operatorCount; i++) createOperator(ctx, { name: `Operator ${i}`, endpoint: `PJSIP/${1000 + i}`, isManager: i % 50 === 0 })
    const config = loadConfig({}, { dialplan: { includeFile: join(dir, 'extensions-ringlead.conf') } })
    const renderer = new DialplanRenderer(config.dialplan.templatesDir)
    const settings = { dialplan: config.dialplan, app: 'ringlead', agiUrl: 'agi://127.0.0.1:4573' }
    const service = new DialplanService({ db, renderer, settings, ami: () => null, log: pino({ level: 'silent' }), now: ctx.now, newId: randomId })
    // What is applied: the same data with one number fewer, so every preview shows a small change.
    const data = loadDialplanData(db)
    const applied = renderer.render({ ...data, numbers: data.numbers.slice(1) }, settings)
    writeFileSync(service.includeFile, applied.text)

    const time = (fn: () => unknown): number[] => {
      const samples: number[] = []
      for (let i = 0; i < iterations + 5; i++) {
        const t0 = process.hrtime.bigint()
        fn()
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
      }
      return samples.slice(5) // the first runs warm the JIT up
    }
    let diffLines = 0
    const preview = percentiles(time(() => { diffLines = service.preview().diff.split('\n').length }))
    const render = percentiles(time(() => renderer.render(data, settings)))
    const text = renderer.render(data, settings).text
    const diff = percentiles(time(() => unifiedDiff(applied.text, text)))
    const fromEmpty = percentiles(time(() => unifiedDiff('', text)))
    const ms = (n: number): string => n.toFixed(2)
    return {
      'tracking numbers / operators': `${numberCount} / ${operatorCount}`,
      'rendered lines / KB': `${text.split('\n').length} / ${(text.length / 1024).toFixed(0)}`,
      'preview (db read + render + diff, 1 number changed) p50 / p99 / max ms': `${ms(preview.p50)} / ${ms(preview.p99)} / ${ms(preview.max)}`,
      'preview diff lines': String(diffLines),
      'render only p50 / p99 ms': `${ms(render.p50)} / ${ms(render.p99)}`,
      'diff only (1 change) p50 / p99 ms': `${ms(diff.p50)} / ${ms(diff.p99)}`,
      'diff against an empty file p50 / p99 ms': `${ms(fromEmpty.p50)} / ${ms(fromEmpty.p99)}`,
      'target: preview p99 ≤ 100 ms': preview.p99 <= 100 ? 'met' : 'MISSED'
    }
  } finally {
    db.$client.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFigures('dialplan render + diff', benchDialplan())
