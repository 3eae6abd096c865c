// GET /api/global/event: Studio's event stream. One upstream subscription fans out to every client;
// `id:` lines carry Studio's sequence numbers, so a reconnecting client (EventSource sends Last-Event-ID
// by itself) gets exactly what it missed, or an explicit replay-gap frame. `?directory=` keeps events of
// that directory and below (and Studio's own notices, which have none).

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { CONNECTED_FRAME, gapFrame, retryFrame, type Events } from '../../events/index.js'
import { strictBool, text, type QueryValue } from '../query.js'

export interface EventRoutesOptions {
  events: Events
}

/** What EventSource waits before reconnecting after the stream drops. */
const CLIENT_RETRY_MS = 1000

export async function eventRoutes(app: FastifyInstance, { events }: EventRoutesOptions): Promise<void> {
  app.get<{ Querystring: Record<string, QueryValue> }>('/api/global/event', (request, reply) => {
    const cursor = cursorOf(request)
    const lastEventId = cursor === 'invalid' ? null : cursor
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // when the stream ends (shutdown, a slow client cut off) the connection goes with it
      connection: 'close',
      'x-accel-buffering': 'no',
      'x-opencode-studio-seq': String(events.hub.seq()),
    })
    res.write(retryFrame(CLIENT_RETRY_MS))
    res.write(CONNECTED_FRAME)
    // a cursor that is no sequence number cannot be resumed from: say so rather than ignore it
    if (cursor === 'invalid') res.write(gapFrame({ reason: 'cursor-invalid', requestedLastEventId: null, seqAtSubscribe: events.hub.seq(), gapSeq: null }))
    const subscription = events.hub.subscribe({
      lastEventId,
      directory: text(request.query.directory),
      sink: res,
      slim: strictBool(request.query.slim),
    })
    res.once('close', () => subscription.close())
  })
}

/**
 * Last-Event-ID header (what EventSource sends), or `lastEventId` in the query for other clients: a
 * sequence number, null when absent, 'invalid' when it is something else (`-5`, `abc`, `0x10`, too big).
 */
function cursorOf(request: FastifyRequest<{ Querystring: Record<string, QueryValue> }>): number | null | 'invalid' {
  const raw = request.headers['last-event-id'] ?? text(request.query.lastEventId) ?? undefined
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim()
  if (value === undefined || value === '') return null
  const n = Number(value)
  return /^\d+$/.test(value) && Number.isSafeInteger(n) ? n : 'invalid'
}
