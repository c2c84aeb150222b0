#!/usr/bin/env node
// `ringlead <command> …`: admin chores run next to the daemon, on the same database.
//   ringlead token create --name NAME --role admin|supervisor|operator [--operator op_x]
//   ringlead token list
//   ringlead token revoke TOKEN_ID
//   ringlead dialplan diff|apply|history|rollback VERSION_ID
//   ringlead user create --username NAME --role admin|supervisor|operator [--operator op_x] [--name "Full Name"] [--language ru|en]
//   ringlead user list
//   ringlead backup FILE | restore FILE
import { realpathSync } from 'node:fs'
import { userInfo } from 'node:os'
import pino from 'pino'
import { AmiLink } from './asterisk/ami-link.js'
import { DialplanRenderer } from './pbx/dialplan-render.js'
import { DialplanService, type AsteriskCli } from './pbx/dialplan-service.js'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadConfig, ConfigError, newPasswordFromEnv, usesSimulator, type Config } from './config.js'
import { runningDaemon } from './instance-lock.js'
import { backupDatabase, manifestPathOf, restoreDatabase } from './backup.js'
import { randomId } from './ids.js'
import { roles, type Role } from './domain/roles.js'
import { openDb, type Db } from './db/open.js'
import { createToken, listTokens, revokeToken } from './accounts/token-service.js'
import { RingleadError } from './errors.js'
import { runSpeechCli, speechUsage } from './speech-cli.js'
import { createUser, languages, listUsers, updateUser, type Language } from './accounts/user-service.js'

export interface CliIo {
  out: (line: string) => void
  err: (line: string) => void
  env?: Record<string, string | undefined>
  /** Opens the database named by the config; tests pass an in-memory one. */
  openDb?: (path: string) => Db
  now?: () => number
  /** Reads one line (the password) without echoing it into argv; tests pass one. */
  readLine?: (prompt: string) => Promise<string>
  /** Connects to Asterisk's AMI for dialplan apply/rollback; by default the config's AMI, waiting a few seconds. */
  connectAmi?: (config: Config) => Promise<(AsteriskCli & { stop: () => void }) | null>
}

interface CliContext { io: CliIo; db: () => Db; config: () => Config; now: () => number }

