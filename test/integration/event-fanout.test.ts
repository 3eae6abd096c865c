// 100 browsers on Studio's event stream while OpenCode emits megabytes of events, one of them never
// reading: the others get everything, the silent one is cut off, and Studio's memory stays bounded.

import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { createSession, prompt } from '../support/opencode-api.js'
import { residentMb } from '../harness/proc.js'
import { startStudioChild, studioHealth, type ChildStudio } from '../support/studio.js'

const CLIENTS = 100
/**
 * Small, so the silent client overflows it soon after the kernel's socket buffers (~4 MB here) fill;
 * still above the bursts of megabyte events a fast reader briefly has queued.
 */
const QUEUE = '1MiB'
/** Each prompt carries this much text; its events repeat it a few times. */
const ATTACHMENT_BYTES = 1024 * 1024
const PROMPTS = 5

let mock: MockLlm
let oc: OpenCode
let studio: ChildStudio

beforeAll(async () => {
  mock = await startMockLlm()
  oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  studio = await startStudioChild({
    env: oc.scratch.env,
    args: ['--opencode-port', String(oc.port), '--opencode-data-dir', oc.scratch.dataDir, '--event-client-queue-bytes', QUEUE, '--log-level', 'warn'],
  })
})

afterAll(async () => {
  await studio?.stop()
  await oc?.stop()
  await mock?.close()
  oc?.scratch.remove()
})

interface Reader {
  socket: Socket
  bytes: number
  found: boolean
  closed: boolean
}

/** A raw SSE client: sends the request, then counts bytes and looks for a marker (no parsing: 100 of these). */
function openRaw(port: number, marker: () => string | null, read: boolean): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const reader: Reader = { socket: connect(port, '127.0.0.1'), bytes: 0, found: false, closed: false }
    let tail = ''
    reader.socket.once('connect', () => {
      reader.socket.write('GET /api/global/event HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n')
      if (!read) reader.socket.pause()
      resolve(reader)
    })
    reader.socket.once('error', (err) => (reader.bytes === 0 && !read ? reject(err) : undefined))
    reader.socket.once('close', () => (reader.closed = true))
    if (!read) return
    reader.socket.on('data', (chunk: Buffer) => {
      reader.bytes += chunk.length
      const m = marker()
      if (m && !reader.found) {
        const text = tail + chunk.toString('latin1', Math.max(0, chunk.length - 64 * 1024))
        if (text.includes(m) || chunk.includes(m)) reader.found = true
        tail = text.slice(-m.length)
      }
    })
  })
}

const health = (): Promise<{ events: { clients: number; upstreamConnected: boolean } }> => studioHealth(studio.url)

describe('fan-out to 100 clients', () => {
  it('delivers everything to readers, cuts off the one that never reads, and keeps memory bounded', async () => {
    await waitFor(async () => (await health()).events.upstreamConnected, { what: 'event feed connected' })
    const port = Number(new URL(studio.url).port)
    let finalMarker: string | null = null
    const readers = await Promise.all(Array.from({ length: CLIENTS - 1 }, () => openRaw(port, () => finalMarker, true)))
    const silent = await openRaw(port, () => null, false)
    await waitFor(async () => (await health()).events.clients === CLIENTS, { what: `${CLIENTS} clients subscribed` })

    const dir = oc.scratch.dir('fanout')
    const session = await createSession(oc, dir, { title: 'bulk events' })
    const baseline = residentMb(studio.pid)
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, residentMb(studio.pid))), 50)
    try {
      const text = Buffer.alloc(ATTACHMENT_BYTES, 'studio fan-out line\n').toString('base64')
      for (let i = 0; i < PROMPTS; i++) {
        await prompt(oc, dir, session.id, [
          { type: 'text', text: `bulk ${i}` },
          { type: 'file', mime: 'text/plain', filename: `bulk-${i}.txt`, url: `data:text/plain;base64,${text}` },
        ])
      }
      // a last, small change whose event every reader must see after all the bulk
      const marker = await createSession(oc, dir, { title: 'after the bulk' })
      finalMarker = marker.id
      await waitFor(() => readers.every((r) => r.found), { timeoutMs: 60_000, intervalMs: 100, what: 'every reader saw the final event' })
      await waitFor(async () => (await health()).events.clients === CLIENTS - 1, { timeoutMs: 15_000, what: 'the silent client cut off' })
    } finally {
      clearInterval(sampler)
    }
    const delivered = Math.min(...readers.map((r) => r.bytes))
    expect(delivered).toBeGreaterThan(PROMPTS * ATTACHMENT_BYTES) // the bulk really went out to everyone
    // Studio pushed ~100 × that; had it queued for the silent client (or for everyone), RSS would show it.
    expect(peak - baseline).toBeLessThan(150)
    // The silent client finds, once it reads again, that Studio ended its stream: either the gap frame
    // and a clean end (within the grace period), or a reset (after it, when Studio drops the socket).
    let tail = ''
    let reset = false
    silent.socket.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString('latin1')).slice(-4096)))
    silent.socket.on('error', () => (reset = true))
    silent.socket.resume()
    await waitFor(() => silent.closed, { timeoutMs: 15_000, what: 'silent socket closed by Studio' })
    // (cut off in the middle of a large event, it gets no gap frame: its stream then ends inside that
    // unfinished frame, which a parser drops, and EventSource reconnects with its last id)
    const unfinished = tail.length > 0 && !tail.endsWith('\n\n')
    expect(reset || unfinished || tail.includes('"reason":"client-too-slow"')).toBe(true)
    for (const r of readers) r.socket.destroy()
  })
})
