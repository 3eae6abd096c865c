// GET /api/opencode-studio/directories: every directory with sessions, from the session index, newest
// activity first: what the web UI's sidebar shows before it opens any directory.

import type { FastifyInstance } from 'fastify'
import type { SessionIndex } from '../../sessions/index.js'

export interface DirectoryRoutesOptions {
  index: SessionIndex
  seq: () => number
}

export async function directoryRoutes(app: FastifyInstance, { index, seq }: DirectoryRoutesOptions): Promise<void> {
  app.get('/api/opencode-studio/directories', async (_request, reply) => {
    const at = seq()
    await index.ready()
    reply.header('x-opencode-studio-seq', String(at))
    return index.directories()
  })
}
