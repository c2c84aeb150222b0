declare module 'asterisk-manager' {
  import type { EventEmitter } from 'node:events'
  /** Keys of responses and events arrive lower-cased. */
  export type AmiMessage = Record<string, string | string[] | Record<string, string> | undefined>
  export interface Manager extends Pick<EventEmitter, 'on' | 'once' | 'removeListener' | 'removeAllListeners' | 'emit'> {
    connect (port: number, host: string, callback?: (err: Error | null) => void): void
    login (callback?: (err?: AmiMessage | Error) => void): void
    action (action: Record<string, string | number | undefined>, callback?: (err: AmiMessage | undefined, res: AmiMessage) => void): string
    disconnect (): void
    isConnected (): boolean
    options: { port: number; host: string; username: string; password: string; events: boolean }
  }
  function AsteriskManager (port: number | null, host: string, username: string, password: string, events?: boolean): Manager
  export default AsteriskManager
}
