// The layer rules of STYLE.md, written in .dependency-cruiser.cjs, checked on every import of src/
// and agi/: a new import that breaks one fails here, naming the rule, the importer and the imported.
import { join, resolve } from 'node:path'
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'
import t from 'tap'

const root = resolve(import.meta.dirname, '../..')
const configFile = join(root, '.dependency-cruiser.cjs')

async function violationsIn (baseDir: string, dirs: string[]): Promise<string[]> {
  const options: ICruiseOptions = { ...await extractDepcruiseOptions(configFile), baseDir }
  const result = await cruise(dirs, options, undefined, { tsConfig: extractTSConfig(join(root, 'tsconfig.json')) })
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a result')
  return result.output.summary.violations.map((v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}`).sort()
}

t.test('src/ and agi/ keep the layer rules of STYLE.md', async (t) => {
  const violations = await violationsIn(root, ['src', 'agi'])
  t.same(violations, [], `imports breaking a layer rule (rule: from → to):\n${violations.join('\n')}`)
})

t.test('the rules catch what they name: a decision reading the db, a route reading rows, notify reading calls, a cycle', async (t) => {
  const violations = await violationsIn(join(root, 'test/fixtures/layers'), ['src'])
  t.same(violations, [
    'domain-imports-only-domain: src/domain/discount.ts → src/db/prices-repo.ts',
    'http-does-not-import-db: src/http/routes/prices.ts → src/db/prices-repo.ts',
    'no-cycles: src/calls/board.ts → src/notify/announcer.ts',
    'notify-does-not-import-calls: src/notify/announcer.ts → src/calls/board.ts'
  ])
})
