// Session reads answered by Studio from OpenCode's storage, so they are instant and keep working while
// OpenCode is down: the list/tree (rust-studio-behaviour.md §6), one session, its children and its
// messages (OpenCode's own shapes). Writes and every other session path still go to OpenCode.

import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Consistency, MessagePageRequest } from '../../storage/index.js'
import { directoryKey, toWire, type ListPage, type ListQuery, type SessionIndex } from '../../sessions/index.js'
import { defineError, withExtra } from '../../lib/errors.js'
import { boolish, count, csv, headerDirectory, invalidQuery, text, type QueryValue } from '../query.js'
import type { Forward } from './proxy.js'
import { elideFor, prunePage } from './prune-page.js'

export interface SessionRoutesOptions {
  index: SessionIndex
  /** The event hub's current sequence number, for x-opencode-studio-seq. */
  seq: () => number
  /** The directory meant when a request names none (a spawned OpenCode's working directory). */
  defaultDirectory: string
  /** For `/api/session/<not a session id>` paths, which stay OpenCode's (e.g. /session/status). */
  forward: Forward
  /** `?prune=true` cuts tool outputs and reasoning to this many bytes (events.pruneBytes). */
  pruneBytes: number
}

const sessionNotFound = defineError('session_not_found', 404, (id: string) => `Session not found: ${id}`)
const storageUnavailable = defineError(
  'storage_unavailable',
  503,
  (reason: string) => `OpenCode's storage cannot be read right now: ${reason}`,
)

type Query = Record<string, QueryValue>
type IdParams = { Params: { id: string }; Querystring: Query }

/** OpenCode's session ids; anything else under /api/session/ is one of OpenCode's own routes. */
const SESSION_ID_RE = /^ses_[\w-]+$/

export async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  const { index, forward } = options

  app.get<{ Querystring: Query }>('/api/session', async (request, reply) => {
    const started = performance.now()
    const q = request.query
    const directory = text(q.directory) ?? headerDirectory(request.headers) ?? options.defaultDirectory
    const query: ListQuery = {
      scope: text(q.scope) === 'project' ? { kind: 'project', projectID: await index.projectFor(directory) } : { kind: 'directory', key: directoryKey(directory) },
      roots: boolish(q.roots),
      includeChildren: boolish(q.includeChildren),
      start: count('start', q.start),
      search: text(q.search),
      offset: count('offset', q.offset),
      limit: count('limit', q.limit),
      ids: csv(q.ids),
      focusSessionId: text(q.focusSessionId),
    }
    const answer = await index.list(query)
    if (!answer.ok) throw unavailable(answer.reason)
    reply.header('x-opencode-studio-seq', String(answer.seq))
    const body = listBody(answer.value, boolish(q.includeTotal), answer.consistency, answer.seq)
    timing(reply, started)
    degradedHeader(reply, answer.consistency)
    return reply.type('application/json; charset=utf-8').send(body)
  })

  app.get<IdParams>('/api/session/:id', async (request, reply) => {
    const { id } = request.params
    if (!SESSION_ID_RE.test(id)) return forward(request, reply)
    const started = performance.now()
    reply.header('x-opencode-studio-seq', String(options.seq()))
    const read = await index.readSession(id)
    if (!read.ok) throw unavailable(read.reason, read.consistency)
    if (!read.value) throw notFound(id)
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
    const q = request.query
    const limit = count('limit', q.limit)
    const page: MessagePageRequest = {
      offset: count('offset', q.offset) ?? 0,
      // 0 and an empty value mean "no limit", as in the Rust Studio
      limit: limit === 0 ? null : limit,
      before: decodeCursor(text(q.before)),
      includeTotal: boolish(q.includeTotal),
      ...(boolish(q.prune) ? { elide: elideFor(options.pruneBytes) } : {}),
    }
    reply.header('x-opencode-studio-seq', String(options.seq()))
    await assertExists(index, id)
    const read = await index.readMessages(id, page)
    if (!read.ok) throw unavailable(read.reason, read.consistency)
    const { total, hasOlder } = read.value
    const entries = boolish(q.prune) ? prunePage(read.value.entries, options.pruneBytes) : read.value.entries
    if (page.limit !== null && hasOlder && entries.length > 0) {
      const oldest = entries[0]!.info
      const cursor = encodeCursor(oldest.id, (oldest.time as { created?: number } | undefined)?.created ?? 0)
      const next = new URLSearchParams({ limit: String(page.limit), before: cursor })
      reply.header('x-next-cursor', cursor)
      reply.header('link', `<${request.url.split('?')[0]}?${next}>; rel="next"`)
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
}

/** Serialised bodies of cached pages: a repeated page is sent without mapping or stringifying again. */
const bodies = new WeakMap<ListPage, { bare?: string; envelope?: string; seq?: number }>()

function listBody(page: ListPage, envelope: boolean, consistency: Consistency | null, seq: number): string {
  const cached = consistency ? undefined : bodies.get(page)
  const hit = envelope ? cached?.envelope : cached?.bare
  if (hit !== undefined && (!envelope || cached?.seq === seq)) return hit
  const sessions = page.sessions.map(toWire)
  const body = JSON.stringify(
    envelope
      ? {
          sessions,
          total: page.total,
          offset: page.offset,
          ...(page.limit !== null ? { limit: page.limit } : {}),
          hasMore: page.hasMore,
          ...(page.nextOffset !== undefined ? { nextOffset: page.nextOffset } : {}),
          ...(page.focusRootId !== undefined ? { focusRootId: page.focusRootId, focusRootIndex: page.focusRootIndex } : {}),
          ...consistencyField(consistency),
          seq,
        }
      : sessions,
  )
  if (!consistency) bodies.set(page, { ...bodies.get(page), [envelope ? 'envelope' : 'bare']: body, ...(envelope ? { seq } : {}) })
  return body
}

/** 404 unless the session is in the index or, while the index catches up, in storage. */
async function assertExists(index: SessionIndex, id: string): Promise<void> {
  if (index.get(id)) return
  const read = await index.readSession(id)
  if (!read.ok) throw unavailable(read.reason, read.consistency)
  if (!read.value) throw notFound(id)
}

/** OpenCode's 404 body, plus Studio's {error, code}. */
function notFound(id: string) {
  const err = sessionNotFound(id)
  return withExtra(err, { name: 'NotFoundError', data: { message: err.message } })
}

function unavailable(reason: string, consistency: Consistency | null = null) {
  return withExtra(storageUnavailable(reason), { retryAfterMs: consistency?.retryAfterMs ?? 1000, ...consistencyField(consistency) })
}

function consistencyField(consistency: Consistency | null): { consistency?: Consistency } {
  return consistency ? { consistency } : {}
}

/**
 * Bodies that keep OpenCode's shape cannot carry the consistency report, so every local answer that
 * skipped or substituted something also says so in a header.
 */
function degradedHeader(reply: FastifyReply, consistency: Consistency | null): void {
  if (consistency) reply.header('x-opencode-studio-consistency', JSON.stringify(consistency))
}

/** Server-Timing lets clients (and the benchmarks) see Studio's own time apart from the network. */
function timing(reply: FastifyReply, started: number): void {
  reply.header('server-timing', `app;dur=${(performance.now() - started).toFixed(3)}`)
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
  throw invalidQuery('before', 'expected the x-next-cursor value of a previous page')
}
