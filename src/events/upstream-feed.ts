// Studio's single subscription to OpenCode's GET /global/event, kept alive across OpenCode restarts.
// OpenCode's stream has no ids and cannot replay (opencode-reference.md §5.1), so after any reconnect
// Studio announces it (clients and Studio's own indexes then reconcile what may have been missed).
// Persisted changes arrive twice, as the bus event and as a `sync` copy: the copy is passed on live to
// clients that want OpenCode's exact stream, but only the bus event is numbered, kept and indexed.

import { backoffDelayMs } from '../lib/backoff.js'
import type { Logger } from '../lib/log.js'
import { createSleeper } from '../lib/sleeper.js'
import type { Bridge, UpstreamClient } from '../upstream/index.js'
import { createSseSplitter } from './sse-split.js'

/** Reconnect delays: 0.9 s, 1.8 s … capped at 30 s (reset by a successful connection). */
const RECONNECT_BACKOFF = { baseMs: 900, maxMs: 30_000 }
/** OpenCode sends a heartbeat every 10 s (13 s when busy): silence this long means the stream is dead. */
const SILENCE_LIMIT_MS = 35_000

/** One event as OpenCode's global stream carries it: {directory?, project?, payload: {type, properties}}. */
export interface GlobalEvent {
  directory?: string
  project?: string
  payload: { type: string; properties?: Record<string, unknown>; id?: string }
}

export interface FeedCallbacks {
  /** `raw` is the event's JSON text exactly as OpenCode sent it. */
  onEvent(event: GlobalEvent, raw: string): void
  /**
   * An event too large to hold (over BIG_EVENT_BYTES, e.g. a part carrying a data URL) is relayed as it
   * arrives: `head` is the start of its JSON; return the sink for the rest.
   */
  onBigEvent(directory: string | null, head: Buffer, type: string): { write(chunk: Buffer): void; end(): void; abort(): void }
  /** OpenCode's `sync` copy of a persisted change (a duplicate of an event passed to onEvent). */
  onSyncCopy(event: GlobalEvent, raw: string): void
  onConnected(info: { reconnect: boolean }): void
  onDisconnected(reason: string): void
}

export interface UpstreamFeed {
  readonly connected: boolean
  start(): void
  close(): Promise<void>
}

/** Events that only describe the connection itself; Studio sends its own heartbeats and notices. */
const CONNECTION_EVENTS = new Set(['server.connected', 'server.heartbeat'])
/** Events up to this size are parsed; larger ones are relayed in pieces without being held. */
const BIG_EVENT_BYTES = 1024 * 1024
const TYPE_RE = /"type":"([^"\\]+)"/
const DIRECTORY_RE = /^\{"directory":("(?:[^"\\]|\\.)*")/

export function createUpstreamFeed(deps: { bridge: Bridge; upstream: UpstreamClient; log: Logger } & FeedCallbacks): UpstreamFeed {
  const { bridge, upstream, log } = deps
  const sleeper = createSleeper()
  let stopped = false
  let connected = false
  let everConnected = false
  let abort: AbortController | null = null
  let loop: Promise<void> | null = null
  let lastReason: string | null = null

  // Wake up as soon as OpenCode is (back) up instead of waiting out a backoff.
  const offBridge = bridge.onChange((s) => {
    if (s.state === 'ready') sleeper.wake()
  })

  function disconnected(reason: string): void {
    const wasConnected = connected
    connected = false
    // one notice per outage, not one per failed attempt
    if (wasConnected || (reason !== lastReason && everConnected)) deps.onDisconnected(reason)
    if (reason !== lastReason) log.warn({ reason }, 'upstream event stream down')
    lastReason = reason
  }

  async function once(): Promise<void> {
    abort = new AbortController()
    const res = await upstream.subscribe('/global/event', { accept: 'text/event-stream', 'cache-control': 'no-cache' }, abort.signal)
    res.on('error', () => {}) // surfaced by the read loop below
    if (res.statusCode !== 200) {
      res.resume()
      throw new Error(`upstream event stream answered ${res.statusCode}`)
    }
    connected = true
    lastReason = null
    deps.onConnected({ reconnect: everConnected })
    everConnected = true
    log.info('upstream event stream connected')

    let silence: NodeJS.Timeout | undefined
    const resetSilence = () => {
      clearTimeout(silence)
      silence = setTimeout(() => abort?.abort(new Error('upstream event stream went silent')), SILENCE_LIMIT_MS)
    }
    resetSilence()
    const relay: { current: { write(chunk: Buffer): void; end(): void; abort(): void } | null } = { current: null }
    const splitter = createSseSplitter(BIG_EVENT_BYTES, {
      message(data) {
        let event: GlobalEvent
        try {
          event = JSON.parse(data) as GlobalEvent
        } catch {
          return
        }
        const type = event?.payload?.type
        if (typeof type !== 'string' || CONNECTION_EVENTS.has(type)) return
        if (type === 'sync') deps.onSyncCopy(event, data)
        else deps.onEvent(event, data)
      },
      bigStart(head) {
        const text = head.subarray(0, 8192).toString('utf8')
        const type = TYPE_RE.exec(text)?.[1] ?? 'unknown'
        if (type === 'sync' || CONNECTION_EVENTS.has(type)) return false
        const dir = DIRECTORY_RE.exec(text)?.[1]
        relay.current = deps.onBigEvent(dir ? (JSON.parse(dir) as string) : null, head, type)
        return true
      },
      bigChunk: (chunk) => relay.current?.write(chunk),
      bigEnd() {
        relay.current?.end()
        relay.current = null
      },
    })
    try {
      for await (const chunk of res) {
        resetSilence()
        splitter.feed(chunk as Buffer)
      }
    } finally {
      clearTimeout(silence)
      // a relay cut short by a dropped connection: its clients are disconnected rather than sent half an event
      relay.current?.abort()
    }
  }

  async function run(): Promise<void> {
    let failures = 0
    while (!stopped) {
      if (!bridge.target()) {
        disconnected(bridge.snapshot().state === 'restarting' ? 'opencode restarting' : 'opencode unavailable')
        await sleeper.sleep(RECONNECT_BACKOFF.maxMs)
        continue
      }
      try {
        await once()
        if (!stopped) disconnected('upstream event stream ended')
        failures = 0
      } catch (err) {
        if (stopped) break
        disconnected(err instanceof Error ? err.message : String(err))
        failures++
      }
      await sleeper.sleep(failures === 0 ? 0 : backoffDelayMs(failures, RECONNECT_BACKOFF))
    }
  }

  return {
    get connected() {
      return connected
    },
    start() {
      loop ??= run().catch((err: unknown) => log.error({ err }, 'upstream event feed crashed'))
    },
    async close() {
      stopped = true
      offBridge()
      sleeper.cancel()
      abort?.abort()
      await loop
    },
  }
}
