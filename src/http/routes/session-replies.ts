// What every local session read shares: OpenCode's 404 body, the 503 while storage cannot be read, the
// consistency report and the timing header.

import type { FastifyReply } from 'fastify'
import type { Consistency } from '../../storage/index.js'
import { defineError, withExtra, withOpenCodeBody } from '../../lib/errors.js'

const sessionNotFound = defineError('session_not_found', 404, (id: string) => `Session not found: ${id}`)
const messageNotFound = defineError('message_not_found', 404, (id: string) => `Message not found: ${id}`)
const storageUnavailable = defineError(
  'storage_unavailable',
  503,
  (reason: string) => `OpenCode's storage cannot be read right now: ${reason}`,
)

/** OpenCode's session ids; anything else under /api/session/ is one of OpenCode's own routes. */
export const SESSION_ID_RE = /^ses_[\w-]+$/
export const MESSAGE_ID_RE = /^msg_[\w-]+$/

/** OpenCode's 404 body, exactly ({name: "NotFoundError", data: {message}}); Studio's code is in a header. */
export function notFound(id: string) {
  const err = sessionNotFound(id)
  return withOpenCodeBody(err, { name: 'NotFoundError', data: { message: err.message } })
}

export function messageMissing(id: string) {
  const err = messageNotFound(id)
  return withOpenCodeBody(err, { name: 'NotFoundError', data: { message: err.message } })
}

export function unavailable(reason: string, consistency: Consistency | null = null) {
  return withExtra(storageUnavailable(reason), { retryAfterMs: consistency?.retryAfterMs ?? 1000, ...consistencyField(consistency) })
}

export function consistencyField(consistency: Consistency | null): { consistency?: Consistency } {
  return consistency ? { consistency } : {}
}

/**
 * Bodies that keep OpenCode's shape cannot carry the consistency report, so every local answer that
 * skipped or substituted something also says so in a header.
 */
export function degradedHeader(reply: FastifyReply, consistency: Consistency | null): void {
  if (consistency) reply.header('x-opencode-studio-consistency', JSON.stringify(consistency))
}

/** Server-Timing lets clients (and the benchmarks) see Studio's own time apart from the network. */
export function timing(reply: FastifyReply, started: number): void {
  reply.header('server-timing', `app;dur=${(performance.now() - started).toFixed(3)}`)
}
