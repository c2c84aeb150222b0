#!/usr/bin/env node
// `ringlead …` (npx ringlead … in a checkout, or the installed command): the built dist/ when there
// is one, else the TypeScript source through tsx.
import { existsSync } from 'node:fs'

const built = new URL('../dist/src/cli.js', import.meta.url)
let cli
if (existsSync(built)) {
  cli = await import(built.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  cli = await import(new URL('../src/cli.ts', import.meta.url).href)
}
await cli.main()
