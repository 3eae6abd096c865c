// Keeps OpenCode's ordering promise across Studio's extra hop. A client that opens GET /event and then
// sends a prompt (OpenCode's CLI does exactly that, 2 ms apart, and exits when the prompt answers) expects
// the prompt's events on that stream. Straight to OpenCode both requests reach one process in order; through
// Studio they travel on separate connections, and under load the prompt could reach OpenCode before the
// stream is subscribed, so its first events are lost to that client. OpenCode registers an /event listener
// before it sends the response headers, so: a write waits until every event stream that was opening when
// the write arrived has its headers (or failed), never longer than a cap (a hung stream must not block).

/** A stream that has not answered in this long is left behind: writes go on without it. */
const DEFAULT_CAP_MS = 2000

export interface SubscribeBarrier {
  /** Marks one event stream as opening; call the returned function once its headers arrived or it failed. */
  opening(): () => void
  /** Resolves once every stream that is opening now has answered, or after the cap. */
  settled(): Promise<void>
  /** Streams opening now (for tests and diagnostics). */
  pending(): number
}

export function createSubscribeBarrier(capMs = DEFAULT_CAP_MS): SubscribeBarrier {
  const opening = new Set<Promise<void>>()
  return {
    opening() {
      let done!: () => void
      const handshake = new Promise<void>((resolve) => (done = resolve))
      opening.add(handshake)
      return () => {
        opening.delete(handshake)
        done()
      }
    },
    async settled() {
      if (opening.size === 0) return
      let timer: NodeJS.Timeout | undefined
      const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, capMs)))
      try {
        await Promise.race([Promise.all([...opening]), cap])
      } finally {
        clearTimeout(timer)
      }
    },
    pending: () => opening.size,
  }
}

/** OpenCode's per-directory event stream: the one SSE route clients reach through the proxy. */
export function isEventStream(method: string, path: string): boolean {
  if (method !== 'GET') return false
  const end = path.indexOf('?')
  return (end === -1 ? path : path.slice(0, end)) === '/event'
}

/** Requests that can make OpenCode publish events (reads cannot). */
export function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'
}
