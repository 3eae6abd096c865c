// The UI's login sessions (cookie, 12 h sliding) and the bearer tokens a session mints (valid 12 h, or
// until that session logs out). Held in memory:
// a restart signs everyone out, and nothing secret is ever written to disk.

import { randomBytes } from 'node:crypto'

export const SESSION_IDLE_MS = 12 * 3_600_000
export const TOKEN_TTL_MS = 12 * 3_600_000
/** Live sessions (and tokens) kept at most; the oldest go first. */
const MAX_ENTRIES = 10_000

interface Session {
  expiresAt: number
}

interface Token {
  expiresAt: number
  sessionId: string
}

export interface AuthSessions {
  create(): { id: string; expiresAt: number }
  /** True when the session is live; extends it by the idle time. */
  touch(id: string): boolean
  end(id: string): void
  mint(sessionId: string): { token: string; expiresAt: number }
  validToken(token: string): boolean
}

export function createAuthSessions(now: () => number): AuthSessions {
  const sessions = new Map<string, Session>()
  const tokens = new Map<string, Token>()
  const newId = () => randomBytes(32).toString('base64url')

  const prune = <T extends { expiresAt: number }>(map: Map<string, T>, at: number) => {
    for (const [k, v] of map) if (v.expiresAt <= at) map.delete(k)
    for (const k of map.keys()) {
      if (map.size < MAX_ENTRIES) break
      map.delete(k)
    }
  }

  return {
    create() {
      const at = now()
      prune(sessions, at)
      const id = newId()
      const expiresAt = at + SESSION_IDLE_MS
      sessions.set(id, { expiresAt })
      return { id, expiresAt }
    },
    touch(id) {
      const s = sessions.get(id)
      const at = now()
      if (!s) return false
      if (s.expiresAt <= at) {
        sessions.delete(id)
        return false
      }
      s.expiresAt = at + SESSION_IDLE_MS
      return true
    },
    end(id) {
      sessions.delete(id)
      for (const [k, t] of tokens) if (t.sessionId === id) tokens.delete(k)
    },
    mint(sessionId) {
      const at = now()
      prune(tokens, at)
      const token = newId()
      const expiresAt = at + TOKEN_TTL_MS
      tokens.set(token, { expiresAt, sessionId })
      return { token, expiresAt }
    },
    validToken(token) {
      const t = tokens.get(token)
      if (!t) return false
      if (t.expiresAt <= now()) {
        tokens.delete(token)
        return false
      }
      return true
    },
  }
}