interface Command {
  usage: string[]
  run: (args: string[], ctx: CliContext) => number | Promise<number>
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

/**
 * Where AMI is: the config's, or with the built-in simulator the one the running demo daemon on this
 * database announced (its port is picked at start); null when neither.
 */
export function amiTarget (config: Config): { host: string; port: number } | null {
  if (config.ami.host !== '') return { host: config.ami.host, port: config.ami.port }
  if (!usesSimulator(config)) return null
  const port = runningDaemon(config.db.path)?.simAmiPort
  return port === undefined || port === null ? null : { host: '127.0.0.1', port }
}

/** AMI from the config; null when none is configured. Not connected after `waitMs`: returned anyway, apply says so. */
async function connectAmi (config: Config, waitMs = 5000): Promise<(AsteriskCli & { stop: () => void }) | null> {
  const target = amiTarget(config)
  if (target === null) return null
  const link = new AmiLink({ ...config.ami, ...target, log: pino({ level: 'silent' }), reconnectMinMs: waitMs * 2 })
  let timer: NodeJS.Timeout | undefined
  await Promise.race([link.start(), new Promise((resolve) => { timer = setTimeout(resolve, waitMs) })])
  clearTimeout(timer)
  return link
}

const dialplanCommand: Command = {
  usage: [
    'dialplan diff              show what apply would change (unified diff)',
    'dialplan apply             render, write, reload Asterisk and check it',
    'dialplan history           every applied or failed version',
    'dialplan rollback VERSION_ID   apply an earlier version again'
  ],
  async run (args, { io, db, config, now }) {
    const [sub, ...rest] = args
    const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true })
    const cfg = config()
    let ami: (AsteriskCli & { stop: () => void }) | null = null
    const service = new DialplanService({
      db: db(), now, newId: randomId, log: pino({ level: 'silent' }), ami: () => ami,
      renderer: new DialplanRenderer(cfg.dialplan.templatesDir),
      settings: { dialplan: cfg.dialplan, app: cfg.ari.app, agiUrl: `agi://${cfg.agi.publicHost}:${cfg.agi.port}` }
    })
    const actor = `cli:${userInfo().username}`
    const show = (v: { versionId: string; seq: number; status: string; appliedAt: number; appliedBy: string; rollbackOf: string | null; reason: string | null }): string =>
      [v.versionId, `#${v.seq}`, v.status, date(v.appliedAt), v.appliedBy, v.rollbackOf ? `rollback of ${v.rollbackOf}` : '-', v.reason ?? ''].join('\t')
    try {
      switch (sub) {
        case 'diff': {
          if (positionals.length > 0) throw new UsageError('dialplan diff: takes no arguments')
          const preview = service.preview()
          for (const n of preview.skipped) io.err(`tracking number ${JSON.stringify(n.did)} left out: ${n.problems.join('; ')}`)
          if (!preview.changed) io.err('no changes: the applied dialplan is what the database renders')
          else io.out(preview.diff.trimEnd())
          return 0
        }
        case 'apply':
        case 'rollback': {
          if (sub === 'apply' && positionals.length > 0) throw new UsageError('dialplan apply: takes no arguments')
          if (sub === 'rollback' && positionals.length !== 1) throw new UsageError('dialplan rollback: give exactly one VERSION_ID (see dialplan history)')
          ami = await (io.connectAmi ?? connectAmi)(cfg)
          const version = sub === 'apply' ? await service.apply(actor) : await service.rollback(positionals[0]!, actor)
          if (version.diff !== '') io.out(version.diff.trimEnd())
          io.err(`dialplan version ${version.versionId} (#${version.seq}) applied and loaded by Asterisk${version.diff === '' ? ' (no changes)' : ''}`)
          return 0
        }
        case 'history': {
          if (positionals.length > 0) throw new UsageError('dialplan history: takes no arguments')
          const versions = service.history(500)
          if (versions.length === 0) io.err('no dialplan applied yet')
          for (const v of versions) io.out(show(v))
          return 0
        }
        default:
          throw new UsageError(sub === undefined ? 'dialplan: missing subcommand' : `dialplan: unknown subcommand ${sub}`)
      }
    } finally {
      ami?.stop()
    }
  }
}

/** Reads a password from RINGLEAD_NEW_PASSWORD or, when absent, one line of stdin (never argv: it shows in ps). */
async function readPassword (io: CliIo): Promise<string> {
  const fromEnv = newPasswordFromEnv(io.env)
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (io.readLine !== undefined) return await io.readLine('password: ')
  io.err('password (at least 10 characters), then Enter:')
  const { createInterface } = await import('node:readline')
  const rl = createInterface({ input: process.stdin, terminal: false })
  try {
    for await (const line of rl) return line
  } finally {
    rl.close()
  }
  return ''
}

const userCommand: Command = {
  usage: [
    'user create --username NAME --role admin|supervisor|operator [--operator OPERATOR_ID] [--name "FULL NAME"] [--language ru|en]',
    '                           (password from stdin, or RINGLEAD_NEW_PASSWORD)',
    'user list',
    'user password USERNAME     (new password from stdin, or RINGLEAD_NEW_PASSWORD)'
  ],
  async run (args, { io, db, now }) {
    const [sub, ...rest] = args
    switch (sub) {
      case 'create': {
        const { values } = parseArgs({
          args: rest,
          options: { username: { type: 'string' }, role: { type: 'string' }, operator: { type: 'string' }, name: { type: 'string' }, language: { type: 'string' } },
          strict: true,
          allowPositionals: false
        })
        if (values.username === undefined) throw new UsageError('user create: --username is required')
        if (values.role === undefined || !roles.includes(values.role as Role)) throw new UsageError(`user create: --role must be one of ${roles.join(', ')}`)
        if (values.language !== undefined && !languages.includes(values.language as Language)) throw new UsageError('user create: --language must be ru or en')
        const password = await readPassword(io)
        const user = await createUser(db(), {
          username: values.username, role: values.role as Role, operatorId: values.operator ?? null, displayName: values.name,
          language: values.language as Language | undefined, password
        }, now())
        io.out(`user ${user.username} (${user.userId}) created with role ${user.role}; log in to the console with this username`)
        return 0
      }
      case 'list': {
        parseArgs({ args: rest, options: {}, strict: true, allowPositionals: false })
        const users = listUsers(db())
        if (users.length === 0) io.err('no users: create the first admin with `ringlead user create --username NAME --role admin`')
        for (const u of users) io.out([u.userId, u.username, u.role, u.operatorId ?? '-', u.disabledAt === null ? 'active' : 'disabled', u.displayName].join('\t'))
        return 0
      }
      case 'password': {
        const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true })
        if (positionals.length !== 1) throw new UsageError('user password: give exactly one USERNAME')
        const user = listUsers(db()).find((u) => u.username === positionals[0]!.toLowerCase())
        if (user === undefined) throw new UsageError(`user password: no user ${positionals[0]}`)
        await updateUser(db(), user.userId, { password: await readPassword(io) }, now())
        io.out(`password of ${user.username} changed; their sessions ended`)
        return 0
      }
      default:
        throw new UsageError(sub === undefined ? 'user: missing subcommand' : `user: unknown subcommand ${sub}`)
    }
  }
}

