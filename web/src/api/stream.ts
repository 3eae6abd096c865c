// One event stream per tab: fetch-based SSE on /api/global/event?slim=true, resumed with Last-Event-ID.
// It reports gaps (Studio's replay-gap frame, a reconnect after which events may be missing, or 35 s
// without a byte) so the stores can repair from snapshots.

import type { StreamEvent } from './types'

export interface StreamHandlers {
  /** One event (OpenCode's payload flattened, or a Studio notice). */
  event(e: StreamEvent): void
  /** The stream is open; `initial` is false on a reconnect (events of the outage may be missing). */
  open(initial: boolean): void
  /** Events were lost: reload snapshots. */
  gap(reason: string): void
  down(reason: string): void
}

const WATCHDOG_MS = 35_000
const BACKOFF_MAX_MS = 15_000

export class EventStream {
  private lastId: number | null = null
  private controller: AbortController | null = null
  private stopped = false
  private attempt = 0
  private watchdog: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly handlers: StreamHandlers) {}

  /** Start (or restart) from a snapshot's seq: every event after it is delivered. */
  start(fromSeq: number | null): void {
    if (fromSeq !== null && (this.lastId === null || fromSeq < this.lastId)) this.lastId = fromSeq
    this.stopped = false
    void this.loop()
  }

  stop(): void {
    this.stopped = true
    this.controller?.abort()
    this.clearWatchdog()
  }

  private async loop(): Promise<void> {
    let first = true
    while (!this.stopped) {
      try {
        await this.connect(first)
      } catch (err) {
        if (this.stopped) return
        this.handlers.down((err as Error).message || 'stream closed')
      }
      first = false
      if (this.stopped) return
      const wait = Math.min(BACKOFF_MAX_MS, 500 * 2 ** Math.min(this.attempt, 5))
      this.attempt++
      await new Promise((r) => setTimeout(r, wait))
    }
  }

  private armWatchdog(): void {
    this.clearWatchdog()
    this.watchdog = setTimeout(() => {
      this.handlers.gap('silence')
      this.controller?.abort(new Error('no data for 35 s'))
    }, WATCHDOG_MS)
  }

  private clearWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog)
    this.watchdog = null
  }

  private async connect(first: boolean): Promise<void> {
    this.controller = new AbortController()
    const headers: Record<string, string> = { accept: 'text/event-stream' }
    if (this.lastId !== null) headers['last-event-id'] = String(this.lastId)
    const res = await fetch('/api/global/event?slim=true', { headers, signal: this.controller.signal, cache: 'no-store' })
    if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`)
    this.attempt = 0
    this.handlers.open(first)
    this.armWatchdog()
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        this.armWatchdog()
        buffer += value
        let cut: number
        while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const frame = buffer.slice(0, cut)
          buffer = buffer.slice(cut + (buffer[cut] === '\r' ? 4 : 2))
          this.frame(frame)
        }
      }
    } finally {
      this.clearWatchdog()
    }
    throw new Error('event stream ended')
  }

  private frame(frame: string): void {
    let event = 'message'
    let id: string | null = null
    const data: string[] = []
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = value
      else if (field === 'id') id = value
      else if (field === 'data') data.push(value)
    }
    if (id !== null && id !== '' && Number.isFinite(Number(id))) this.lastId = Number(id)
    if (event === 'heartbeat') return
    if (event === 'replay-gap') {
      this.handlers.gap('replay-gap')
      return
    }
    if (data.length === 0) return
    let parsed: any
    try {
      parsed = JSON.parse(data.join('\n'))
    } catch {
      return
    }
    if (parsed?.payload && typeof parsed.payload.type === 'string') {
      if (parsed.payload.type === 'sync') return
      this.handlers.event({ type: parsed.payload.type, properties: parsed.payload.properties ?? {}, directory: parsed.directory })
    } else if (typeof parsed?.type === 'string') {
      this.handlers.event({ type: parsed.type, properties: parsed.properties ?? {} })
    }
  }
}
