// The root logger: readable lines on a terminal, JSON lines for files and log shippers.
import pino, { type Logger } from 'pino'
import pretty from 'pino-pretty'
import type { Config } from './config.js'
import { secretPaths } from './config.js'

export type LogFormat = 'pretty' | 'json'

/** `auto` is pretty only when a person watches the output (a terminal). */
export function chooseLogFormat (setting: Config['log']['format'], isTty: boolean): LogFormat {
  if (setting === 'auto') return isTty ? 'pretty' : 'json'
  return setting
}

export interface LoggerOptions {
  level: Config['log']['level']
  format: LogFormat
  /** Where lines go; stdout (fd 1) by default. */
  destination?: NodeJS.WritableStream
  /** Colours in pretty lines; on a terminal by default. */
  colorize?: boolean
}

export function createLogger (opts: LoggerOptions): Logger {
  const options = { level: opts.level, redact: { paths: secretPaths, censor: '[redacted]' } }
  if (opts.format === 'json') return opts.destination ? pino(options, opts.destination) : pino(options)
  // In this process and synchronous (not a transport thread): the last lines before an exit are kept.
  const stream = pretty({
    sync: true,
    colorize: opts.colorize ?? (opts.destination === undefined && process.stdout.isTTY === true),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
    ...(opts.destination ? { destination: opts.destination } : {})
  })
  return pino(options, stream)
}
