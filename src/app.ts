// The composition root: builds every part in dependency order and closes them in reverse.
// Tests build an App directly (in-process); main.ts adds the process concerns (signals, exit codes).

import type { FastifyInstance } from 'fastify'
import type { Config } from './config/index.js'
import { createLogger, type Logger } from './lib/log.js'
import { buildServer } from './http/server.js'
import { createDirectoryPolicy } from './http/security/directories.js'
import { createAttachments, type Attachments } from './attachments/index.js'
import { createEvents, type Events, type GlobalEvent } from './events/index.js'
import { createSessionIndex, type SessionIndex } from './sessions/index.js'
import { createStatusIndex, type StatusIndex } from './status/index.js'
import { createStorage } from './storage/index.js'
import { createBridge, createUpstreamClient, createWarmUp, firstWarmable, type Bridge, type UpstreamClient, type WarmUp } from './upstream/index.js'

/** Heartbeat on idle event streams (the Rust Studio's value; well under common proxy idle timeouts). */
const HEARTBEAT_MS = 25_000
/** Sessions updated this recently mark directories the status index polls from the start. */
const ACTIVE_WINDOW_MS = 10 * 60_000
const DAY_MS = 86_400_000

export interface App {
  config: Config
  log: Logger
  bridge: Bridge
  upstream: UpstreamClient
  sessions: SessionIndex
  events: Events
  status: StatusIndex
  attachments: Attachments
  warmUp: WarmUp
  server: FastifyInstance
  /** Starts OpenCode (spawn or attach) and listens; resolves with Studio's URL. */
  start(): Promise<string>
  close(): Promise<void>
}

export interface AppOptions {
  /** A logger to use instead of one built from config.logLevel (tests pass a silent one). */
  log?: Logger
  /** The clock for login sessions and the lockout (tests move it instead of sleeping). */
  now?: () => number
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const startedAt = Date.now()
  const log = options.log ?? createLogger(config.logLevel)
  const bridge = createBridge(config.opencode, log.child({ part: 'upstream' }))
  const upstream = createUpstreamClient(bridge)
  const events = createEvents({
    bridge,
    upstream,
    log: log.child({ part: 'events' }),
    options: {
      replayBytes: config.events.replayBytes,
      clientQueueBytes: config.events.clientQueueBytes,
      heartbeatMs: HEARTBEAT_MS,
      pruneBytes: config.events.pruneBytes,
    },
  })
  const sessions = createSessionIndex({
    storage: createStorage(config.opencode.dataDir),
    log: log.child({ part: 'sessions' }),
    seq: () => events.hub.seq(),
  })
  const status = createStatusIndex({
    events,
    upstream,
    bridge,
    log: log.child({ part: 'status' }),
    candidateDirectories: () => sessions.recentDirectories(ACTIVE_WINDOW_MS),
    defaultDirectory: config.opencode.mode === 'spawn' ? config.opencode.cwd : null,
    rootOf: (id) => {
      // parent chains are short; the bound guards against a damaged store's cycle
      let current = id
      for (let i = 0; i < 64; i++) {
        const parent = sessions.get(current)?.parentID
        if (!parent || !sessions.get(parent)) return current
        current = parent
      }
      return current
    },
  })
  // OpenCode's session events keep the index current; storage is the backstop (and catches up after a
  // reconnect, since events may have been missed meanwhile).
  events.hub.listen((event) => {
    const payload = (event.data as GlobalEvent).payload
    if (payload?.type?.startsWith('session.')) sessions.applyEvent(payload.type, payload.properties ?? {})
  })
  events.onUpstreamConnected(() => {
    sessions.setLive(true)
    sessions.poke()
  })
  events.onUpstreamDisconnected(() => sessions.setLive(false))
  const attachments = createAttachments(
    {
      dataDir: config.dataDir,
      maxFileBytes: config.attachments.maxFileBytes,
      cacheBytes: config.attachments.cacheBytes,
      maxAgeMs: config.attachments.maxAgeDays * DAY_MS,
      ...(config.opencode.env.HOME ? { home: config.opencode.env.HOME } : {}),
    },
    log.child({ part: 'attachments' }),
  )
  const warmUp = createWarmUp({
    bridge,
    upstream,
    // newest activity first, once the index has read storage; one clients may name
    directory: async () => {
      await sessions.ready()
      return firstWarmable(
        sessions.directories().map((d) => d.directory),
        createDirectoryPolicy(config.allowedDirectories, config.opencode.cwd),
      )
    },
    log: log.child({ part: 'warm-up' }),
  })
  const server = await buildServer({ config, bridge, upstream, sessions, events, status, attachments, warmUp, log, startedAt, ...(options.now ? { now: options.now } : {}) })

  let closing: Promise<void> | null = null
  return {
    config,
    log,
    bridge,
    upstream,
    sessions,
    events,
    status,
    attachments,
    warmUp,
    server,
    async start() {
      await attachments.start()
      bridge.start()
      sessions.start()
      events.start()
      status.start()
      const address = await server.listen({ host: config.host, port: config.port })
      log.info({ url: address, opencode: config.opencode.mode }, 'studio listening')
      return address
    },
    close() {
      closing ??= (async () => {
        await server.close()
        warmUp.close()
        await status.close()
        await events.close()
        await sessions.close()
        attachments.close()
        await upstream.close()
        await bridge.close()
      })()
      return closing
    },
  }
}
