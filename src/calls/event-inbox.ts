// Events for one waiting loop, taken one at a time in the order they came: whoever produces one
// (a timer, a key, an operator's answer, the hang-up) pushes it; the loop awaits the next.
export class EventInbox<E> {
  private readonly items: E[] = []
  private wake: (() => void) | null = null

  push (event: E): void {
    this.items.push(event)
    const wake = this.wake
    this.wake = null
    wake?.()
  }

  async next (): Promise<E> {
    while (this.items.length === 0) await new Promise<void>((resolve) => { this.wake = resolve })
    return this.items.shift()!
  }
}
