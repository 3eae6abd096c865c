// GET /health: Studio's own state and OpenCode's, always 200 while Studio runs. Carries the Rust
// Studio's fields too (openCodePort, isOpenCodeReady…), so its clients keep working.

import type { FastifyInstance } from 'fastify'
import { STUDIO_VERSION } from '../../lib/version.js'
import type { Events } from '../../events/index.js'
import type { SessionIndex } from '../../sessions/index.js'
import type { Bridge } from '../../upstream/index.js'

export interface HealthOptions {
  bridge: Bridge
  sessions: SessionIndex
  events: Events
  startedAt: number
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get('/health', async (request) => {
    // behind a password, strangers learn only that Studio is up
    if (request.studioAnonymous) return { status: 'ok' }
    const oc = options.bridge.snapshot()
    const port = oc.url ? Number(new URL(oc.url).port) : null
    return {
      status: 'ok',
      timestamp: Date.now(),
      studio: { version: STUDIO_VERSION, pid: process.pid, uptimeMs: Date.now() - options.startedAt },
      opencode: {
        mode: oc.mode,
        state: oc.state,
        since: oc.since,
        url: oc.url,
        version: oc.version,
        pid: oc.pid,
        restarts: oc.restarts,
        binary: oc.binary,
        lastError: oc.lastError,
      },
      storage: options.sessions.status(),
      events: { upstreamConnected: options.events.upstreamConnected(), seq: options.events.hub.seq(), ...options.events.hub.stats() },
      openCodePort: port,
      openCodeRunning: oc.mode === 'spawn' ? oc.pid !== null : oc.state === 'ready',
      isOpenCodeReady: oc.state === 'ready',
      lastOpenCodeError: oc.lastError?.summary ?? null,
      lastOpenCodeErrorInfo: oc.lastError,
    }
  })
}
