// GET /api/attention[?directory=D]: every pending permission and question request (of D, or of every
// directory Studio knows), oldest first, each in OpenCode's own shape plus the session's root id, so a UI
// can show a child session's requests on its parent. Like /api/session/status: OpenCode is asked within
// the status deadline and its answer taken as authoritative; if it cannot answer in time, Studio's book
// (kept by events and polls) answers, marked `x-opencode-studio-source: local-cache`. `local=true` asks
// Studio only. Replies go through the proxy to OpenCode unchanged (POST /api/permission/:id/reply, …).

import type { FastifyInstance } from 'fastify'
import type { Events } from '../../events/index.js'
import type { StatusIndex } from '../../status/index.js'
import { headerDirectory, strictBool, text, type QueryValue } from '../query.js'

export interface AttentionRoutesOptions {
  status: StatusIndex
  events: Events
  timeoutMs: number
}

export async function attentionRoutes(app: FastifyInstance, { status, events, timeoutMs }: AttentionRoutesOptions): Promise<void> {
  app.get<{ Querystring: Record<string, QueryValue> }>('/api/attention', async (request, reply) => {
    const q = request.query
    const directory = text(q.directory) ?? headerDirectory(request.headers)
    // taken before asking: the answer reflects at least every event up to it
    const seq = events.hub.seq()
    const local = strictBool(q.local) || strictBool(q.preferLocal)
    const fresh = !local && (await status.refreshPending(directory, timeoutMs).catch(() => false))
    reply.header('x-opencode-studio-source', local ? 'local' : fresh ? 'opencode' : 'local-cache')
    reply.header('x-opencode-studio-seq', String(seq))
    return status.pending(directory)
  })
}
