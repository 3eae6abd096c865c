// GET /api/opencode-studio/diagnostics (the Rust Studio's route): what `opencode-studio doctor` prints,
// plus what the running Studio knows (OpenCode's state, the session index, how long its event loop was
// blocked in each of the last 120 seconds). Behind the password like all /api.

import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/index.js'
import { collectDiagnostics } from '../../diagnostics/index.js'
import { startEventLoopMonitor } from '../../diagnostics/event-loop.js'
import type { SessionIndex } from '../../sessions/index.js'
import type { Bridge, WarmUp } from '../../upstream/index.js'

export async function diagnosticsRoutes(app: FastifyInstance, options: { config: Config; bridge: Bridge; sessions: SessionIndex; warmUp?: WarmUp }): Promise<void> {
  const loop = startEventLoopMonitor()
  app.addHook('onClose', async () => loop.close())
  app.get('/api/opencode-studio/diagnostics', async () => ({
    ...collectDiagnostics(options.config, { opencode: options.bridge.snapshot(), storage: options.sessions.status() }),
    eventLoop: { windowMs: 1000, windows: loop.windows() },
    warmUp: options.warmUp?.report() ?? null,
  }))
}
