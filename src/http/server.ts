// Assembles Studio's HTTP server. The order of hooks and routes is written once, here, with a reason
// per step.

import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Config } from '../config/index.js'
import type { Logger } from '../lib/log.js'
import type { Attachments } from '../attachments/index.js'
import type { Events } from '../events/index.js'
import type { SessionIndex } from '../sessions/index.js'
import type { StatusIndex } from '../status/index.js'
import type { Bridge, UpstreamClient } from '../upstream/index.js'
import { answerClientError, routeNotFound, toErrorReply } from './errors.js'
import { healthRoutes } from './routes/health.js'
import { createForward, proxyRoutes } from './routes/proxy.js'
import { installMetrics } from './metrics.js'
import { attachmentRoutes } from './routes/attachments.js'
import { eventRoutes } from './routes/events.js'
import { promptRoutes } from './routes/prompt.js'
import { uploadRoutes } from './routes/upload.js'
import { sessionRoutes } from './routes/sessions.js'
import { statusRoutes } from './routes/status.js'
import { installCors } from './security/cors.js'
import { createFrameworkErrorHandler, createRequestCheck, installGuard, toOriginForm } from './security/guard.js'
import { installBodyIdleTimeout } from './security/body-timeout.js'
import { installDirectoryPolicy } from './security/directories.js'

export interface HttpDeps {
  config: Config
  bridge: Bridge
  upstream: UpstreamClient
  sessions: SessionIndex
  events: Events
  status: StatusIndex
  attachments: Attachments
  log: Logger
  startedAt: number
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
  installDirectoryPolicy(app, deps.config.allowedDirectories, deps.config.opencode.cwd)

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

  // 4. Errors are JSON {error, code}; unexpected ones are logged, never shown.
  app.setErrorHandler((err, request, reply) => {
    const out = toErrorReply(err)
    if (out.unexpected) request.log.error({ err }, 'unexpected error')
    if (reply.sent || reply.raw.headersSent) return
    const retryMs = out.body.retryAfterMs
    if (out.statusCode === 503 && typeof retryMs === 'number') reply.header('retry-after', Math.ceil(retryMs / 1000))
    return reply.code(out.statusCode).type('application/json').send(out.body)
  })
  app.setNotFoundHandler((request) => {
    throw routeNotFound(request.method, request.url.split('?')[0] ?? '')
  })

  // 5. Metrics count every request from here on.
  installMetrics(app, deps)

  // 6. Studio's own routes.
  const proxy = { upstream: deps.upstream, maxBodyBytes: deps.config.maxBodyBytes }
  await app.register(healthRoutes, { bridge: deps.bridge, sessions: deps.sessions, events: deps.events, startedAt: deps.startedAt })
  await app.register(eventRoutes, { events: deps.events })
  await app.register(statusRoutes, { status: deps.status, events: deps.events, upstream: deps.upstream, timeoutMs: deps.config.status.timeoutMs })
  await app.register(sessionRoutes, {
    index: deps.sessions,
    seq: () => deps.events.hub.seq(),
    defaultDirectory: deps.config.opencode.cwd,
    forward: createForward(proxy),
  })

  await app.register(promptRoutes, {
    attachments: deps.attachments,
    upstream: deps.upstream,
    defaultDirectory: deps.config.opencode.cwd,
    maxBodyBytes: deps.config.maxBodyBytes,
  })
  await app.register(uploadRoutes, { attachments: deps.attachments, events: deps.events, maxFileBytes: deps.config.attachments.maxFileBytes })
  await app.register(attachmentRoutes, { attachments: deps.attachments })

  // 7. Last: everything else under /api goes to OpenCode.
  await app.register(proxyRoutes, proxy)

  return app
}
