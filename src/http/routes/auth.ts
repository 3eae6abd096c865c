// The login routes the UI uses (public, except /auth/token):
//   GET  /auth/session → {required, authenticated}
//   POST /auth/login {password} → 204 + session cookie | 401 login_failed | 429 login_locked (Retry-After)
//   POST /auth/logout → 204 (ends the session and the tokens it minted; clears the cookie)
//   POST /auth/token → {token, expiresAt}: a bearer token, for a logged-in session only

import type { FastifyInstance } from 'fastify'
import { isRecord } from '../../lib/is-record.js'
import { badRequest, invalidBody } from '../errors.js'
import { authRequired, loginFailed, type Auth } from '../security/auth.js'

export async function authRoutes(app: FastifyInstance, options: { auth: Auth }): Promise<void> {
  const { auth } = options

  app.get('/auth/session', async (request) => ({
    required: auth.required,
    authenticated: auth.required ? await auth.isAuthenticated(request) : true,
  }))

  app.post('/auth/login', async (request, reply) => {
    if (!auth.required) return reply.code(204).send()
    auth.assertNotLocked(request, reply)
    const body = request.body
    if (!isRecord(body) || typeof body.password !== 'string') throw invalidBody('expected {"password": "<string>"}')
    if (!(await auth.checkPassword(body.password))) {
      await auth.recordFailure(request, reply)
      throw loginFailed()
    }
    await auth.lockout.succeed(request.ip)
    const session = auth.sessions.create()
    auth.setSessionCookie(request, reply, session.id)
    request.log.info({ address: request.ip }, 'login')
    return reply.code(204).send()
  })

  app.post('/auth/logout', async (request, reply) => {
    const session = auth.sessionOf(request)
    if (session !== null) auth.sessions.end(session)
    auth.clearSessionCookie(request, reply)
    return reply.code(204).send()
  })

  app.post('/auth/token', async (request) => {
    if (!auth.required) throw badRequest('No password is set: requests need no token')
    const session = auth.sessionOf(request)
    if (session === null) throw authRequired()
    return auth.sessions.mint(session)
  })
}
