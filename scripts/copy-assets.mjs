// After tsc: the files under src/ that are not TypeScript (console views and styles, the tracking
// script) go beside the compiled code in dist/src/, where the code looks for them.
import { cpSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function copyAssets (from, to) {
  for (const name of readdirSync(from)) {
    const src = join(from, name)
    const dst = join(to, name)
    if (statSync(src).isDirectory()) copyAssets(src, dst)
    else if (!name.endsWith('.ts')) cpSync(src, dst)
  }
}
copyAssets('src', join('dist', 'src'))
