// POST /api/session/:id/message: Studio's prompt route. `serverPath` file parts are expanded through the
// attachment cache into data URLs, the body is streamed to OpenCode's /session/:id/prompt_async, and the
// answer is 202 {"queued": true}: the reply arrives over the event stream. A bad part stops the prompt
// before anything reaches OpenCode; OpenCode's own refusals pass through unchanged.

import { stat } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import { workspaceNotFound, type Attachments } from '../../attachments/index.js'
import type { UpstreamClient } from '../../upstream/index.js'
import { passThrough } from '../pass-through.js'
import { headerDirectory, text, type QueryValue } from '../query.js'

export interface PromptRoutesOptions {
  attachments: Attachments
  upstream: UpstreamClient
  /** The workspace when a request names none (a spawned OpenCode's working directory). */
  defaultDirectory: string
  maxBodyBytes: number
}

export async function promptRoutes(app: FastifyInstance, options: PromptRoutesOptions): Promise<void> {
  app.post<{ Params: { id: string }; Querystring: Record<string, QueryValue> }>(
    '/api/session/:id/message',
    { bodyLimit: options.maxBodyBytes },
    async (request, reply) => {
      const header = request.headers['x-opencode-directory']
      const workspace = text(request.query.directory) ?? headerDirectory(request.headers) ?? options.defaultDirectory
      if (!(await stat(workspace).then((s) => s.isDirectory(), () => false))) throw workspaceNotFound(workspace)

      const expanded = await options.attachments.expand(request.body, workspace)
      try {
        const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
        const res = await options.upstream.request({
          method: 'POST',
          path: `/session/${encodeURIComponent(request.params.id)}/prompt_async${query}`,
          headers: {
            'content-type': 'application/json',
            'content-length': String(expanded.contentLength),
            'x-request-id': request.id,
            ...(typeof header === 'string' ? { 'x-opencode-directory': header } : {}),
          },
          body: expanded.body,
        })
        const body = await res.body.text()
        if (res.statusCode >= 300) return passThrough(reply, res.statusCode, res.headers['content-type'], body)
        return reply.code(202).send({ queued: true })
      } finally {
        expanded.release()
      }
    },
  )
}
