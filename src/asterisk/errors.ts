import { RingleadError } from '../errors.js'

/** An ARI or AMI command Asterisk refused or could not be sent. */
export class AsteriskCommandFailed extends RingleadError {
  readonly status: number | undefined

  constructor (readonly command: string, readonly target: string, readonly asteriskMessage: string, options?: { cause?: unknown; protocol?: 'ARI' | 'AMI'; status?: number }) {
    super('ASTERISK_COMMAND_FAILED', `${options?.protocol ?? 'ARI'} ${[command, target].filter(Boolean).join(' ')} failed: ${asteriskMessage}`, options)
    this.status = options?.status
  }

  /** Asterisk said the channel/bridge/recording is gone: usually someone hung up first. */
  get isNotFound (): boolean {
    return this.status === 404 || /not found/i.test(this.asteriskMessage)
  }
}

/** ari-client turns an HTTP error into an Error whose message is the response body. */
export function asteriskMessageOf (err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown }
    if (typeof body.message === 'string') return body.message
    if (typeof body.error === 'string') return body.error
  } catch {
    // not JSON: a transport error such as ECONNREFUSED
  }
  return text
}
