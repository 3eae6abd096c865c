// Studio's password: when one is set, every request except the public ones (/health as bare liveness, the
// login routes, the UI's static files) needs the UI's session cookie, a bearer token the UI minted, or
// HTTP Basic `opencode:<password>` (what OpenCode's own clients send). Wrong passwords count towards the
// per-address lockout, wherever they are tried.

import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineError, withExtra } from '../../lib/errors.js'
import type { Logger } from '../../lib/log.js'
import { safeEqual, verifyPasswordHash } from '../../lib/password.js'
import { createAuthSessions, SESSION_IDLE_MS, type AuthSessions } from './auth-sessions.js'
import { createLockout, type LockState, type Lockout } from './lockout.js'

export const authRequired = defineError('auth_required', 401, 'Authentication required: log in, or send a bearer token or HTTP Basic credentials')
export const loginFailed = defineError('login_failed', 401, 'Wrong password')
export const loginLocked = defineError('login_locked', 429, (retryAfterS: number) => `Too many failed logins from this address; try again in ${retryAfterS} s`)

export const SESSION_COOKIE = 'ocs_session'
export const BASIC_USER = 'opencode'
/** The sliding cookie is re-sent at most this often (its Max-Age restarts each time). */
const COOKIE_REFRESH_MS = 10 * 60_000

declare module 'fastify' {
  interface FastifyRequest {
    /** True when a password is set and this request carries no valid credentials (public routes only get here). */
    studioAnonymous: boolean
  }
}

export interface AuthOptions {
  password: string | null
  passwordHash: string | null
  /** The lockout file (in Studio's data dir). */
  lockoutFile: string
  log: Logger
  now?: () => number
}

export interface Auth {
  required: boolean
  sessions: AuthSessions
  lockout: Lockout
  now: () => number
  checkPassword(candidate: string): Promise<boolean>
  /** The live session named by the request's cookie, if any. */
  sessionOf(request: FastifyRequest): string | null
  /** Answers 401/429 (throws) or returns normally when the request may go on; counts wrong passwords. */
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** Whether the request carries valid credentials, without counting failures (for public routes). */
  isAuthenticated(request: FastifyRequest): Promise<boolean>
  setSessionCookie(request: FastifyRequest, reply: FastifyReply, id: string): void
  clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void
  /** Throws login_locked (with Retry-After) when the address is locked out. */
  assertNotLocked(request: FastifyRequest, reply: FastifyReply): void
  /** Records a wrong password (persisted); throws login_locked if that locked the address. */
  recordFailure(request: FastifyRequest, reply: FastifyReply): Promise<LockState>
}

