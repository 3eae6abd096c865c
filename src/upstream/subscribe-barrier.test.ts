import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import type { Bridge } from './bridge.js'
import { createUpstreamClient } from './client.js'
import { createSubscribeBarrier, isEventStream, isWrite } from './subscribe-barrier.js'

describe('subscribe barrier', () => {
  it('settles at once with nothing opening, and after every stream that was opening answered', async () => {
    const barrier = createSubscribeBarrier(10_000)
    await barrier.settled()
    const a = barrier.opening()
    const b = barrier.opening()
    let settled = false
    const waiting = barrier.settled().then(() => (settled = true))
    a()
    await new Promise((r) => setTimeout(r, 20))
    expect(settled).toBe(false)
    b()
    await waiting
    expect(barrier.pending()).toBe(0)
  })

  it('gives up waiting after its cap (a hung stream never blocks writes)', async () => {
    const barrier = createSubscribeBarrier(50)
    barrier.opening()
    const started = Date.now()
    await barrier.settled()
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    expect(barrier.pending()).toBe(1)
  })

  it('knows the event stream and the writes', () => {
    expect(isEventStream('GET', '/event?directory=%2Ftmp')).toBe(true)
    expect(isEventStream('GET', '/event')).toBe(true)
    expect(isEventStream('GET', '/events')).toBe(false)
    expect(isEventStream('POST', '/event')).toBe(false)
    expect(isEventStream('GET', '/global/event')).toBe(false)
    expect(isWrite('POST') && isWrite('PATCH') && isWrite('DELETE') && isWrite('PUT')).toBe(true)
    expect(isWrite('GET') || isWrite('HEAD') || isWrite('OPTIONS')).toBe(false)
  })
})

describe('upstream client ordering', () => {
  let server: Server | undefined
  afterEach(() => {
    server?.closeAllConnections()
    return new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  })

  /** A stand-in OpenCode whose /event answers its headers only after `delayMs`; logs what arrives when. */
  async function slowEventServer(delayMs: number): Promise<{ origin: string; log: string[] }> {
    const log: string[] = []
    server = createServer((req: IncomingMessage, res) => {
      log.push(`${req.method} ${req.url}`)
      if (req.url?.startsWith('/event')) {
        setTimeout(() => {
          log.push('event headers')
          res.writeHead(200, { 'content-type': 'text/event-stream' })
          res.end('data: {"type":"server.connected","properties":{}}\n\n')
        }, delayMs)
        return
      }
      req.resume()
      req.on('end', () => res.end('{}'))
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()))
    return { origin: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, log }
  }

  function bridgeTo(origin: string): Bridge {
    return { target: () => ({ origin }), reportTransportFailure: async () => {}, snapshot: () => ({ state: 'ready' }) } as unknown as Bridge
  }

  it('a write sent while an event stream is opening reaches OpenCode after that stream is subscribed', async () => {
    const { origin, log } = await slowEventServer(150)
    const client = createUpstreamClient(bridgeTo(origin))
    const sink = new Writable({ write: (_chunk, _enc, done) => done() })
    const stream = client.stream({ method: 'GET', path: '/event?directory=%2Fw' }, () => sink)
    await new Promise((r) => setTimeout(r, 20)) // the stream's request is at OpenCode, unanswered
    expect(client.pendingSubscriptions()).toBe(1)
    const write = client.request({ method: 'POST', path: '/session/x/message', body: '{}' })
    const read = client.request({ method: 'GET', path: '/session' })
    await (await read).body.text()
    expect(log).toContain('GET /session') // reads do not wait
    expect(log).not.toContain('POST /session/x/message')
    await (await write).body.text()
    await stream
    expect(log.indexOf('event headers')).toBeLessThan(log.indexOf('POST /session/x/message'))
    expect(client.pendingSubscriptions()).toBe(0)
    await client.close()
  })

  it('a stream that never answers holds writes back only for the cap', async () => {
    const { origin, log } = await slowEventServer(60_000)
    const client = createUpstreamClient(bridgeTo(origin), { subscribeCapMs: 100 })
    const abort = new AbortController()
    const sink = new Writable({ write: (_chunk, _enc, done) => done() })
    const stream = client.stream({ method: 'GET', path: '/event', signal: abort.signal }, () => sink).catch(() => 'aborted')
    await new Promise((r) => setTimeout(r, 20))
    await (await client.request({ method: 'POST', path: '/session', body: '{}' })).body.text()
    expect(log).toEqual(['GET /event', 'POST /session'])
    abort.abort()
    expect(await stream).toBe('aborted')
    expect(client.pendingSubscriptions()).toBe(0)
    await client.close()
  })
})
