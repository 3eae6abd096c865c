// Studio owns cross-origin policy; OpenCode's does not leak through. OpenCode answers CORS for any
// localhost origin, so passing its headers on would let any page on another local port read sessions
// through Studio. Here: preflights are answered by Studio itself, only origins the user allowed get CORS
// headers, and the proxy drops OpenCode's access-control-* headers (proxy-headers.ts).

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createOriginPolicy, originNotAllowed } from './host-origin.js'

/** Headers a UI on an allowed origin may read (ids for tracing, OpenCode's paging headers). */
const EXPOSED_HEADERS = 'x-request-id, x-next-cursor, link, retry-after'
const PREFLIGHT_MAX_AGE_S = 600

function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined
}

export function installCors(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  const isAllowed = createOriginPolicy(allowedOrigins).isListed

  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin
    if (origin === undefined) return done()
    if (isPreflight(request)) {
      if (!isAllowed(origin)) return done(originNotAllowed(origin))
      reply
        .code(204)
        .headers({
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
          'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '',
          'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
          vary: 'origin',
        })
        .send()
      return
    }
    if (isAllowed(origin)) {
      reply.header('access-control-allow-origin', origin)
      reply.header('access-control-expose-headers', EXPOSED_HEADERS)
      reply.header('vary', 'origin')
    }
    done()
  })
}
