// The few calls most integration tests make of a Studio for one directory: JSON calls, a new session, a
// prompt sent with prompt_async (OpenCode's 204), and a matcher for the stream's events of one session.
// Both the Studio and the directory are read at each call (a test may restart Studio on a new port).

import { expect } from 'vitest'
import { request } from 'undici'
import { callJson, type CallInit, type CallResult } from './http.js'
import type { ReceivedEvent } from './sse.js'

export interface StudioApi {
  /** `directory=<the directory>`, for a query string. */
  q(): string
  call(path: string, init?: CallInit): Promise<CallResult>
  newSession(title: string, parentID?: string): Promise<string>
  promptAsync(sessionId: string, text: string): Promise<void>
}

export function studioApi(url: () => string, directory: () => string): StudioApi {
  const q = () => `directory=${encodeURIComponent(directory())}`
  const call = (path: string, init?: CallInit) => callJson(`${url()}${path}`, init)
  return {
    q,
    call,
    async newSession(title, parentID) {
      const res = await call(`/api/session?${q()}`, { method: 'POST', body: { title, ...(parentID ? { parentID } : {}) } })
      expect(res.status).toBe(200)
      return res.body.id
    },
    async promptAsync(sessionId, text) {
      const res = await request(`${url()}/api/session/${sessionId}/prompt_async?${q()}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts: [{ type: 'text', text }] }),
      })
      await res.body.dump()
      expect(res.statusCode).toBe(204)
    },
  }
}

/** Matches the global stream's events of one type for one session. */
export const eventOf = (type: string, sessionId: string) => (e: ReceivedEvent) =>
  e.json?.payload?.type === type && e.json.payload.properties?.sessionID === sessionId
