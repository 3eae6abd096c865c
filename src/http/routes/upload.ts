// POST /api/fs/upload?directory=…&path=…&overwrite=true|false: writes the raw body into the workspace
// (streamed, never buffered), registers it in the attachment cache, and tells event-stream clients.
// Its own plugin scope, because the body must stay unread until the handler streams it.

import { isAbsolute, sep } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { uploadAborted, uploadPathRequired, uploadTooLarge, type Attachments } from '../../attachments/index.js'
import type { Events } from '../../events/index.js'
import { directoryNotAbsolute, pickDefault, type DefaultDirectory } from '../directory.js'
import { headerDirectory, strictBool, text, type QueryValue } from '../query.js'

export interface UploadRoutesOptions {
  attachments: Attachments
  events: Events
  maxFileBytes: number
  /** OpenCode's own directory: the workspace when a request names none. */
  defaultDirectory: DefaultDirectory
}

export async function uploadRoutes(app: FastifyInstance, options: UploadRoutesOptions): Promise<void> {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null))

  app.post<{ Querystring: Record<string, QueryValue> }>('/api/fs/upload', async (request, reply) => {
    const q = request.query
    // the header wins over the query, as in the Rust Studio; else OpenCode's own directory
    const named = headerDirectory(request.headers) ?? text(q.directory)
    if (named !== null && !isAbsolute(named)) throw directoryNotAbsolute(named)
    const workspace = named ?? pickDefault(await options.defaultDirectory())
    const path = text(q.path)
    if (!path) throw uploadPathRequired()
    if (Number(request.headers['content-length'] ?? 0) > options.maxFileBytes) throw uploadTooLarge(options.maxFileBytes)

    const result = await options.attachments
      .upload({ source: request.raw, workspace, path, overwrite: strictBool(q.overwrite) })
      .catch((err: unknown) => {
        // the client's doing: worth a line, not an error with a stack
        if (uploadAborted.is(err)) request.log.info({ path }, 'upload aborted by the client')
        // already answered (the body went quiet and got its 408): nothing more to say
        if (reply.sent) return null
        throw err
      })
    if (result === null) return reply
    const shown = result.path.split(sep).join('/')
    options.events.hub.publish({
      data: { type: 'opencode-studio:fs-changed', timestamp: Date.now(), properties: { directory: workspace, changeType: 'upload', paths: [shown] } },
      directory: workspace,
    })
    return { success: true, path: shown, bytes: result.bytes }
  })
}
