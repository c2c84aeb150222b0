#!/usr/bin/env node
// `ringlead <command> …`: admin chores run next to the daemon, on the same database.
//   ringlead token create --name NAME --role admin|supervisor|operator [--operator op_x]
//   ringlead token list
//   ringlead token revoke TOKEN_ID
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadConfig, ConfigError } from './config.js'
import { roles, type Role } from './db/catalog-repo.js'
import { openDb, type Db } from './db/open.js'
import { createToken, listTokens, revokeToken } from './db/tokens-repo.js'
import { RingleadError } from './errors.js'

export interface CliIo {
  out: (line: string) => void
  err: (line: string) => void
  env?: Record<string, string | undefined>
  /** Opens the database named by the config; tests pass an in-memory one. */
  openDb?: (path: string) => Db
  now?: () => number
}

interface CliContext { io: CliIo; db: () => Db; now: () => number }

interface Command {
  usage: string[]
  run: (args: string[], ctx: CliContext) => number
}

class UsageError extends Error {}

const date = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString())

const tokenCommand: Command = {
  usage: [
    'token create --name NAME --role admin|supervisor|operator [--operator OPERATOR_ID]',
    'token list',
    'token revoke TOKEN_ID'
  ],
  run (args, { io, db, now }) {
    const [sub, ...rest] = args
    switch (sub) {
      case 'create': {
        const { values } = parseArgs({
          args: rest,
          options: { name: { type: 'string' }, role: { type: 'string' }, operator: { type: 'string' } },
          strict: true,
          allowPositionals: false
        })
        if (values.name === undefined) throw new UsageError('token create: --name is required')
        if (values.role === undefined || !roles.includes(values.role as Role)) throw new UsageError(`token create: --role must be one of ${roles.join(', ')}`)
        const { token, view } = createToken(db(), { name: values.name, role: values.role as Role, operatorId: values.operator ?? null }, now())
        io.err(`token ${view.tokenId} created (role ${view.role}${view.operatorId ? `, operator ${view.operatorId}` : ''}); store it now, it is not shown again:`)
        io.out(token)
        return 0
      }
      case 'list': {
        parseArgs({ args: rest, options: {}, strict: true, allowPositionals: false })
        const tokens = listTokens(db())
        if (tokens.length === 0) io.err('no tokens')
        for (const t of tokens) {
          const state = t.revokedAt === null ? 'active' : `revoked ${date(t.revokedAt)}`
          io.out([t.tokenId, t.role, t.operatorId ?? '-', state, `last used ${date(t.lastUsedAt)}`, t.name].join('\t'))
        }
        return 0
      }
      case 'revoke': {
        const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true })
        if (positionals.length !== 1) throw new UsageError('token revoke: give exactly one TOKEN_ID')
        const view = revokeToken(db(), positionals[0]!, now())
        io.out(`token ${view.tokenId} revoked at ${date(view.revokedAt)}`)
        return 0
      }
      default:
        throw new UsageError(sub === undefined ? 'token: missing subcommand' : `token: unknown subcommand ${sub}`)
    }
  }
}

/** Commands by name. Others (dialplan …) join here. */
export const commands: Record<string, Command> = {
  token: tokenCommand
}

function usage (): string {
  return ['usage:', ...Object.values(commands).flatMap((c) => c.usage.map((u) => `  ringlead ${u}`))].join('\n')
}

/** Runs one command line; returns the exit code (0 ok, 1 failed, 2 bad usage). */
export function runCli (argv: string[], io: CliIo): number {
  const [name, ...args] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.err(usage())
    return name === undefined ? 2 : 0
  }
  const command = commands[name]
  if (command === undefined) {
    io.err(`unknown command ${name}\n${usage()}`)
    return 2
  }
  let opened: Db | undefined
  const db = (): Db => {
    if (opened === undefined) {
      const config = io.env ? loadConfig(io.env) : loadConfig()
      opened = (io.openDb ?? openDb)(config.db.path)
    }
    return opened
  }
  try {
    return command.run(args, { io, db, now: io.now ?? Date.now })
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`${err.message}\n${usage()}`)
      return 2
    }
    if (err instanceof RingleadError || err instanceof ConfigError) {
      io.err(err.message)
      return 1
    }
    throw err
  } finally {
    if (opened !== undefined && io.openDb === undefined) opened.$client.close()
  }
}

function isMain (): boolean {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false // e.g. `node -e`: not started as this script
    throw err
  }
}

if (isMain()) {
  process.exitCode = runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`)
  })
}
