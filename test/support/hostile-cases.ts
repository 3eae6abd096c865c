// Hostile and broken requests with the answer Studio must give: a table, so the fault suite can reuse it.
// Every row is sent as raw bytes (test/support/raw-http.ts); `expect` is the status and, for Studio's
// own answers, the `code` of its `{error, code}` body.

import { setTimeout as sleep } from 'node:timers/promises'
import type { RawRequest } from './raw-http.js'

export interface HostileContext {
  port: number
  /** A workspace with hp/inside.txt in it. */
  ws: string
  /** A session that exists in OpenCode. */
  session: string
}

export interface HostileCase {
  name: string
  /** The item of issue 13 it reproduces. */
  item: number
  request(c: HostileContext): RawRequest
  status: number
  code?: string
  /** The JSON body expected, when the status alone says too little. */
  body?: unknown
}

/**
 * Timeouts the Studio under test must be started with for the timeout rows to answer quickly
 * (`--headers-timeout-ms`, `--body-idle-timeout-ms`, `--request-timeout-ms`).
 */
export const HOSTILE_TIMEOUT_ARGS = ['--headers-timeout-ms', '1500', '--body-idle-timeout-ms', '1500', '--request-timeout-ms', '4000']

/** A request with Host (Studio's own), Connection: close and, for a body, Content-Length. */
export function req(c: HostileContext, method: string, target: string, options: { headers?: string[]; body?: string; host?: string | null } = {}): string {
  const lines = [`${method} ${target} HTTP/1.1`]
  const host = options.host === undefined ? `127.0.0.1:${c.port}` : options.host
  if (host !== null) lines.push(`Host: ${host}`)
  lines.push('Connection: close', ...(options.headers ?? []))
  if (options.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(options.body)}`)
  return `${lines.join('\r\n')}\r\n\r\n${options.body ?? ''}`
}

const upload = (c: HostileContext, path: string) =>
  req(c, 'POST', `/api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=${path}&overwrite=true`, { body: 'x' })

const prompt = (c: HostileContext, directory: string, serverPath: string) =>
  req(c, 'POST', `/api/session/${c.session}/message?directory=${encodeURIComponent(directory)}`, {
    headers: ['Content-Type: application/json'],
    body: JSON.stringify({ noReply: true, parts: [{ type: 'file', mime: 'text/plain', serverPath }] }),
  })

export const HOSTILE_CASES: HostileCase[] = [
  // 3. upload paths that are the client's fault
  { item: 3, name: 'upload path with a NUL byte', request: (c) => upload(c, 'hp/a%00b.txt'), status: 400, code: 'upload_path_invalid' },
  { item: 3, name: 'upload name over 255 bytes', request: (c) => upload(c, `hp/${'n'.repeat(256)}.txt`), status: 400, code: 'upload_name_too_long' },
  { item: 3, name: 'upload under 2,100 nested folders', request: (c) => upload(c, `${'d/'.repeat(2100)}f.txt`), status: 400, code: 'upload_path_too_long' },
  { item: 3, name: 'upload under a parent that is a file', request: (c) => upload(c, 'hp/inside.txt/child.txt'), status: 400, code: 'upload_parent_not_a_directory' },
  { item: 3, name: 'upload to the workspace folder itself', request: (c) => upload(c, '.'), status: 400, code: 'upload_target_is_directory' },
  { item: 3, name: 'upload with a legal 255-byte name', request: (c) => upload(c, `hp/${'l'.repeat(251)}.txt`), status: 200 },
  // 8. special files
  { item: 8, name: 'serverPath of /proc/self/environ', request: (c) => prompt(c, '/proc/self', 'environ'), status: 400, code: 'attachment_not_a_file' },
  { item: 8, name: 'serverPath of a device', request: (c) => prompt(c, '/dev', 'null'), status: 400, code: 'attachment_not_a_file' },
  { item: 8, name: 'serverPath with a NUL byte', request: (c) => prompt(c, c.ws, 'hp/a\u0000b.txt'), status: 400, code: 'attachment_path_invalid' },

  // 6. Host and Origin guard gaps
  { item: 6, name: 'malformed URL with a foreign Host', request: (c) => req(c, 'GET', '/api/session/%ff/message', { host: 'evil.example' }), status: 403, code: 'host_not_allowed' },
  { item: 6, name: 'malformed URL with Studio’s Host', request: (c) => req(c, 'GET', '/api/session/%ff/message'), status: 400, code: 'bad_url' },
  { item: 6, name: 'two Host headers', request: (c) => req(c, 'GET', '/health', { headers: ['Host: evil.example'] }), status: 400, code: 'host_header_invalid' },
  { item: 6, name: 'absolute-form target naming a foreign host', request: (c) => req(c, 'GET', 'http://evil.example/health'), status: 403, code: 'host_not_allowed' },
  { item: 6, name: 'absolute-form target on a proxied path', request: (c) => req(c, 'GET', 'http://evil.example/api/config'), status: 403, code: 'host_not_allowed' },
  { item: 6, name: 'absolute-form target naming Studio, proxied', request: (c) => req(c, 'GET', `http://127.0.0.1:${c.port}/api/config`, { host: 'evil.example' }), status: 200 },
  {
    item: 6,
    name: 'state change from the https origin of Studio’s host and port',
    request: (c) => req(c, 'POST', '/api/session', { headers: [`Origin: https://127.0.0.1:${c.port}`, 'Content-Type: application/json'], body: '{}' }),
    status: 403,
    code: 'origin_not_allowed',
  },
  // 7. Node's and Fastify's own refusals, in the catalogue's shape
  { item: 7, name: '20 KB of headers', request: (c) => req(c, 'GET', '/health', { headers: [`X-Big: ${'a'.repeat(20_000)}`] }), status: 431, code: 'headers_too_large' },
  { item: 7, name: '100 KB URL', request: (c) => req(c, 'GET', `/health?x=${'a'.repeat(100_000)}`), status: 431, code: 'headers_too_large' },
  { item: 7, name: 'ids= with 10,000 ids', request: (c) => req(c, 'GET', `/api/session?ids=${Array.from({ length: 10_000 }, (_, i) => `ses_${i}`).join(',')}`), status: 431, code: 'headers_too_large' },
  { item: 7, name: '20,000-digit Last-Event-ID', request: (c) => req(c, 'GET', '/api/global/event', { headers: [`Last-Event-ID: ${'9'.repeat(20_000)}`] }), status: 431, code: 'headers_too_large' },
  {
    item: 7,
    name: 'Content-Length plus Transfer-Encoding',
    request: (c) => req(c, 'POST', '/api/session', { headers: ['Transfer-Encoding: chunked', 'Content-Type: application/json'], body: '0\r\n\r\n' }),
    status: 400,
    code: 'invalid_http',
  },
  { item: 7, name: 'HTTP/1.1 without Host', request: (c) => req(c, 'GET', '/health', { host: null }), status: 400, code: 'host_required' },
  // 10. requests that never finish arriving
  {
    item: 10,
    name: 'drip-fed headers',
    request: (c) =>
      (async function* () {
        yield `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\n`
        for (let i = 0; i < 100; i++) {
          await sleep(500)
          yield `X-Drip-${i}: 1\r\n`
        }
      })(),
    status: 408,
    code: 'request_timeout',
  },
  {
    item: 10,
    name: 'chunked upload that stops sending',
    request: (c) =>
      (async function* () {
        yield `POST /api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=hp/stalled.txt HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`
        await sleep(60_000)
      })(),
    status: 408,
    code: 'request_timeout',
  },
  {
    item: 10,
    name: 'endless chunked upload',
    request: (c) =>
      (async function* () {
        yield `POST /api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=hp/endless.txt HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nTransfer-Encoding: chunked\r\n\r\n`
        for (let i = 0; i < 600; i++) {
          yield '1\r\nx\r\n'
          await sleep(200)
        }
      })(),
    status: 408,
    code: 'request_timeout',
  },
  {
    item: 10,
    name: 'endless chunked prompt',
    request: (c) =>
      (async function* () {
        yield `POST /api/session/${c.session}/message?directory=${encodeURIComponent(c.ws)} HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n`
        for (let i = 0; i < 600; i++) {
          yield '1\r\n \r\n'
          await sleep(200)
        }
      })(),
    status: 408,
    code: 'request_timeout',
  },
  {
    item: 10,
    name: 'proxied request whose body stops sending',
    request: (c) =>
      (async function* () {
        yield `POST /api/session?directory=${encodeURIComponent(c.ws)} HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n`
        await sleep(60_000)
      })(),
    status: 408,
    code: 'request_timeout',
  },
  // 11. smaller
  { item: 11, name: 'status of session __proto__', request: (c) => req(c, 'GET', `/api/session/status?sessionId=__proto__&directory=${encodeURIComponent(c.ws)}`), status: 200, body: {} },
]
