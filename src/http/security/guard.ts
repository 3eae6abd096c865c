// The request guard, run first for every request: Host check (DNS rebinding), then Origin check for
// state-changing methods. Rejections are ordinary StudioErrors, answered by the error handler.
//
// "First" includes requests Fastify would otherwise refuse on its own before any hook runs (a URL that
// does not decode): those go through the same check, so a foreign Host learns nothing from them either.
// A request in absolute form (`GET http://host/path`) names its host in the target, which then counts
// instead of the Host header (RFC 9112 §3.2.2), and is routed by its path like any other.

import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineError, type StudioError } from '../../lib/errors.js'
import {
  createHostPolicy,
  createOriginPolicy,
  hostHeaderInvalid,
  hostNotAllowed,
  hostRequired,
  originNotAllowed,
  STATE_CHANGING_METHODS,
} from './host-origin.js'

export const badUrl = defineError('bad_url', 400, 'The request URL is not valid (a %-escape that does not decode)')

export interface GuardOptions {
  bindHost: string
  allowedHosts: readonly string[]
  allowedOrigins: readonly string[]
}

/** The authority of an absolute-form target, kept for the guard once the URL is cut to its path. */
const absoluteAuthority = new WeakMap<IncomingMessage, string>()
const ABSOLUTE_FORM = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i

/** Fastify's rewriteUrl: an absolute-form target becomes its path (origin form); everything else is kept. */
export function toOriginForm(req: IncomingMessage): string {
  const url = req.url ?? '/'
  const m = ABSOLUTE_FORM.exec(url)
  if (!m) return url
  absoluteAuthority.set(req, m[1]!.toLowerCase() === 'http' ? m[2]! : '') // only http is served here
  const rest = url.slice(m[0].length)
  return rest.startsWith('/') ? rest : `/${rest}`
}

export type RequestCheck = (raw: IncomingMessage, method: string) => StudioError | null

export function createRequestCheck(options: GuardOptions): RequestCheck {
  const isAllowedHost = createHostPolicy({ bindHost: options.bindHost, allowedHosts: options.allowedHosts })
  const origins = createOriginPolicy(options.allowedOrigins)
  return (raw, method) => {
    let hosts = 0
    for (let i = 0; i < raw.rawHeaders.length; i += 2) if (raw.rawHeaders[i]!.toLowerCase() === 'host') hosts++
    if (hosts > 1) return hostHeaderInvalid() // RFC 9112 §3.2: exactly one
    const authority = absoluteAuthority.get(raw)
    const host = authority ?? raw.headers.host
    if (host === undefined && raw.httpVersion === '1.1') return hostRequired()
    if (!isAllowedHost(host)) return hostNotAllowed(host ?? '')
    const origin = raw.headers.origin
    if (origin !== undefined && STATE_CHANGING_METHODS.has(method) && !origins.mayChangeState(origin, host)) return originNotAllowed(origin)
    return null
  }
}

export function installGuard(app: FastifyInstance, check: RequestCheck): void {
  app.addHook('onRequest', (request, _reply, done) => done(check(request.raw, request.method) ?? undefined))
}

/**
 * Fastify's frameworkErrors: a URL the router cannot decode. The guard's verdict comes first; only a
 * request it lets through is told its URL is bad.
 */
export function createFrameworkErrorHandler(check: RequestCheck) {
  return (err: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void => {
    const refused = check(request.raw, request.raw.method ?? 'GET')
    const answer = refused ?? (err.code === 'FST_ERR_BAD_URL' ? badUrl() : null)
    if (answer === null) {
      void reply.send(err)
      return
    }
    void reply.code(answer.statusCode).type('application/json').send({ error: answer.message, code: answer.code })
  }
}
