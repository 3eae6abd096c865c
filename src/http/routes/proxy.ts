// The catch-all: every /api/* request no Studio route claims goes to OpenCode without the /api prefix,
// any method, bodies streamed both ways (an SSE answer flows event by event), query kept.
// Registered last, in its own plugin scope, because it replaces body parsing with raw pass-through.
//
// Hot path: once OpenCode's headers arrive the reply is hijacked and OpenCode's body is written straight
// into the socket (undici's stream()), with no intermediate stream or onSend pass. Failures before that
// point are ordinary errors, answered as JSON by the error handler.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import type { UpstreamClient } from '../../upstream/index.js'
import { limitBody } from '../body-limit.js'
import { bodyTooLarge } from '../errors.js'
import { forwardRequestHeaders } from '../proxy-headers.js'
import { relayUpstream } from '../upstream-reply.js'

export interface ProxyOptions {
  upstream: UpstreamClient
  maxBodyBytes: number
}

const PREFIX = '/api'

export type Forward = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

export async function proxyRoutes(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  // Leave the body unread: it is piped to OpenCode as it arrives.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null))

  const forward = createForward(options)
  app.all(`${PREFIX}/*`, forward)
}

/** Hands one request to OpenCode; Studio routes use it for paths they leave to OpenCode (bodiless requests). */
export function createForward(options: ProxyOptions): Forward {
  return (request, reply) => forward(request, reply, options)
}

async function forward(request: FastifyRequest, reply: FastifyReply, options: ProxyOptions): Promise<void> {
  const method = request.method as Dispatcher.HttpMethod
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > options.maxBodyBytes) throw bodyTooLarge(options.maxBodyBytes)

  const hasBody = method !== 'GET' && method !== 'HEAD' && (declared > 0 || request.headers['transfer-encoding'] !== undefined)
  const body = hasBody ? limitBody(request.raw, options.maxBodyBytes) : null

  try {
    await relayUpstream(request, reply, options.upstream, {
      method,
      path: request.url.slice(PREFIX.length) || '/',
      headers: forwardRequestHeaders(request.headers, request.id),
      body: body?.stream ?? null,
    })
  } catch (err) {
    // nothing was sent yet (relayUpstream cuts the connection itself once headers are out)
    if (body?.exceeded()) throw bodyTooLarge(options.maxBodyBytes)
    throw err
  }
}
