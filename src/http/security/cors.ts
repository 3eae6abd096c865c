// Studio owns cross-origin policy; OpenCode's does not leak through. OpenCode answers CORS for any
// localhost origin, so passing its headers on would let any page on another local port read sessions
// through Studio. Here: upstream access-control-* headers are dropped, preflights are answered by
// Studio itself, and only origins the user allowed get CORS headers.

import type { FastifyInstance } from 'fastify'
import { normalizeOrigin, originNotAllowed } from './host-origin.js'

/** Headers a UI on an allowed origin may read (ids for tracing, OpenCode's paging headers). */
const EXPOSED_HEADERS = 'x-request-id, x-next-cursor, link, retry-after'
const PREFLIGHT_MAX_AGE_S = 600

export function installCors(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  const allowed = new Set(allowedOrigins.map(normalizeOrigin).filter((o): o is string => o !== null))
  const allowedOrigin = (origin: string | undefined) => {
    const normalized = origin === undefined ? null : normalizeOrigin(origin)
    return normalized !== null && allowed.has(normalized) ? origin! : null
  }

  const isPreflight = (r: { method: string; headers: Record<string, unknown> }) =>
    r.method === 'OPTIONS' && r.headers.origin !== undefined && r.headers['access-control-request-method'] !== undefined

  app.addHook('onRequest', async (request, reply) => {
    if (!isPreflight(request)) return
    const origin = request.headers.origin!
    if (allowedOrigin(origin) === null) throw originNotAllowed(origin)
    return reply
      .code(204)
      .headers({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '',
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
        vary: 'origin',
      })
      .send()
  })

  app.addHook('onSend', async (request, reply) => {
    if (isPreflight(request)) return
    for (const name of Object.keys(reply.getHeaders())) {
      if (name.startsWith('access-control-')) reply.removeHeader(name)
    }
    const origin = allowedOrigin(request.headers.origin)
    if (origin === null) return
    reply.header('access-control-allow-origin', origin)
    reply.header('access-control-expose-headers', EXPOSED_HEADERS)
    reply.header('vary', 'origin')
  })
}
