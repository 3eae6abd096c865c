// Creating, updating and deleting a session: OpenCode's own routes, relayed with OpenCode's answer
// unchanged, but read-your-writes: once OpenCode has answered, the session index takes the change at once,
// so a list asked right after the create (or delete) already shows it. Without this the list would wait
// for OpenCode's event to be relayed, or for the next storage look (opencode-reference.md §7).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import type { SessionIndex } from '../../sessions/index.js'
import type { UpstreamClient } from '../../upstream/index.js'
import { isRecord } from '../../lib/is-record.js'
import { limitBody } from '../body-limit.js'
import { bodyTooLarge } from '../errors.js'
import { forwardRequestHeaders, forwardResponseHeaders } from '../proxy-headers.js'
import { SESSION_ID_RE } from './session-replies.js'
import type { Forward } from './proxy.js'

export interface SessionWriteOptions {
  index: SessionIndex
  upstream: UpstreamClient
  forward: Forward
  /** The largest body sent to OpenCode (the proxy's limit, `maxBodyBytes`). */
  maxBodyBytes: number
}

type Params = { Params: { id: string } }

export async function sessionWriteRoutes(app: FastifyInstance, options: SessionWriteOptions): Promise<void> {
  // Leave the body unread: it goes to OpenCode as it arrived.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null))

  app.post('/api/session', (request, reply) => relay(request, reply, options, (info) => options.index.applyEvent('session.created', { info })))
  app.patch<Params>('/api/session/:id', (request, reply) => {
    if (!SESSION_ID_RE.test(request.params.id)) return options.forward(request, reply)
    return relay(request, reply, options, (info) => options.index.applyEvent('session.updated', { info }))
  })
  app.delete<Params>('/api/session/:id', (request, reply) => {
    const { id } = request.params
    if (!SESSION_ID_RE.test(id)) return options.forward(request, reply)
    return relay(request, reply, options, () => options.index.applyEvent('session.deleted', { sessionID: id }))
  })
}

async function relay(request: FastifyRequest, reply: FastifyReply, options: SessionWriteOptions, apply: (answer: Record<string, unknown>) => void): Promise<FastifyReply> {
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > options.maxBodyBytes) throw bodyTooLarge(options.maxBodyBytes)
  const hasBody = declared > 0 || request.headers['transfer-encoding'] !== undefined
  const body = hasBody ? limitBody(request.raw, options.maxBodyBytes) : null
  let res: Dispatcher.ResponseData
  try {
    res = await options.upstream.request({
      method: request.method as Dispatcher.HttpMethod,
      path: request.url.slice('/api'.length),
      // identity: the answer is read here (and compressed on the way out by Studio if the client asked)
      headers: { ...forwardRequestHeaders(request.headers, request.id), 'accept-encoding': 'identity' },
      body: body?.stream ?? null,
    })
  } catch (err) {
    if (body?.exceeded()) throw bodyTooLarge(options.maxBodyBytes)
    throw err
  }
  const text = Buffer.from(await res.body.arrayBuffer())
  if (res.statusCode >= 200 && res.statusCode < 300) {
    try {
      const answer: unknown = JSON.parse(text.toString('utf8'))
      apply(isRecord(answer) ? answer : {})
    } catch {
      // not JSON: nothing to learn from it; OpenCode's event and the storage look still come
    }
  }
  return reply.code(res.statusCode).headers(forwardResponseHeaders(res.headers)).send(text)
}
