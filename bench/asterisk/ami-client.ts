// The least AMI client the floor app needs: log in with events off, send an action, wait for its
// response by ActionID.
import { connect, type Socket } from 'node:net'

export class AmiClient {
  private socket: Socket | null = null
  private buffer = ''
  private nextId = 0
  private readonly pending = new Map<string, { resolve: (r: Record<string, string>) => void; reject: (e: Error) => void }>()

  constructor (private readonly opts: { host: string; port: number; user: string; secret: string }) {}

  async connect (): Promise<void> {
    const socket = connect(this.opts.port, this.opts.host)
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => { this.read(chunk.toString()) })
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
    socket.on('error', (err) => { for (const p of this.pending.values()) p.reject(err); this.pending.clear() })
    const res = await this.action('Login', { Username: this.opts.user, Secret: this.opts.secret, Events: 'off' })
    if (res.Response !== 'Success') throw new Error(`AMI login refused: ${res.Message ?? ''}`)
  }

  action (name: string, fields: Record<string, string>): Promise<Record<string, string>> {
    const id = `floor-${++this.nextId}`
    const lines = [`Action: ${name}`, `ActionID: ${id}`, ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`)]
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.socket!.write(`${lines.join('\r\n')}\r\n\r\n`)
    }).then((r) => {
      const res = r as Record<string, string>
      if (name !== 'Login' && res.Response !== 'Success') throw new Error(`AMI ${name}: ${res.Message ?? res.Response ?? '?'}`)
      return res
    })
  }

  private read (text: string): void {
    this.buffer += text
    let end: number
    while ((end = this.buffer.indexOf('\r\n\r\n')) >= 0) {
      const block = this.buffer.slice(0, end)
      this.buffer = this.buffer.slice(end + 4)
      const msg: Record<string, string> = {}
      for (const line of block.split('\r\n')) {
        const i = line.indexOf(': ')
        if (i > 0) msg[line.slice(0, i)] = line.slice(i + 2)
      }
      const id = msg.ActionID
      const p = id === undefined ? undefined : this.pending.get(id)
      if (p && msg.Response !== undefined) {
        this.pending.delete(id!)
        p.resolve(msg)
      }
    }
  }

  close (): void { this.socket?.end() }
}
