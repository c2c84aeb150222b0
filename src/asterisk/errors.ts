import { RingleadError } from '../errors.js'

type Protocol = 'ARI' | 'AMI'

/** An ARI or AMI command Asterisk refused or could not be sent. */
export class AsteriskCommandFailed extends RingleadError {
  readonly status: number | undefined

  constructor (readonly command: string, readonly target: string, readonly asteriskMessage: string, options?: { cause?: unknown; protocol?: Protocol; status?: number; code?: string }) {
    super(options?.code ?? 'ASTERISK_COMMAND_FAILED', `${options?.protocol ?? 'ARI'} ${[command, target].filter(Boolean).join(' ')} failed: ${asteriskMessage}`, options)
    this.status = options?.status
  }

  /** Asterisk said the channel/bridge/recording is gone: usually someone hung up first. */
  get isNotFound (): boolean {
    return this.status === 404 || /not found/i.test(this.asteriskMessage)
  }

  /**
   * The channel is no longer ours to command: not found (404, or addChannel's 400), or it has left
   * the Stasis app (409 on answer/play/record, 422 on addChannel), which a caller's channel does
   * only when it hangs up.
   */
  get isGone (): boolean {
    return this.isNotFound || ((this.status === 409 || this.status === 422) && /not in stasis application/i.test(this.asteriskMessage))
  }
}

/**
 * Asterisk did not answer a command within its deadline (a stalled or unreachable server). A
 * subclass, so every catch of a failed command also sees this one; its code tells them apart.
 */
export class AsteriskCommandTimedOut extends AsteriskCommandFailed {
  constructor (command: string, target: string, readonly timeoutMs: number, protocol: Protocol = 'ARI') {
    super(command, target, `no answer in ${timeoutMs} ms`, { protocol, code: 'ASTERISK_COMMAND_TIMEOUT' })
  }
}

/** One step of connecting to Asterisk (loading ARI's descriptions, opening the event WebSocket, AMI login) took too long. */
export class AsteriskConnectTimedOut extends RingleadError {
  constructor (readonly step: string, readonly timeoutMs: number) {
    super('ASTERISK_CONNECT_TIMEOUT', `${step}: no answer in ${timeoutMs} ms`)
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
