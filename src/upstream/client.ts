// The one keep-alive connection pool for every call to OpenCode. It follows the bridge: requests go to
// wherever OpenCode currently is, carry Studio's credentials, and fail fast with a typed 503 while
// OpenCode is not ready.

import type { EventEmitter } from 'node:events'
import { get as httpGet, type IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import { Pool, type Dispatcher } from 'undici'
import { StudioError, withExtra } from '../lib/errors.js'
import type { Bridge } from './bridge.js'
import { opencodeRestarting, opencodeUnavailable, upstreamFailed } from './errors.js'
import { describeNetworkError } from './probe.js'
import type { BridgeSnapshot } from './state.js'
import { createSubscribeBarrier, isEventStream, isWrite } from './subscribe-barrier.js'

/**
 * An AbortSignal, or an EventEmitter that emits 'abort' and says whether it did (undici takes both; the
 * emitter costs ~20 µs less per request than an AbortController, which matters on the proxy's hot path).
 */
export type CancelSignal = AbortSignal | (EventEmitter & { readonly aborted: boolean })

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod
  /** Path and query, e.g. `/session?directory=%2Ftmp`. */
  path: string
  headers?: Record<string, string | string[]>
  body?: Readable | Buffer | string | null
  signal?: CancelSignal
  /** 0 (the default) waits as long as OpenCode takes: prompts can run for minutes, streams for hours. */
  headersTimeout?: number
  bodyTimeout?: number
}

export interface UpstreamClient {
  request(req: UpstreamRequest): Promise<Dispatcher.ResponseData>
  /**
   * Like request(), but the body is written straight into the Writable the factory returns when the
   * response headers arrive (no intermediate stream: the proxy's hot path). Resolves when the body ends.
   */
  stream(req: UpstreamRequest, factory: Dispatcher.StreamFactory): Promise<Dispatcher.StreamData>
  /**
   * A long-lived GET (OpenCode's event stream) on its own connection, read with Node's native HTTP
   * parser: measured twice as cheap per byte as the pool's for the multi-megabyte events an attachment
   * produces, which all pass through here. Rejects like request() when OpenCode is not ready.
   */
  subscribe(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage>
  /** Event streams opened through the proxy that OpenCode has not answered yet (writes wait for them). */
  pendingSubscriptions(): number
  /** Connections of the current pool: open ones and requests in flight (for metrics and leak tests). */
  stats(): { connected: number; running: number; pending: number }
  close(): Promise<void>
}

/** Enough for many browser tabs each holding event streams open, plus ordinary requests. */
const POOL_CONNECTIONS = 256

export function createUpstreamClient(bridge: Bridge, options: { subscribeCapMs?: number } = {}): UpstreamClient {
  let pool: { origin: string; dispatcher: Pool } | null = null
  // event streams opened through Studio are subscribed at OpenCode before later writes reach it
  const barrier = createSubscribeBarrier(options.subscribeCapMs)

  function poolFor(origin: string): Pool {
    if (pool?.origin === origin) return pool.dispatcher
    const old = pool
    pool = { origin, dispatcher: new Pool(origin, { connections: POOL_CONNECTIONS, headersTimeout: 0, bodyTimeout: 0 }) }
    old?.dispatcher.destroy().catch(() => {})
    return pool.dispatcher
  }

  /** Runs one call against the current target, mapping failures before a response to typed errors. */
  async function call<T>(req: UpstreamRequest, send: (pool: Pool, options: Dispatcher.RequestOptions) => Promise<T>): Promise<T> {
    if (isWrite(req.method)) await barrier.settled()
    const target = bridge.target()
    if (!target) throw notReadyError(bridge.snapshot())
    const headers = target.authorization ? { ...req.headers, authorization: target.authorization } : (req.headers ?? {})
    try {
      return await send(poolFor(target.origin), {
        method: req.method,
        path: req.path,
        headers,
        body: req.body ?? null,
        signal: req.signal,
        headersTimeout: req.headersTimeout ?? 0,
        bodyTimeout: req.bodyTimeout ?? 0,
      })
    } catch (err) {
      // the caller gave up, or its own body stream failed (e.g. too large): not OpenCode's fault
      if (req.signal?.aborted || err instanceof StudioError) throw err
      await bridge.reportTransportFailure()
      const now = bridge.snapshot()
      if (now.state !== 'ready') throw notReadyError(now)
      throw withExtra(upstreamFailed(`OpenCode request failed: ${describeNetworkError(err)}`), {}, err)
    }
  }

  return {
    async request(req) {
      if (!isEventStream(req.method, req.path)) return call(req, (pool, options) => pool.request(options))
      const answered = barrier.opening()
      try {
        return await call(req, (pool, options) => pool.request(options))
      } finally {
        answered()
      }
    },
    async stream(req, factory) {
      if (!isEventStream(req.method, req.path)) return call(req, (pool, options) => pool.stream(options, factory))
      const answered = barrier.opening()
      try {
        return await call(req, (pool, options) =>
          pool.stream(options, (data) => {
            answered()
            return factory(data)
          }),
        )
      } finally {
        answered()
      }
    },
    pendingSubscriptions: () => barrier.pending(),
    subscribe(path, headers, signal) {
      const target = bridge.target()
      if (!target) return Promise.reject(notReadyError(bridge.snapshot()))
      const origin = new URL(target.origin)
      return new Promise((resolve, reject) => {
        const req = httpGet(
          {
            host: origin.hostname,
            port: origin.port,
            path,
            headers: { ...headers, ...(target.authorization ? { authorization: target.authorization } : {}) },
            agent: false,
            signal,
          },
          resolve,
        )
        req.once('error', reject)
      })
    },
    stats() {
      const s = pool?.dispatcher.stats
      return { connected: s?.connected ?? 0, running: s?.running ?? 0, pending: s?.pending ?? 0 }
    },
    async close() {
      await pool?.dispatcher.destroy().catch(() => {})
      pool = null
    },
  }
}

/** The 503 for a bridge that is not ready, in the Rust Studio's shape. */
export function notReadyError(snapshot: Readonly<BridgeSnapshot>): StudioError {
  const info = snapshot.lastError
  const extra: Record<string, unknown> = { state: snapshot.state, retryAfterMs: snapshot.state === 'unavailable' ? 5000 : 1000 }
  if (info) {
    extra.opencodeError = {
      code: info.code,
      summary: info.summary,
      ...(info.detail ? { detail: info.detail } : {}),
      ...(info.hint ? { hint: info.hint } : {}),
      ...(info.stderrExcerpt ? { stderrExcerpt: info.stderrExcerpt } : {}),
      ...(info.exitCode !== undefined ? { exitCode: info.exitCode } : {}),
      ...(info.signal !== undefined ? { signal: info.signal } : {}),
    }
    if (info.hint) extra.hint = info.hint
  }
  if (snapshot.state === 'restarting') return withExtra(opencodeRestarting(), { ...extra, restarting: true })
  const message = snapshot.state === 'starting' ? 'OpenCode is starting' : info?.summary
  return withExtra(opencodeUnavailable(message), extra)
}
