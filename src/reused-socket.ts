// Whether a request cut by a connection reset was on a reused keep-alive socket: the one case where
// a request that is not safe to repeat may still be sent again, because a server that closes an
// idle connection as our request crosses the close never read it. undici does not say whether a
// request's socket was new; a socket that had read an answer before was not.
import type { Socket } from 'node:net'
import { buildConnector } from 'undici'

const onReusedSocket = Symbol('onReusedSocket')
type SocketErr = Error & { code?: string; [onReusedSocket]?: boolean; socket?: { bytesRead?: number } }

/** undici's connector (TCP or TLS) that marks each socket's errors with whether it had read anything before. */
export function reuseMarkingConnector (): buildConnector.connector {
  const connect = buildConnector({})
  return (options, callback) => connect(options, (err, socket) => {
    if (err === null && socket) { // on a failed connect undici passes no socket
      const s = socket as Socket
      s.on('error', (e: SocketErr) => { e[onReusedSocket] ??= s.bytesRead > 0 })
    }
    // The callback's type is a union of (err, null) and (null, socket).
    ;(callback as (e: Error | null, s: typeof socket) => void)(err, socket)
  })
}

/** The connection went down (reset, broken pipe, closed by the other side), not the request refused. */
export function isConnectionCut (err: unknown): boolean {
  const code = (err as SocketErr | null)?.code
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET'
}

/** The cut socket had carried an answer before: undici's own socket errors carry its counters, the others were marked above. */
export function cutOnReusedSocket (err: unknown): boolean {
  const e = err as SocketErr
  return e[onReusedSocket] ?? (e.socket?.bytesRead ?? 0) > 0
}
