// The one keep-alive connection pool for every call to OpenCode. It follows the bridge: requests go to
// wherever OpenCode currently is, carry Studio's credentials, and fail fast with a typed 503 while
// OpenCode is not ready.

import type { Readable } from 'node:stream'
import { Pool, type Dispatcher } from 'undici'
import { StudioError, withExtra } from '../lib/errors.js'
import type { Bridge } from './bridge.js'
import { opencodeRestarting, opencodeUnavailable, upstreamFailed } from './errors.js'
import { describeNetworkError } from './probe.js'
import type { BridgeSnapshot } from './state.js'

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod
  /** Path and query, e.g. `/session?directory=%2Ftmp`. */
  path: string
  headers?: Record<string, string | string[]>
  body?: Readable | Buffer | string | null
  signal?: AbortSignal
  /** 0 (the default) waits as long as OpenCode takes: prompts can run for minutes, streams for hours. */
  headersTimeout?: number
  bodyTimeout?: number
}

export interface UpstreamClient {
  request(req: UpstreamRequest): Promise<Dispatcher.ResponseData>
  /** Connections of the current pool: open ones and requests in flight (for metrics and leak tests). */
  stats(): { connected: number; running: number; pending: number }
  close(): Promise<void>
}

/** Enough for many browser tabs each holding event streams open, plus ordinary requests. */
const POOL_CONNECTIONS = 256

export function createUpstreamClient(bridge: Bridge): UpstreamClient {
  let pool: { origin: string; dispatcher: Pool } | null = null

  function poolFor(origin: string): Pool {
    if (pool?.origin === origin) return pool.dispatcher
    const old = pool
    pool = { origin, dispatcher: new Pool(origin, { connections: POOL_CONNECTIONS, headersTimeout: 0, bodyTimeout: 0 }) }
    old?.dispatcher.destroy().catch(() => {})
    return pool.dispatcher
  }

  return {
    async request(req) {
      const target = bridge.target()
      if (!target) throw notReadyError(bridge.snapshot())
      const headers: Record<string, string | string[]> = { ...req.headers }
      if (target.authorization) headers.authorization = target.authorization
      try {
        return await poolFor(target.origin).request({
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
        bridge.reportTransportFailure()
        const now = bridge.snapshot()
        if (now.state !== 'ready') throw notReadyError(now)
        throw withExtra(upstreamFailed(`OpenCode request failed: ${describeNetworkError(err)}`), {}, err)
      }
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