export function createAuth(options: AuthOptions): Auth {
  const now = options.now ?? Date.now
  const sessions = createAuthSessions(now)
  const lockout = createLockout({ file: options.lockoutFile, now, log: options.log })
  const required = options.password !== null || options.passwordHash !== null
  // A hashed password costs a scrypt per check: remember the digest of the one that last matched, so an
  // OpenCode client sending Basic on every request pays it once.
  let verifiedDigest: Buffer | null = null
  const digest = (s: string) => createHash('sha256').update(s).digest()
  const refreshedAt = new Map<string, number>()

  async function checkPassword(candidate: string): Promise<boolean> {
    if (options.password !== null) return safeEqual(candidate, options.password)
    if (options.passwordHash === null) return false
    const d = digest(candidate)
    if (verifiedDigest && timingSafeEqual(d, verifiedDigest)) return true
    const ok = await verifyPasswordHash(candidate, options.passwordHash)
    if (ok) verifiedDigest = d
    return ok
  }

  function sessionOf(request: FastifyRequest): string | null {
    const id = readCookie(request.headers.cookie, SESSION_COOKIE)
    return id !== null && sessions.touch(id) ? id : null
  }

  const cookieAttributes = (request: FastifyRequest) => `Path=/; HttpOnly; SameSite=Strict${isHttps(request) ? '; Secure' : ''}`

  function setSessionCookie(request: FastifyRequest, reply: FastifyReply, id: string) {
    refreshedAt.set(id, now())
    reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Max-Age=${SESSION_IDLE_MS / 1000}; ${cookieAttributes(request)}`)
  }

  function assertNotLocked(request: FastifyRequest, reply: FastifyReply) {
    const lock = lockout.check(request.ip)
    if (lock.locked) throw locked(reply, lock.retryAfterMs)
  }

  async function recordFailure(request: FastifyRequest, reply: FastifyReply): Promise<LockState> {
    const lock = await lockout.fail(request.ip)
    if (lock.locked) throw locked(reply, lock.retryAfterMs)
    return lock
  }

  /** 'ok', 'none' (no credentials given) or 'bad-password' (Basic with a wrong password or user). */
  async function evaluate(request: FastifyRequest, reply: FastifyReply | null): Promise<'ok' | 'none' | 'bad-password' | 'bad-token'> {
    const session = sessionOf(request)
    if (session !== null) {
      // slide the cookie too, at most every few minutes
      if (reply && now() - (refreshedAt.get(session) ?? 0) > COOKIE_REFRESH_MS) setSessionCookie(request, reply, session)
      return 'ok'
    }
    const header = request.headers.authorization
    if (typeof header !== 'string') return 'none'
    const [scheme, value = ''] = header.trim().split(/\s+/, 2)
    if (/^bearer$/i.test(scheme ?? '')) return sessions.validToken(value) ? 'ok' : 'bad-token'
    if (/^basic$/i.test(scheme ?? '')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon < 0) return 'bad-password'
      const userOk = safeEqual(decoded.slice(0, colon), BASIC_USER)
      const passwordOk = await checkPassword(decoded.slice(colon + 1))
      return userOk && passwordOk ? 'ok' : 'bad-password'
    }
    return 'none'
  }

  return {
    required,
    sessions,
    lockout,
    now,
    checkPassword,
    sessionOf,
    setSessionCookie,
    assertNotLocked,
    recordFailure,
    clearSessionCookie(request, reply) {
      reply.header('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; ${cookieAttributes(request)}`)
    },
    async isAuthenticated(request) {
      return (await evaluate(request, null)) === 'ok'
    },
    async authenticate(request, reply) {
      const isBasic = /^\s*basic\s/i.test(request.headers.authorization ?? '')
      // a locked address gets no password checks at all, not even over Basic
      if (isBasic) assertNotLocked(request, reply)
      const outcome = await evaluate(request, reply)
      if (outcome === 'ok') return
      if (outcome === 'bad-password') {
        await recordFailure(request, reply)
        reply.header('www-authenticate', 'Basic realm="opencode-studio", charset="UTF-8"')
      }
      throw authRequired()
    },
  }
}

/** Installs the check (one onRequest hook: after the guard and CORS, before any route). */
export function installAuth(app: FastifyInstance, auth: Auth): void {
  app.decorateRequest('studioAnonymous', false)
  if (!auth.required) return
  app.addHook('onRequest', async (request, reply) => {
    const path = normalisedPath(request.url)
    if (isPublic(request.method, path, request.routeOptions.url)) {
      if (path === '/health') request.studioAnonymous = !(await auth.isAuthenticated(request))
      return
    }
    await auth.authenticate(request, reply)
  })
}

const PUBLIC_ROUTES = new Set(['GET /health', 'HEAD /health', 'GET /auth/session', 'POST /auth/login', 'POST /auth/logout'])

/**
 * Public: /health, the login and logout routes, and any other GET/HEAD outside /api, /metrics and /auth
 * (the UI's static files and its screens: they hold no data). Everything else needs credentials.
 */
export function isPublic(method: string, path: string, routeUrl: string | undefined): boolean {
  if (PUBLIC_ROUTES.has(`${method} ${path}`)) return true
  if (method !== 'GET' && method !== 'HEAD') return false
  const guarded = (p: string) => p === '/api' || p.startsWith('/api/') || p === '/metrics' || p.startsWith('/metrics/') || p.startsWith('/auth/')
  return !guarded(path) && !(routeUrl !== undefined && guarded(routeUrl.toLowerCase()))
}

/** The path as a router might read it: decoded, slashes collapsed, lower case (so `//API/%73ession` is `/api/session`). */
export function normalisedPath(url: string): string {
  const raw = url.split('?')[0] ?? '/'
  let decoded = raw
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    // malformed escapes: judge the raw text
  }
  return decoded.replace(/\/{2,}/g, '/').toLowerCase()
}

function locked(reply: FastifyReply, retryAfterMs: number) {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  reply.header('retry-after', String(seconds))
  return withExtra(loginLocked(seconds), { retryAfterMs })
}

function isHttps(request: FastifyRequest): boolean {
  if (request.protocol === 'https') return true
  const forwarded = request.headers['x-forwarded-proto']
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase()
  return first === 'https'
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null
  }
  return null
}
