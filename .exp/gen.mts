import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { openDb } from '../src/db/open.js'
import { seedMonth } from '../bench/reports.js'
const dir = mkdtempSync(join(tmpdir(), 'rl-gen-'))
const db = openDb(join(dir, 'b.db'))
console.log(seedMonth(db, { calls: Number(process.argv[2]), operators: 50, fromMs: Date.parse('2026-10-01T00:00:00+03:00'), days: 31 }))
rmSync(dir, { recursive: true, force: true })
