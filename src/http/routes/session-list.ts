// GET /api/session answered from Studio's session index. Two dialects:
// - OpenCode's own parameters only (directory, roots, start, search, limit, scope): OpenCode's answer,
//   exactly — its semantics (roots = no parent, search on titles, bad numbers ignored) and its full
//   session objects, newest update first (opencode-reference.md §4.3).
// - any of the Rust Studio's tree parameters (includeChildren, focusSessionId, includeTotal, offset, ids):
//   the tree page (rust-studio-behaviour.md §6) with compact entries.
// `fields=full|compact` picks the entry shape either way. No directory means OpenCode's: the sessions of
// the project of OpenCode's own directory, as OpenCode lists them.

import type { FastifyInstance } from 'fastify'
import type { Consistency, SessionInfo } from '../../storage/index.js'
import { directoryKey, toWire, type ListPage, type ListQuery, type SessionIndex } from '../../sessions/index.js'
import { namedDirectory, pickDefault, type DefaultDirectory } from '../directory.js'
import { boolish, count, csv, invalidQuery, text, type QueryValue } from '../query.js'
import type { Forward } from './proxy.js'
import { consistencyField, degradedHeader, timing, unavailable } from './session-replies.js'

export interface SessionListOptions {
  index: SessionIndex
  defaultDirectory: DefaultDirectory
  forward: Forward
}

type Query = Record<string, QueryValue>
type Fields = 'full' | 'compact'

/** Parameters OpenCode does not know: their presence asks for the Rust Studio's tree page. */
const TREE_PARAMS = ['includeChildren', 'focusSessionId', 'includeTotal', 'offset', 'ids'] as const

export async function sessionListRoute(app: FastifyInstance, options: SessionListOptions): Promise<void> {
  const { index } = options

  app.get<{ Querystring: Query }>('/api/session', async (request, reply) => {
    const started = performance.now()
    const q = request.query
    // OpenCode's path filter (relative to the project worktree) is OpenCode's to answer.
    if (q.path !== undefined) return options.forward(request, reply)
    const tree = TREE_PARAMS.some((name) => q[name] !== undefined)
    const fields = parseFields(q.fields) ?? (tree ? 'compact' : 'full')
    const named = namedDirectory(request)
    const directory = named ?? pickDefault(await options.defaultDirectory())
    const projectWide = named === null || text(q.scope) === 'project'
    const query: ListQuery = {
      scope: projectWide ? { kind: 'project', projectID: await index.projectFor(directory) } : { kind: 'directory', key: directoryKey(directory) },
      exact: !tree,
      roots: boolish(q.roots),
      includeChildren: boolish(q.includeChildren),
      start: tree ? count('start', q.start) : lenientCount(q.start),
      search: text(q.search),
      offset: count('offset', q.offset),
      limit: tree ? count('limit', q.limit) : lenientCount(q.limit),
      ids: csv(q.ids),
      focusSessionId: text(q.focusSessionId),
    }
    const answer = await index.list(query)
    if (!answer.ok) throw unavailable(answer.reason)
    const envelope = boolish(q.includeTotal)
    let body = cachedBody(answer.value, fields, envelope, answer.seq, answer.consistency)
    let consistency = answer.consistency
    if (body === undefined) {
      let sessions: unknown[] = answer.value.sessions.map(toWire)
      if (fields === 'full') {
        const full = await fullSessions(index, answer.value)
        consistency ??= full.consistency
        sessions = full.sessions
      }
      body = serialise(answer.value, sessions, envelope, answer.seq, consistency)
      if (!consistency) remember(answer.value, fields, envelope, answer.seq, body)
    }
    reply.header('x-opencode-studio-seq', String(answer.seq))
    timing(reply, started)
    degradedHeader(reply, consistency)
    return reply.type('application/json; charset=utf-8').send(body)
  })
}

/** The page's sessions as OpenCode returns them, read from storage in one batch, in the page's order. */
async function fullSessions(index: SessionIndex, page: ListPage): Promise<{ sessions: SessionInfo[]; consistency: Consistency | null }> {
  if (page.sessions.length === 0) return { sessions: [], consistency: null }
  const read = await index.readSessions(page.sessions.map((s) => s.id))
  if (!read.ok) throw unavailable(read.reason, read.consistency)
  const byId = new Map(read.value.map((s) => [s.id, s]))
  // a session deleted since the page was computed is left out rather than shown compact
  const sessions = page.sessions.flatMap((s) => byId.get(s.id) ?? [])
  return { sessions, consistency: read.consistency }
}

function serialise(page: ListPage, sessions: unknown[], envelope: boolean, seq: number, consistency: Consistency | null): string {
  if (!envelope) return JSON.stringify(sessions)
  return JSON.stringify({
    sessions,
    total: page.total,
    offset: page.offset,
    ...(page.limit !== null ? { limit: page.limit } : {}),
    hasMore: page.hasMore,
    ...(page.nextOffset !== undefined ? { nextOffset: page.nextOffset } : {}),
    ...(page.focusRootId !== undefined ? { focusRootId: page.focusRootId, focusRootIndex: page.focusRootIndex } : {}),
    ...consistencyField(consistency),
    seq,
  })
}

/**
 * Serialised bodies of cached pages (sessions/page-cache.ts hands out the same page object until the
 * index changes): a repeated page is sent without reading, mapping or stringifying again.
 */
const bodies = new WeakMap<ListPage, Map<string, { seq: number; body: string }>>()

function cachedBody(page: ListPage, fields: Fields, envelope: boolean, seq: number, consistency: Consistency | null): string | undefined {
  if (consistency) return undefined
  const hit = bodies.get(page)?.get(`${fields}:${envelope}`)
  // envelopes carry the seq, bare arrays do not
  return hit && (!envelope || hit.seq === seq) ? hit.body : undefined
}

function remember(page: ListPage, fields: Fields, envelope: boolean, seq: number, body: string): void {
  let forPage = bodies.get(page)
  if (!forPage) bodies.set(page, (forPage = new Map()))
  forPage.set(`${fields}:${envelope}`, { seq, body })
}

function parseFields(value: QueryValue): Fields | null {
  const v = text(value)
  if (v === null) return null
  if (v === 'full' || v === 'compact') return v
  throw invalidQuery('fields', 'expected "full" or "compact"')
}

/** OpenCode's reading of a number in the list query: anything that is not a whole number ≥ 0 is ignored. */
function lenientCount(value: QueryValue): number | null {
  const v = Array.isArray(value) ? value[value.length - 1] : value
  if (v === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(v)) return null
  return Math.floor(Math.min(Number(v), Number.MAX_SAFE_INTEGER))
}
