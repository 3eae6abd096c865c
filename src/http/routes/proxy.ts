// The catch-all: every /api/* request no Studio route claims goes to OpenCode without the /api prefix,
// any method, bodies streamed both ways (an SSE answer flows event by event), query kept.
// Registered last, in its own plugin scope, because it replaces body parsing with raw pass-through.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import type { UpstreamClient } from '../../upstream/index.js'
import { limitBody } from '../body-limit.js'
import { bodyTooLarge } from '../errors.js'
import { forwardRequestHeaders, forwardResponseHeaders } from '../proxy-headers.js'

export interface ProxyOptions {
  upstream: UpstreamClient
  maxBodyBytes: number
}

const PREFIX = '/api'
const BODYLESS_STATUS = new Set([204, 304])

export async function proxyRoutes(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  // Leave the body unread: it is piped to OpenCode as it arrives.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null))

  app.all(`${PREFIX}/*`, async (request, reply) => forward(request, reply, options))
}

async function forward(request: FastifyRequest, reply: FastifyReply, options: ProxyOptions): Promise<unknown> {
  const method = request.method as Dispatcher.HttpMethod
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > options.maxBodyBytes) throw bodyTooLarge(options.maxBodyBytes)

  const hasBody = method !== 'GET' && method !== 'HEAD' && (declared > 0 || request.headers['transfer-encoding'] !== undefined)
  const body = hasBody ? limitBody(request.raw, options.maxBodyBytes) : null

  // The browser went away: stop OpenCode's side too (matters for long-lived event streams).
  const abort = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort()
  })

  let res: Dispatcher.ResponseData
  try {
    res = await options.upstream.request({
      method,
      path: request.url.slice(PREFIX.length) || '/',
      headers: forwardRequestHeaders(request.headers, request.id),
      body: body?.stream ?? null,
      signal: abort.signal,
    })
  } catch (err) {
    if (body?.exceeded()) throw bodyTooLarge(options.maxBodyBytes)
    throw err
  }

  reply.code(res.statusCode).headers(forwardResponseHeaders(res.headers))
  if (method === 'HEAD' || BODYLESS_STATUS.has(res.statusCode)) {
    // dump() drains quietly; destroy() would emit an unhandled 'error' and take the process down
    await res.body.dump().catch(() => {})
    return reply.send()
  }
  return reply.send(res.body)
}
