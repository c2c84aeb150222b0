// An ARI error response: status plus the exact body Asterisk sends.

export class AriError extends Error {
  constructor (readonly status: number, readonly body: Record<string, string>) {
    super(`${status} ${JSON.stringify(body)}`)
  }
}

/** Almost every ARI error body is {"message": "..."}. */
export function ariFail (status: number, message: string): AriError {
  return new AriError(status, { message })
}

/** Unknown endpoint/technology on originate: the one error keyed "error" (ast_ari_response_alloc_failed). */
export function allocationFailed (): AriError {
  return new AriError(500, { error: 'Allocation failed' })
}
