// The rows of issue 13: hostile and broken requests that each once got a wrong answer (5xx, a hang, a
// foreign page served) and the answer Studio gives now.

import { setTimeout as sleep } from 'node:timers/promises'
import { req, type HostileCase, type HostileContext } from './request.js'

const upload = (c: HostileContext, path: string) =>
  req(c, 'POST', `/api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=${path}&overwrite=true`, { body: 'x' })

const prompt = (c: HostileContext, directory: string, serverPath: string) =>
  req(c, 'POST', `/api/session/${c.session}/message?directory=${encodeURIComponent(directory)}`, {
    headers: ['Content-Type: application/json'],
    body: JSON.stringify({ noReply: true, parts: [{ type: 'file', mime: 'text/plain', serverPath }] }),
  })

export const ISSUE_13_CASES: HostileCase[] = [
  // 3. upload paths that are the client's fault
  { group: 'upload paths', name: 'upload path with a NUL byte', request: (c) => upload(c, 'hp/a%00b.txt'), status: 400, code: 'upload_path_invalid' },
  { group: 'upload paths', name: 'upload name over 255 bytes', request: (c) => upload(c, `hp/${'n'.repeat(256)}.txt`), status: 400, code: 'upload_name_too_long' },
  { group: 'upload paths', name: 'upload under 2,100 nested folders', request: (c) => upload(c, `${'d/'.repeat(2100)}f.txt`), status: 400, code: 'upload_path_too_long' },
  { group: 'upload paths', name: 'upload under a parent that is a file', request: (c) => upload(c, 'hp/inside.txt/child.txt'), status: 400, code: 'upload_parent_not_a_directory' },
  { group: 'upload paths', name: 'upload to the workspace folder itself', request: (c) => upload(c, '.'), status: 400, code: 'upload_target_is_directory' },
  { group: 'upload paths', name: 'upload with a legal 255-byte name', request: (c) => upload(c, `hp/${'l'.repeat(251)}.txt`), status: 200 },
  // 8. special files
  { group: 'special files', name: 'serverPath of /proc/self/environ', request: (c) => prompt(c, '/proc/self', 'environ'), status: 400, code: 'attachment_not_a_file' },
  { group: 'special files', name: 'serverPath of a device', request: (c) => prompt(c, '/dev', 'null'), status: 400, code: 'attachment_not_a_file' },
  { group: 'special files', name: 'serverPath with a NUL byte', request: (c) => prompt(c, c.ws, 'hp/a\u0000b.txt'), status: 400, code: 'attachment_path_invalid' },

  // 6. Host and Origin guard gaps
  { group: 'Host and Origin', name: 'malformed URL with a foreign Host', request: (c) => req(c, 'GET', '/api/session/%ff/message', { host: 'evil.example' }), status: 403, code: 'host_not_allowed' },
  { group: 'Host and Origin', name: 'malformed URL with Studio’s Host', request: (c) => req(c, 'GET', '/api/session/%ff/message'), status: 400, code: 'bad_url' },
  { group: 'Host and Origin', name: 'two Host headers', request: (c) => req(c, 'GET', '/health', { headers: ['Host: evil.example'] }), status: 400, code: 'host_header_invalid' },
  { group: 'Host and Origin', name: 'absolute-form target naming a foreign host', request: (c) => req(c, 'GET', 'http://evil.example/health'), status: 403, code: 'host_not_allowed' },
  { group: 'Host and Origin', name: 'absolute-form target on a proxied path', request: (c) => req(c, 'GET', 'http://evil.example/api/config'), status: 403, code: 'host_not_allowed' },
  { group: 'Host and Origin', name: 'absolute-form target naming Studio, proxied', request: (c) => req(c, 'GET', `http://127.0.0.1:${c.port}/api/config`, { host: 'evil.example' }), status: 200 },
  {
    group: 'Host and Origin',
    name: 'state change from the https origin of Studio’s host and port',
    request: (c) => req(c, 'POST', '/api/session', { headers: [`Origin: https://127.0.0.1:${c.port}`, 'Content-Type: application/json'], body: '{}' }),
    status: 403,
    code: 'origin_not_allowed',
  },
  // 7. Node's and Fastify's own refusals, in the catalogue's shape
  { group: 'oversize and malformed HTTP', name: '20 KB of headers', request: (c) => req(c, 'GET', '/health', { headers: [`X-Big: ${'a'.repeat(20_000)}`] }), status: 431, code: 'headers_too_large' },
  { group: 'oversize and malformed HTTP', name: '100 KB URL', request: (c) => req(c, 'GET', `/health?x=${'a'.repeat(100_000)}`), status: 431, code: 'headers_too_large' },
  { group: 'oversize and malformed HTTP', name: 'ids= with 10,000 ids', request: (c) => req(c, 'GET', `/api/session?ids=${Array.from({ length: 10_000 }, (_, i) => `ses_${i}`).join(',')}`), status: 431, code: 'headers_too_large' },
  { group: 'oversize and malformed HTTP', name: '20,000-digit Last-Event-ID', request: (c) => req(c, 'GET', '/api/global/event', { headers: [`Last-Event-ID: ${'9'.repeat(20_000)}`] }), status: 431, code: 'headers_too_large' },
  {
    group: 'oversize and malformed HTTP',
    name: 'Content-Length plus Transfer-Encoding',
    request: (c) => req(c, 'POST', '/api/session', { headers: ['Transfer-Encoding: chunked', 'Content-Type: application/json'], body: '0\r\n\r\n' }),
    status: 400,
    code: 'invalid_http',
  },
  { group: 'oversize and malformed HTTP', name: 'HTTP/1.1 without Host', request: (c) => req(c, 'GET', '/health', { host: null }), status: 400, code: 'host_required' },
  // 10. requests that never finish arriving
  {
    group: 'stalls',
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
    slow: true,
  },
  {
    group: 'stalls',
    name: 'chunked upload that stops sending',
    request: (c) =>
      (async function* () {
        yield `POST /api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=hp/stalled.txt HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`
        await sleep(60_000)
      })(),
    status: 408,
    code: 'request_timeout',
    slow: true,
  },
  {
    group: 'stalls',
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
    slow: true,
  },
  {
    group: 'stalls',
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
    slow: true,
  },
  {
    group: 'stalls',
    name: 'proxied request whose body stops sending',
    request: (c) =>
      (async function* () {
        yield `POST /api/session?directory=${encodeURIComponent(c.ws)} HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n`
        await sleep(60_000)
      })(),
    status: 408,
    code: 'request_timeout',
    slow: true,
  },
  // 11. smaller
  { group: 'odd keys', name: 'status of session __proto__', request: (c) => req(c, 'GET', `/api/session/status?sessionId=__proto__&directory=${encodeURIComponent(c.ws)}`), status: 200, body: {} },
]
