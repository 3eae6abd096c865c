// GET /api/session/status: OpenCode's answer when it gives one in time (merged into Studio's status index),
// Studio's own answer otherwise. `local`/`preferLocal` ask Studio directly; any upstream failure (not
// ready, refused, timeout, 5xx) falls back to the index with `x-opencode-studio-source: local-cache`.
// Either way the body has OpenCode's shape: non-idle sessions only, retry details kept.

import type { FastifyInstance } from 'fastify'
import type { Events } from '../../events/index.js'
import type { StatusIndex } from '../../status/index.js'
import type { UpstreamClient } from '../../upstream/index.js'
import { passThrough } from '../pass-through.js'
import { namedDirectory, type DefaultDirectory } from '../directory.js'
import { strictBool, text, type QueryValue } from '../query.js'
import { isRecord } from '../../lib/is-record.js'

export interface StatusRoutesOptions {
  status: StatusIndex
  events: Events
  upstream: UpstreamClient
  timeoutMs: number
  /** OpenCode's own directory: what a request naming none means (null until OpenCode was reached). */
  defaultDirectory: DefaultDirectory
}

type Query = Record<string, QueryValue>

export async function statusRoutes(app: FastifyInstance, options: StatusRoutesOptions): Promise<void> {
  const { status, events, upstream } = options

  app.get<{ Querystring: Query }>('/api/session/status', async (request, reply) => {
    const q = request.query
    const headerDir = request.headers['x-opencode-directory']
    const named = namedDirectory(request)
    const sessionId = text(q.sessionId)
    const seq = events.hub.seq()
    const local = (source: string, directory: string | null) => {
      reply.header('x-opencode-studio-source', source)
      reply.header('x-opencode-studio-seq', String(seq))
      return status.local({ directory, sessionId })
    }
    // Studio's own question: without a directory, every directory's sessions
    if (strictBool(q.local) || strictBool(q.preferLocal)) return local('local', named)
    // OpenCode's question: without a directory, OpenCode's own directory (what its answer covers)
    const directory = named ?? (await options.defaultDirectory())

    // only what OpenCode's route understands: it refuses unknown parameters
    const query = directory !== null && text(q.directory) !== null ? `?directory=${encodeURIComponent(directory)}` : ''
    let res
    try {
      res = await upstream.request({
        method: 'GET',
        path: `/session/status${query}`,
        headers: { 'x-request-id': request.id, ...(typeof headerDir === 'string' ? { 'x-opencode-directory': headerDir } : {}) },
        signal: AbortSignal.timeout(options.timeoutMs),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      })
    } catch {
      return local('local-cache', directory)
    }
    const body = await res.body.text().catch(() => null)
    if (body === null || res.statusCode >= 500) return local('local-cache', directory)
    if (res.statusCode >= 400) return passThrough(reply, res.statusCode, res.headers['content-type'], body)
    let answer: unknown
    try {
      answer = JSON.parse(body)
    } catch {
      return passThrough(reply, res.statusCode, res.headers['content-type'], body)
    }
    if (!isRecord(answer)) return passThrough(reply, res.statusCode, res.headers['content-type'], body)
    status.merge(directory, answer)
    reply.header('x-opencode-studio-source', 'opencode')
    reply.header('x-opencode-studio-seq', String(events.hub.seq()))
    if (sessionId === null) return answer
    const one = (answer as Record<string, unknown>)[sessionId]
    return one === undefined ? {} : { [sessionId]: one }
  })
}
