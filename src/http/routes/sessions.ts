// Session reads answered by Studio from OpenCode's storage, so they are instant and keep working while
// OpenCode is down: the list/tree (rust-studio-behaviour.md §6), one session, its children and its
// messages (OpenCode's own shapes). Writes and every other session path still go to OpenCode.

import type { FastifyInstance } from 'fastify'
import type { MessagePageRequest } from '../../storage/index.js'
import type { SessionIndex } from '../../sessions/index.js'
import type { DefaultDirectory } from '../directory.js'
import { boolish, count, invalidQuery, text, type QueryValue } from '../query.js'
import type { Forward } from './proxy.js'
import { withOpenCodeBody } from '../../lib/errors.js'
import { sessionListRoute } from './session-list.js'
import { consistencyField, degradedHeader, MESSAGE_ID_RE, messageMissing, notFound, SESSION_ID_RE, timing, unavailable } from './session-replies.js'
import { elideFor, prunePage } from './prune-page.js'

export interface SessionRoutesOptions {
  index: SessionIndex
  /** The event hub's current sequence number, for x-opencode-studio-seq. */
  seq: () => number
  /** OpenCode's own directory: what a list naming none means. */
  defaultDirectory: DefaultDirectory
  /** For `/api/session/<not a session id>` paths, which stay OpenCode's (e.g. /session/status). */
  forward: Forward
  /** `?prune=true` cuts tool outputs and reasoning to this many bytes (events.pruneBytes). */
  pruneBytes: number
}

type Query = Record<string, QueryValue>
type IdParams = { Params: { id: string }; Querystring: Query }

export async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  const { index, forward } = options

  await sessionListRoute(app, { index, defaultDirectory: options.defaultDirectory, forward })

  app.get<IdParams>('/api/session/:id', async (request, reply) => {
    const { id } = request.params
    if (!SESSION_ID_RE.test(id)) return forward(request, reply)
    const started = performance.now()
    reply.header('x-opencode-studio-seq', String(options.seq()))
    const read = await index.readSession(id)
    if (!read.ok) throw unavailable(read.reason, read.consistency)
    if (!read.value) {
      // storage may not hold it yet (legacy OpenCode writes its files after answering): OpenCode knows,
      // and answers its own 404 if it does not; while OpenCode is down, storage's word is the answer
      try {
        return await forward(request, reply)
      } catch (err) {
        if (reply.sent) throw err
        throw notFound(id)
      }
    }
    timing(reply, started)
    degradedHeader(reply, read.consistency)
    return read.value
  })

  app.get<IdParams>('/api/session/:id/children', async (request, reply) => {
    const { id } = request.params
    if (!SESSION_ID_RE.test(id)) return forward(request, reply)
    const started = performance.now()
    reply.header('x-opencode-studio-seq', String(options.seq()))
    await assertExists(index, id)
    const read = await index.readSessions(await index.childIds(id))
    if (!read.ok) throw unavailable(read.reason, read.consistency)
    timing(reply, started)
    degradedHeader(reply, read.consistency)
    return read.value.sort(byCreation)
  })

  app.get<IdParams>('/api/session/:id/message', async (request, reply) => {
    const { id } = request.params
    if (!SESSION_ID_RE.test(id)) return forward(request, reply)
    const started = performance.now()
    const page = messagePage(request.query, options.pruneBytes)
    reply.header('x-opencode-studio-seq', String(options.seq()))
    await assertExists(index, id)
    const read = await index.readMessages(id, page)
    if (!read.ok) throw unavailable(read.reason, read.consistency)
    const { total, hasOlder } = read.value
    const entries = boolish(request.query.prune) ? prunePage(read.value.entries, options.pruneBytes) : read.value.entries
    if (page.limit !== null && hasOlder && entries.length > 0) {
      const oldest = entries[0]!.info
      const cursor = encodeCursor(oldest.id, (oldest.time as { created?: number } | undefined)?.created ?? 0)
      // as OpenCode: this request's own URL, absolute, with `before` set to the cursor
      const next = new URL(request.url, `http://${request.headers.host ?? 'localhost'}`)
      next.searchParams.set('before', cursor)
      reply.header('x-next-cursor', cursor)
      reply.header('link', `<${next.href}>; rel="next"`)
    }
    timing(reply, started)
    degradedHeader(reply, read.consistency)
    if (!page.includeTotal) return entries
    const hasMore = page.limit !== null && hasOlder
    return {
      entries,
      total,
      offset: page.offset,
      ...(page.limit !== null ? { limit: page.limit } : {}),
      hasMore,
      ...(hasMore ? { nextOffset: page.offset + entries.length } : {}),
      ...consistencyField(read.consistency),
    }
  })

  app.get<{ Params: { id: string; mid: string }; Querystring: Query }>('/api/session/:id/message/:mid', async (request, reply) => {
    const { id, mid } = request.params
    // other ids are OpenCode's to refuse (its 400 for a message id, its 500 for a session id)
    if (!SESSION_ID_RE.test(id) || !MESSAGE_ID_RE.test(mid)) return forward(request, reply)
    const started = performance.now()
    reply.header('x-opencode-studio-seq', String(options.seq()))
    // OpenCode answers "Message not found" for an unknown session too
    const read = await index.readMessage(id, mid)
    if (!read.ok) throw unavailable(read.reason, read.consistency)
    if (!read.value) throw messageMissing(mid)
    timing(reply, started)
    degradedHeader(reply, read.consistency)
    return read.value
  })
}

/** OpenCode's `limit` and `before`, plus the Rust Studio's `offset` and `includeTotal`, and Studio's `prune`. */
function messagePage(q: Query, pruneBytes: number): MessagePageRequest {
  const limit = count('limit', q.limit)
  return {
    offset: count('offset', q.offset) ?? 0,
    // 0 and an empty value mean "no limit", in OpenCode as in the Rust Studio
    limit: limit === 0 ? null : limit,
    before: decodeCursor(text(q.before)),
    includeTotal: boolish(q.includeTotal),
    // pruned pages let storage cut large values before they reach JavaScript
    ...(boolish(q.prune) ? { elide: elideFor(pruneBytes) } : {}),
  }
}

/** 404 unless the session is in the index or, while the index catches up, in storage. */
async function assertExists(index: SessionIndex, id: string): Promise<void> {
  if (index.get(id)) return
  const read = await index.readSession(id)
  if (!read.ok) throw unavailable(read.reason, read.consistency)
  if (!read.value) throw notFound(id)
}

function byCreation(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ta = (a.time as { created?: number } | undefined)?.created ?? 0
  const tb = (b.time as { created?: number } | undefined)?.created ?? 0
  return ta - tb || String(a.id).localeCompare(String(b.id))
}

/** OpenCode's message cursor: base64 of {"id":"msg_…","time":<created ms>}. */
function encodeCursor(id: string, time: number): string {
  return Buffer.from(JSON.stringify({ id, time })).toString('base64')
}

function decodeCursor(cursor: string | null): MessagePageRequest['before'] {
  if (cursor === null) return null
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { id?: unknown; time?: unknown }
    if (typeof value.id === 'string' && typeof value.time === 'number') return { id: value.id, time: value.time }
  } catch {
    // fall through
  }
  // OpenCode refuses it with its bare validation body (opencode-reference.md §4.5)
  throw withOpenCodeBody(invalidQuery('before', 'expected the x-next-cursor value of a previous page'), { _tag: 'BadRequest' })
}
