// POST /api/session/:id/message and /prompt_async: OpenCode's prompt routes, plus `serverPath` file parts
// (expanded through the attachment cache into data URLs). Either way OpenCode's answer comes back
// unchanged: /message waits for the turn to end (200 {info, parts}, however long it takes), /prompt_async
// answers 204 at once. The body streams through: bytes Studio does not change are never parsed, and a
// bad serverPath part stops the prompt before OpenCode sees it (attachments/expand.ts).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Attachments } from '../../attachments/index.js'
import type { UpstreamClient } from '../../upstream/index.js'
import { limitBody } from '../body-limit.js'
import { namedDirectory, pickDefault, type DefaultDirectory } from '../directory.js'
import { bodyTooLarge } from '../errors.js'
import { forwardRequestHeaders } from '../proxy-headers.js'
import { relayUpstream } from '../upstream-reply.js'

export interface PromptRoutesOptions {
  attachments: Attachments
  upstream: UpstreamClient
  /** OpenCode's own directory: where serverPath parts resolve when a request names no directory. */
  defaultDirectory: DefaultDirectory
  maxBodyBytes: number
}

/**
 * Read ahead this much before OpenCode gets the first byte: every part of an ordinary prompt is then
 * checked first, and a longer body (inline data) still streams in constant memory.
 */
const PEEK_BYTES = 1024 * 1024

type Kind = 'message' | 'prompt_async'

export async function promptRoutes(app: FastifyInstance, options: PromptRoutesOptions): Promise<void> {
  // Leave the body unread: it streams through preparePrompt.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null))

  for (const kind of ['message', 'prompt_async'] as const) {
    app.post<{ Params: { id: string } }>(`/api/session/:id/${kind}`, (request, reply) => sendPrompt(request, reply, kind, options))
  }
}

async function sendPrompt(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, kind: Kind, options: PromptRoutesOptions): Promise<void> {
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > options.maxBodyBytes) throw bodyTooLarge(options.maxBodyBytes)
  const own = await options.defaultDirectory()
  // Asked only when a serverPath part needs it: a prompt without one goes to OpenCode as OpenCode would take it.
  const workspace = () => namedDirectory(request) ?? pickDefault(own)

  const limited = limitBody(request.raw, options.maxBodyBytes)
  let prepared
  try {
    prepared = await options.attachments.prepare(limited.stream, workspace, PEEK_BYTES)
  } catch (err) {
    if (limited.exceeded()) throw bodyTooLarge(options.maxBodyBytes)
    throw err
  }
  let bodyError: unknown = null
  prepared.body.once('error', (err) => (bodyError ??= err))

  const headers = forwardRequestHeaders(request.headers, request.id)
  delete headers['content-length']
  if (prepared.contentLength !== null) headers['content-length'] = String(prepared.contentLength)
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
  try {
    await relayUpstream(request, reply, options.upstream, {
      method: 'POST',
      path: `/session/${encodeURIComponent(request.params.id)}/${kind}${query}`,
      headers,
      body: prepared.body,
    })
  } catch (err) {
    // A part found bad after the body began to flow: OpenCode got a cut-off body and stored nothing.
    if (limited.exceeded()) throw bodyTooLarge(options.maxBodyBytes)
    throw bodyError ?? err
  } finally {
    prepared.release()
    if (!prepared.body.destroyed) prepared.body.destroy()
  }
}
