// A port another program holds is a setting to change, not a crash: the message names the variable.
import { RingleadError } from './errors.js'

export class PortUnavailable extends RingleadError {
  constructor (what: string, host: string, port: number, variable: string, cause: NodeJS.ErrnoException) {
    const why = cause.code === 'EADDRINUSE' ? 'is in use by another program (another ringlead?)' : `cannot be opened (${cause.code ?? cause.message})`
    super('PORT_UNAVAILABLE', `${what}: port ${port} on ${host} ${why}; set ${variable} to a free port`, { cause })
  }
}

const portErrors = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'])

export async function listenOrExplain<T> (what: string, variable: string, host: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== undefined && portErrors.has(code)) throw new PortUnavailable(what, host, port, variable, err as NodeJS.ErrnoException)
    throw err
  }
}
