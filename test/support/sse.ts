// A test client for event streams: connects, parses frames as they arrive (with arrival times), and lets
// a test wait for the event it expects.

import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { request } from 'undici'
import { waitFor } from '../harness/wait.js'

export interface ReceivedEvent extends EventSourceMessage {
  /** JSON.parse(data), or undefined when data is not JSON. */
  json: any
  receivedAt: number
}

export interface SseClient {
  status: number
  headers: Record<string, string | string[] | undefined>
  events: ReceivedEvent[]
  /** Resolves with the first event (already received or future) that matches. */
  waitFor(match: (e: ReceivedEvent) => boolean, what?: string, timeoutMs?: number): Promise<ReceivedEvent>
  /** True once the server ended the stream. */
  ended(): boolean
  close(): void
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController()
  const res = await request(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal, bodyTimeout: 0 })
  const events: ReceivedEvent[] = []
  let done = false
  const parser = createParser({
    onEvent(e) {
      let json: unknown
      try {
        json = JSON.parse(e.data)
      } catch {
        json = undefined
      }
      events.push({ ...e, json, receivedAt: performance.now() })
    },
  })
  const decoder = new TextDecoder()
  res.body.on('data', (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })))
  res.body.on('end', () => (done = true))
  res.body.on('error', () => (done = true))
  return {
    status: res.statusCode,
    headers: res.headers,
    events,
    waitFor: (match, what = 'event', timeoutMs = 15_000) =>
      waitFor(() => events.find(match), { timeoutMs, intervalMs: 10, what }),
    ended: () => done,
    close: () => abort.abort(),
  }
}
