// Files that ship with ringlead (sounds, dialplan templates, migrations) are found next to the
// package, whether it runs from src/ through tsx or from the built dist/src/, and from any folder.
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/** The folder holding package.json: one level up from src/, two from dist/src/. */
export const packageRoot = [resolve(here, '..'), resolve(here, '../..')].find((dir) => existsSync(join(dir, 'package.json'))) ?? resolve(here, '..')

/** A configured path: as given when absolute or present from the working folder, else the package's own. */
export function shippedPath (configured: string): string {
  if (isAbsolute(configured) || existsSync(resolve(configured))) return resolve(configured)
  const own = join(packageRoot, configured)
  return existsSync(own) ? own : resolve(configured)
}
