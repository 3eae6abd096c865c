// The composition root: builds every part in dependency order and closes them in reverse.
// Tests build an App directly (in-process); main.ts adds the process concerns (signals, exit codes).

import type { FastifyInstance } from 'fastify'
import type { Config } from './config/index.js'
import { createLogger, type Logger } from './lib/log.js'
import { buildServer } from './http/server.js'
import { createSessionIndex, type SessionIndex } from './sessions/index.js'
import { createStorage } from './storage/index.js'
import { createBridge, createUpstreamClient, type Bridge, type UpstreamClient } from './upstream/index.js'

export interface App {
  config: Config
  log: Logger
  bridge: Bridge
  upstream: UpstreamClient
  sessions: SessionIndex
  server: FastifyInstance
  /** Starts OpenCode (spawn or attach) and listens; resolves with Studio's URL. */
  start(): Promise<string>
  close(): Promise<void>
}

export interface AppOptions {
  /** A logger to use instead of one built from config.logLevel (tests pass a silent one). */
  log?: Logger
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const startedAt = Date.now()
  const log = options.log ?? createLogger(config.logLevel)
  const bridge = createBridge(config.opencode, log.child({ part: 'upstream' }))
  const upstream = createUpstreamClient(bridge)
  const sessions = createSessionIndex({ storage: createStorage(config.opencode.dataDir), log: log.child({ part: 'sessions' }) })
  const server = await buildServer({ config, bridge, upstream, sessions, log, startedAt })

  let closing: Promise<void> | null = null
  return {
    config,
    log,
    bridge,
    upstream,
    sessions,
    server,
    async start() {
      bridge.start()
      sessions.start()
      const address = await server.listen({ host: config.host, port: config.port })
      log.info({ url: address, opencode: config.opencode.mode }, 'studio listening')
      return address
    },
    close() {
      closing ??= (async () => {
        await server.close()
        await sessions.close()
        await upstream.close()
        await bridge.close()
      })()
      return closing
    },
  }
}
