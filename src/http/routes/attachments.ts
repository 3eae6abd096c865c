// GET /api/attachments/stats: the attachment cache's persisted counters and current size.

import type { FastifyInstance } from 'fastify'
import type { Attachments } from '../../attachments/index.js'

export async function attachmentRoutes(app: FastifyInstance, { attachments }: { attachments: Attachments }): Promise<void> {
  app.get('/api/attachments/stats', async () => {
    const s = attachments.stats()
    const lookups = s.hits + s.misses
    return { ...s, hitRatio: lookups === 0 ? null : s.hits / lookups }
  })
}
