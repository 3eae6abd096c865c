// The only place errors become HTTP replies: {error, code} (plus any fields the error carries), never a
// stack trace. Unknown errors are logged with the request id and answered as 500 internal_error.

import type { FastifyError } from 'fastify'
import { diskFullCode } from '../lib/disk-full.js'
import { defineError, OPENCODE_BODY, StudioError } from '../lib/errors.js'

export const routeNotFound = defineError('not_found', 404, (method: string, url: string) => `No route for ${method} ${url}`)
export const bodyTooLarge = defineError('body_too_large', 413, (limit: number) => `Request body is larger than ${limit} bytes`)
export const invalidBody = defineError('invalid_body', 400, (detail: string) => `Request body is not valid: ${detail}`)
export const unsupportedMediaType = defineError('unsupported_media_type', 415, (type: string) => `Unsupported content type: ${type}`)
export const badRequest = defineError('bad_request', 400, (detail: string) => detail)
export const internalError = defineError('internal_error', 500, 'Internal server error')
export const insufficientStorage = defineError(
  'insufficient_storage',
  507,
  (code: string) => `Not enough space to store this request (${code}); nothing of it was kept. Free some space and send it again.`,
)

export interface ErrorReply {
  statusCode: number
  body: Record<string, unknown>
  /** Studio's code, when the body is OpenCode's own (x-opencode-studio-error-code). */
  code?: string
  /** True when the error is Studio's fault and worth an error-level log line. */
  unexpected: boolean
}

export function toErrorReply(err: unknown): ErrorReply {
  const studio = toStudioError(err)
  if (studio) {
    // a route answering for OpenCode answers OpenCode's body, exactly (the /api principle)
    const own = studio.extra[OPENCODE_BODY] as Record<string, unknown> | undefined
    if (own) return { statusCode: studio.statusCode, body: own, code: studio.code, unexpected: false }
    return { statusCode: studio.statusCode, body: { error: studio.message, code: studio.code, ...studio.extra }, unexpected: false }
  }
  const e = internalError()
  return { statusCode: e.statusCode, body: { error: e.message, code: e.code }, unexpected: true }
}

/** Maps Fastify's own client errors (bad JSON, wrong content type, too large…) onto our codes. */
function toStudioError(err: unknown): StudioError | null {
  if (err instanceof StudioError) return err
  const full = diskFullCode(err)
  if (full) return insufficientStorage(full)
  const f = err as Partial<FastifyError> & { validation?: unknown }
  if (typeof f?.statusCode !== 'number' || f.statusCode < 400 || f.statusCode >= 500) return null
  switch (f.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new StudioError(bodyTooLarge.code, 413, 'Request body is too large')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new StudioError(unsupportedMediaType.code, 415, f.message ?? 'Unsupported content type')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidBody(f.message ?? 'unreadable')
  }
  if (f.validation) return badRequest(f.message ?? 'invalid request')
  if (f.statusCode === 400 && f.message && /JSON/i.test(f.message)) return invalidBody(f.message)
  return new StudioError(f.statusCode === 404 ? routeNotFound.code : badRequest.code, f.statusCode, f.message ?? 'Bad request')
}

export const headersTooLarge = defineError('headers_too_large', 431, 'The request line and headers are larger than Studio reads (16 KiB)')
export const requestTimeout = defineError('request_timeout', 408, 'The request was not received in time')
export const invalidHttp = defineError('invalid_http', 400, (detail: string) => `The request is not valid HTTP/1.1: ${detail}`)

/** What llhttp's parse errors mean, in words a client can act on. */
const PARSE_ERRORS: Record<string, string> = {
  HPE_UNEXPECTED_CONTENT_LENGTH: 'both Content-Length and Transfer-Encoding',
  HPE_INVALID_TRANSFER_ENCODING: 'invalid Transfer-Encoding',
  HPE_INVALID_CONTENT_LENGTH: 'invalid Content-Length',
  HPE_INVALID_HEADER_TOKEN: 'invalid character in a header',
  HPE_INVALID_METHOD: 'invalid method',
  HPE_INVALID_URL: 'invalid request target',
  HPE_INVALID_VERSION: 'invalid HTTP version',
  HPE_INVALID_CHUNK_SIZE: 'invalid chunk size',
  HPE_LF_EXPECTED: 'missing line feed',
}

/**
 * Node's clientError: a request Node refused before Fastify saw it (malformed, headers too large, too
 * slow). Answered here in the same {error, code} shape as everything else, then the connection closes.
 */
export function answerClientError(err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: import('node:stream').Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? headersTooLarge()
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? requestTimeout()
        : invalidHttp(PARSE_ERRORS[err.code ?? ''] ?? 'malformed request')
  if (socket.writable) {
    const body = JSON.stringify({ error: e.message, code: e.code })
    socket.write(
      `HTTP/1.1 ${e.statusCode} ${STATUS_TEXT[e.statusCode]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }
