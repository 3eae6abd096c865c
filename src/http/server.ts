// Assembles Studio's HTTP server. The order of hooks and routes is written once, here, with a reason
// per step.

import { randomUUID } from 'node:crypto'
import { homedir } from 'node:os'
import compress from '@fastify/compress'
import { constants as zlib } from 'node:zlib'
import { join } from 'node:path'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Config } from '../config/index.js'
import { BROTLI_QUALITY, GZIP_LEVEL } from './compression.js'
import type { Logger } from '../lib/log.js'
import type { Attachments } from '../attachments/index.js'
import type { Events } from '../events/index.js'
import type { SessionIndex } from '../sessions/index.js'
import type { StatusIndex } from '../status/index.js'
import type { Bridge, UpstreamClient, WarmUp } from '../upstream/index.js'
import { answerClientError, routeNotFound, toErrorReply } from './errors.js'
import { healthRoutes } from './routes/health.js'
import { createForward, proxyRoutes } from './routes/proxy.js'
import { installMetrics } from './metrics.js'
import { attachmentRoutes } from './routes/attachments.js'
import { eventRoutes } from './routes/events.js'
import { promptRoutes } from './routes/prompt.js'
import { uploadRoutes } from './routes/upload.js'
import { sessionRoutes } from './routes/sessions.js'
import { sessionWriteRoutes } from './routes/session-writes.js'
import { partRoutes } from './routes/parts.js'
import { directoryRoutes } from './routes/directories.js'
import { attentionRoutes } from './routes/attention.js'
import { providerSecretRoutes } from './routes/provider-secrets.js'
import { statusRoutes } from './routes/status.js'
import { staticRoutes } from './static.js'
import { installCors } from './security/cors.js'
import { createFrameworkErrorHandler, createRequestCheck, installGuard, toOriginForm } from './security/guard.js'
import { installBodyIdleTimeout } from './security/body-timeout.js'
import { installDirectoryPolicy } from './security/directories.js'
import { createAuth, installAuth } from './security/auth.js'
import { authRoutes } from './routes/auth.js'
import { diagnosticsRoutes } from './routes/diagnostics.js'

export interface HttpDeps {
  config: Config
  bridge: Bridge
  upstream: UpstreamClient
  sessions: SessionIndex
  events: Events
  status: StatusIndex
  attachments: Attachments
  /** What Studio asked OpenCode when it became ready (diagnostics); absent in tests that build a server alone. */
  warmUp?: WarmUp
  log: Logger
  startedAt: number
  /** The clock login sessions and the lockout read (tests move it). */
  now?: () => number
}

/** Studio's own JSON bodies are small; large bodies only ever go to OpenCode, under maxBodyBytes. */
const OWN_BODY_LIMIT_BYTES = 1024 * 1024
const REQUEST_ID_RE = /^[\w.:-]{1,128}$/

export async function buildServer(deps: HttpDeps): Promise<FastifyInstance> {
  const httpLog = deps.log.child({ part: 'http' })
  const check = createRequestCheck({ bindHost: deps.config.host, allowedHosts: deps.config.allowedHosts, allowedOrigins: deps.config.allowedOrigins })
  const app = Fastify({
    loggerInstance: httpLog as FastifyBaseLogger,
    // One debug line per request (below) instead of Fastify's two info lines: a UI polls a lot.
    logController: new LogController({ disableRequestLogging: true }),
    // Honour the caller's x-request-id when it is sane, so one id follows a request through the logs.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID()
    },
    bodyLimit: OWN_BODY_LIMIT_BYTES,
    // Long-lived event streams must not keep Studio from shutting down.
    forceCloseConnections: true,
    return503OnClosing: true,
    // Receiving a request is bounded (slow headers, stalled bodies); sending a response never is.
    requestTimeout: deps.config.timeouts.requestMs,
    http: {
      headersTimeout: deps.config.timeouts.headersMs,
      connectionsCheckingInterval: Math.min(1000, deps.config.timeouts.headersMs),
      requireHostHeader: false, // the guard answers a missing Host, in JSON
    },
    // Requests Node or the router refuse before any hook runs still get the guard's verdict and {error, code}.
    clientErrorHandler: answerClientError,
    frameworkErrors: createFrameworkErrorHandler(check),
    rewriteUrl: (req) => toOriginForm(req),
  })

  // 1. Guard first: nothing (not even a 404) is answered to a rebinding page or a foreign origin.
  installGuard(app, check)
  installBodyIdleTimeout(app, deps.config.timeouts.bodyIdleMs)

  // 2. CORS is Studio's policy (preflights answered here, OpenCode's CORS headers dropped).
  installCors(app, deps.config.allowedOrigins)

  // 3. Every reply carries the request id (set up front, so hijacked proxy replies carry it too).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  if (httpLog.isLevelEnabled('debug')) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request')
      done()
    })
  }

  // 3b. Auth: with a password set, only the public routes go further without credentials (after the
  // guard and CORS, so a foreign page learns nothing and preflights still work; before every route).
  const auth = createAuth({
    password: deps.config.password,
    passwordHash: deps.config.passwordHash,
    lockoutFile: join(deps.config.dataDir, 'auth-lockout.json'),
    log: httpLog.child({ part: 'auth' }),
    ...(deps.now ? { now: deps.now } : {}),
  })
  installAuth(app, auth)
  // 3c. The workspaces a request may name (after auth: strangers learn nothing about the list).
  installDirectoryPolicy(app, deps.config.allowedDirectories, deps.config.opencode.cwd)

  // 4. Errors are JSON {error, code}; unexpected ones are logged, never shown.
  app.setErrorHandler((err, request, reply) => {
    const out = toErrorReply(err)
    if (out.unexpected) request.log.error({ err }, 'unexpected error')
    else if (out.statusCode === 507) request.log.warn({ err }, 'out of space') // the operator's to fix, not the client's
    if (reply.sent || reply.raw.headersSent) return
    const retryMs = out.body.retryAfterMs
    if (out.statusCode === 503 && typeof retryMs === 'number') reply.header('retry-after', Math.ceil(retryMs / 1000))
    if (out.code) reply.header('x-opencode-studio-error-code', out.code)
    // A body the route stopped reading (a refused upload or prompt) leaves the connection unusable: its
    // rest would be read as the next request, or never (the socket stays paused). Close it after the answer.
    if (!request.raw.complete) reply.header('connection', 'close')
    return reply.code(out.statusCode).type('application/json').send(out.body)
  })
  app.setNotFoundHandler((request) => {
    throw routeNotFound(request.method, request.url.split('?')[0] ?? '')
  })

  // 5. Metrics count every request from here on.
  installMetrics(app, deps)

  // 6. Studio's own JSON answers over 1 KiB are compressed when the client accepts it (a session page or
  // list compresses 5-10×). Brotli at quality 4 costs about what gzip does. Hijacked replies are left
  // alone: the event stream (framing must never wait on a compressor) and proxied answers (the client's
  // Accept-Encoding reaches OpenCode, which compresses its own JSON). The raw part route opts out (its
  // bytes are images, and Range must count the bytes sent).
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
    zlibOptions: { level: GZIP_LEVEL },
  })

  // 7. Studio's own routes.
  const proxy = { upstream: deps.upstream, maxBodyBytes: deps.config.maxBodyBytes }
  // What OpenCode means by "no directory" (its GET /path), so Studio's own answers mean the same.
  const defaultDirectory = () => deps.bridge.directory()
  await app.register(authRoutes, { auth })
  await app.register(diagnosticsRoutes, { config: deps.config, bridge: deps.bridge, sessions: deps.sessions, ...(deps.warmUp ? { warmUp: deps.warmUp } : {}) })
  await app.register(healthRoutes, { bridge: deps.bridge, sessions: deps.sessions, events: deps.events, startedAt: deps.startedAt })
  await app.register(eventRoutes, { events: deps.events })
  await app.register(statusRoutes, {
    status: deps.status,
    events: deps.events,
    upstream: deps.upstream,
    timeoutMs: deps.config.status.timeoutMs,
    defaultDirectory,
  })
  await app.register(sessionRoutes, {
    index: deps.sessions,
    seq: () => deps.events.hub.seq(),
    defaultDirectory,
    forward: createForward(proxy),
    pruneBytes: deps.config.events.pruneBytes,
  })
  await app.register(sessionWriteRoutes, { index: deps.sessions, upstream: deps.upstream, forward: createForward(proxy), maxBodyBytes: deps.config.maxBodyBytes })
  await app.register(partRoutes, { index: deps.sessions, forward: createForward(proxy), home: deps.config.opencode.env.HOME ?? homedir() })
  await app.register(attentionRoutes, { status: deps.status, events: deps.events, timeoutMs: deps.config.status.timeoutMs })
  await app.register(providerSecretRoutes, { upstream: deps.upstream })
  await app.register(directoryRoutes, { index: deps.sessions, seq: () => deps.events.hub.seq() })

  await app.register(promptRoutes, {
    attachments: deps.attachments,
    upstream: deps.upstream,
    defaultDirectory,
    maxBodyBytes: deps.config.maxBodyBytes,
  })
  await app.register(uploadRoutes, {
    attachments: deps.attachments,
    events: deps.events,
    maxFileBytes: deps.config.attachments.maxFileBytes,
    defaultDirectory,
  })
  await app.register(attachmentRoutes, { attachments: deps.attachments })

  // 8. Everything else under /api goes to OpenCode.
  await app.register(proxyRoutes, proxy)

  // 9. The web UI: GET of any path that is not /api, /auth, /health or /metrics (history-mode fallback).
  await app.register(staticRoutes, {})

  return app
}
