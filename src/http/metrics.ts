// GET /metrics in Prometheus text format (prom-client): HTTP requests, the OpenCode bridge, event
// clients, the session index and the attachment cache. One registry per app, so two apps in one process
// (tests) never share counters.

import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Attachments, CacheStats } from '../attachments/index.js'
import type { Events } from '../events/index.js'
import type { SessionIndex } from '../sessions/index.js'
import type { Bridge, UpstreamClient } from '../upstream/index.js'

export interface MetricsDeps {
  bridge: Bridge
  upstream: UpstreamClient
  events: Events
  sessions: SessionIndex
  attachments: Attachments
}

/** Cache totals live in studio.db (they survive restarts): exported as counters set from there. */
const CACHE_TOTALS = [
  ['hits', 'studio_attachment_cache_hits_total', 'Forwards served from a cached blob'],
  ['misses', 'studio_attachment_cache_misses_total', 'Forwards that had to read and encode the file'],
  ['bytesServed', 'studio_attachment_cache_served_bytes_total', 'Base64 bytes streamed from cached blobs'],
  ['bytesEncoded', 'studio_attachment_cache_encoded_bytes_total', 'Raw bytes read and encoded into blobs'],
  ['evictions', 'studio_attachment_cache_evictions_total', 'Blobs evicted'],
  ['evictedBytes', 'studio_attachment_cache_evicted_bytes_total', 'Blob bytes evicted'],
] as const

export function installMetrics(app: FastifyInstance, deps: MetricsDeps): void {
  const registry = new Registry()
  const requests = new Counter({
    name: 'studio_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'studio_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (to the end of the response body)',
    labelNames: ['method', 'route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  })
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched'
    requests.inc({ method: request.method, route, status: String(reply.statusCode) })
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000)
    done()
  })

  // the cache's numbers are database reads: taken once per scrape, shared by its eight series
  let cacheStats: CacheStats | null = null
  const cache = () => (cacheStats ??= deps.attachments.stats())
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()) } })
  gauge('studio_opencode_ready', '1 while OpenCode answers, else 0', () => (deps.bridge.snapshot().state === 'ready' ? 1 : 0))
  gauge('studio_opencode_restarts', 'Times Studio restarted its OpenCode', () => deps.bridge.snapshot().restarts)
  gauge('studio_upstream_requests_in_flight', 'Requests to OpenCode in flight (event streams included)', () => deps.upstream.stats().running)
  gauge('studio_event_clients', 'Browsers on the event stream', () => deps.events.hub.stats().clients)
  gauge('studio_event_replay_bytes', 'Bytes held in the event replay ring', () => deps.events.hub.stats().ringBytes)
  gauge('studio_event_upstream_connected', "1 while OpenCode's event stream is connected", () => (deps.events.upstreamConnected() ? 1 : 0))
  gauge('studio_sessions_indexed', 'Sessions in the in-memory index', () => deps.sessions.status().sessions)
  gauge('studio_attachment_cache_entries', 'Blobs in the attachment cache', () => cache().entries)
  gauge('studio_attachment_cache_bytes', 'Bytes of blob files in the attachment cache', () => cache().bytes)
  for (const [key, name, help] of CACHE_TOTALS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset()
        this.inc(cache()[key])
      },
    })
  }

  app.get('/metrics', async (_request, reply) => {
    reply.type(registry.contentType)
    cacheStats = null
    return registry.metrics()
  })
}