const backupCommand: Command = {
  usage: ['backup FILE                a consistent copy of the database (the daemon may run), and FILE.manifest.json listing the recordings'],
  async run (args, { io, config, now }) {
    const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true })
    if (positionals.length !== 1) throw new UsageError('backup: give exactly one FILE')
    const cfg = config()
    const m = await backupDatabase({ dbPath: cfg.db.path, recordingsDir: cfg.recordings.dir, target: positionals[0]!, nowMs: now() })
    io.out(`backup written: ${m.database.file} (${m.database.bytes} bytes, ${m.database.calls} calls, sha256 ${m.database.sha256})`)
    io.out(`manifest: ${manifestPathOf(m.database.file)} lists ${m.recordings.files.length} recordings in ${m.recordings.dir}; copy that folder with your file backup`)
    return 0
  }
}

const restoreCommand: Command = {
  usage: ['restore FILE               put a backup in the database\'s place (refused while the daemon runs)'],
  async run (args, { io, config, now }) {
    const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true })
    if (positionals.length !== 1) throw new UsageError('restore: give exactly one FILE')
    const cfg = config()
    const r = await restoreDatabase({ dbPath: cfg.db.path, recordingsDir: cfg.recordings.dir, source: positionals[0]!, nowMs: now() })
    io.out(`restored ${cfg.db.path} from ${positionals[0]} (${r.calls} calls)${r.previous ? `; the database that was there is now ${r.previous}` : ''}`)
    if (r.missingRecordings.length > 0) io.err(`${r.missingRecordings.length} recordings the backup lists are not in ${cfg.recordings.dir} (restore them from your file backup), e.g. ${r.missingRecordings.slice(0, 3).join(', ')}`)
    return 0
  }
}

const speechCommand: Command = {
  usage: speechUsage,
  async run (args, { io, config }) {
    return await runSpeechCli(args, io.out, io.err, config().speech)
  }
}

/** Commands by name. */
export const commands: Record<string, Command> = {
  token: tokenCommand,
  user: userCommand,
  dialplan: dialplanCommand,
  backup: backupCommand,
  restore: restoreCommand,
  speech: speechCommand
}

function usage (): string {
  return ['usage:', ...Object.values(commands).flatMap((c) => c.usage.map((u) => `  ringlead ${u}`))].join('\n')
}

/** Runs one command line; resolves to the exit code (0 ok, 1 failed, 2 bad usage). */
export async function runCli (argv: string[], io: CliIo): Promise<number> {
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
  let loaded: Config | undefined
  const config = (): Config => {
    loaded ??= io.env ? loadConfig(io.env) : loadConfig()
    return loaded
  }
  const db = (): Db => {
    opened ??= (io.openDb ?? openDb)(config().db.path)
    return opened
  }
  try {
    return await command.run(args, { io, db, config, now: io.now ?? Date.now })
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

/** The command line of this process (bin/ringlead.js calls it; so does `node src/cli.ts`). */
export async function main (): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`)
  })
}

if (isMain()) await main()
