// The request guard, run first for every request: Host check (DNS rebinding), then Origin check for
// state-changing methods. Rejections are ordinary StudioErrors, answered by the error handler.

import type { FastifyInstance } from 'fastify'
import { createHostPolicy, createOriginPolicy, hostNotAllowed, originNotAllowed, STATE_CHANGING_METHODS } from './host-origin.js'

export interface GuardOptions {
  bindHost: string
  allowedHosts: readonly string[]
  allowedOrigins: readonly string[]
}

export function installGuard(app: FastifyInstance, options: GuardOptions): void {
  const isAllowedHost = createHostPolicy({ bindHost: options.bindHost, allowedHosts: options.allowedHosts })
  const origins = createOriginPolicy(options.allowedOrigins)
  app.addHook('onRequest', (request, _reply, done) => {
    const host = request.headers.host
    if (!isAllowedHost(host)) return done(hostNotAllowed(host ?? ''))
    const origin = request.headers.origin
    if (origin !== undefined && STATE_CHANGING_METHODS.has(request.method) && !origins.mayChangeState(origin, host)) {
      return done(originNotAllowed(origin))
    }
    done()
  })
}
