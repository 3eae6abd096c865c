// Sends one request to OpenCode and streams its answer back unchanged (status, headers, body), as the
// proxy does: once OpenCode's headers arrive the reply is hijacked and the body written straight into the
// socket. No deadline: a prompt may take minutes. The client going away aborts the upstream request.

import { EventEmitter } from 'node:events'
import type { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import type { UpstreamClient } from '../upstream/index.js'
import { forwardResponseHeaders } from './proxy-headers.js'

/** A cheaper stand-in for AbortController that undici accepts as a signal (see CancelSignal). */
class Cancel extends EventEmitter {
  aborted = false
  abort(): void {
    if (this.aborted) return
    this.aborted = true
    this.emit('abort')
  }
}

export interface UpstreamCall {
  method: Dispatcher.HttpMethod
  path: string
  headers: Record<string, string | string[]>
  body: Readable | Buffer | null
}

/** Resolves once OpenCode's whole answer was relayed; rejects (nothing sent yet) if OpenCode could not be asked. */
export async function relayUpstream(request: FastifyRequest, reply: FastifyReply, upstream: UpstreamClient, call: UpstreamCall): Promise<void> {
  const cancel = new Cancel()
  const res = reply.raw
  const onClose = () => {
    if (!res.writableFinished) cancel.abort()
  }
  res.once('close', onClose)
  try {
    await upstream.stream({ ...call, signal: cancel }, ({ statusCode, headers }) => {
      reply.hijack()
      // Studio's own headers (request id, CORS for allowed origins) win over OpenCode's.
      res.writeHead(statusCode, { ...forwardResponseHeaders(headers), ...(reply.getHeaders() as Record<string, string>) })
      return res
    })
  } catch (err) {
    if (!reply.sent) {
      res.removeListener('close', onClose)
      throw err
    }
    // Headers are out: the only honest signal left is cutting the connection.
    request.log.warn({ err }, 'relayed response failed mid-body')
    res.destroy()
  }
}
