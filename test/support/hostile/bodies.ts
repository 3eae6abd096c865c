// Bodies and headers: oversize (declared, streamed, in headers), malformed and deeply nested JSON,
// broken HTTP framing, event-stream cursors that are no sequence number, and requests that stall.
// Limits assumed: the Studio under test runs with HOSTILE_STUDIO_ARGS (1 MiB bodies and files).

import { setTimeout as sleep } from 'node:timers/promises'
import { pwned, req, type HostileCase, type HostileContext } from './request.js'

const MIB = 1024 * 1024

const json = (c: HostileContext, target: string, body: string | Buffer) => req(c, 'POST', target, { headers: ['Content-Type: application/json'], body })
const prompt = (c: HostileContext) => `/api/session/${c.session}/message?directory=${encodeURIComponent(c.ws)}`

/** A chunked body of `bytes`, sent in 64 KiB chunks. */
function chunked(c: HostileContext, target: string, bytes: number, type = 'application/octet-stream') {
  return (async function* () {
    yield `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Type: ${type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`
    const piece = Buffer.alloc(64 * 1024, 0x20)
    for (let sent = 0; sent < bytes; sent += piece.length) yield Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
    yield '0\r\n\r\n'
  })()
}

const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`

const OVERSIZE: HostileCase[] = [
  { group: 'oversize', name: 'declared 1 TB body to OpenCode', request: (c) => req(c, 'POST', '/api/session', { headers: ['Content-Length: 1000000000000'] }), status: 413, code: 'body_too_large' },
  { group: 'oversize', name: 'declared 1 TB upload', request: (c) => req(c, 'POST', `/api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=${pwned()}`, { headers: ['Content-Length: 1000000000000'] }), status: 413, code: 'upload_too_large' },
  { group: 'oversize', name: 'declared 1 TB prompt', request: (c) => req(c, 'POST', prompt(c), { headers: ['Content-Length: 1000000000000'] }), status: 413, code: 'body_too_large' },
  { group: 'oversize', name: 'declared 1 TB login', request: (c) => req(c, 'POST', '/auth/login', { headers: ['Content-Type: application/json', 'Content-Length: 1000000000000'] }), status: 413, code: 'body_too_large' },
  { group: 'oversize', name: '1.5 MiB chunked body to OpenCode', request: (c) => chunked(c, '/api/session', 1.5 * MIB, 'application/json'), status: 413, code: 'body_too_large' },
  { group: 'oversize', name: '1.5 MiB chunked upload', request: (c) => chunked(c, `/api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=${pwned()}`, 1.5 * MIB), status: 413, code: 'upload_too_large' },
  { group: 'oversize', name: '1.5 MiB chunked prompt', request: (c) => chunked(c, prompt(c), 1.5 * MIB, 'application/json'), status: 413, code: 'body_too_large' },
  { group: 'oversize', name: '1.5 MiB chunked login (Studio’s own 1 MiB)', request: (c) => chunked(c, '/auth/login', 1.5 * MIB, 'application/json'), status: 413, code: 'body_too_large' },
  { group: 'oversize', name: '1,000 small headers (20 KB)', request: (c) => req(c, 'GET', '/health', { headers: Array.from({ length: 1000 }, (_, i) => `X-H${i}: ${'v'.repeat(12)}`) }), status: 431, code: 'headers_too_large' },
  { group: 'oversize', name: '17 KB cookie', request: (c) => req(c, 'GET', '/health', { headers: [`Cookie: a=${'c'.repeat(17_000)}`] }), status: 431, code: 'headers_too_large' },
  { group: 'oversize', name: '17 KB Origin', request: (c) => req(c, 'POST', '/auth/logout', { headers: [`Origin: http://${'o'.repeat(17_000)}.example`] }), status: 431, code: 'headers_too_large' },
  { group: 'oversize', name: '8 KB header (under the limit) is served', request: (c) => req(c, 'GET', '/health', { headers: [`X-Ok: ${'k'.repeat(8000)}`] }), status: 200 },
  { group: 'oversize', name: '17 KB x-opencode-directory', request: (c) => req(c, 'GET', '/api/session', { headers: [`x-opencode-directory: /${'d'.repeat(17_000)}`] }), status: 431, code: 'headers_too_large' },
]

const MALFORMED = ['{', '{"password":}', '[', '{"password":"x"', 'nul', '{"a":1,}', "{'password':'x'}", '{"password":"\\x41"}', '{"password":"x"}}', '01', '{"a":1 "b":2}']
/** Odd but well-formed to the parser (no password is set, so login answers 204). */
const ODD_BUT_WELL_FORMED = ['\uFEFF{"password":"x"}', '1e999999', '"\\ud800"', '{"password":"x","password":"y"}', '{"":{"":{"":null}}}']

const JSON_CASES: HostileCase[] = [
  ...MALFORMED.map((body): HostileCase => ({ group: 'malformed JSON', name: `login body ${JSON.stringify(body)}`, request: (c) => json(c, '/auth/login', body), status: 400, code: 'invalid_body' })),
  ...ODD_BUT_WELL_FORMED.map((body): HostileCase => ({ group: 'malformed JSON', name: `login body ${JSON.stringify(body)} (well-formed)`, request: (c) => json(c, '/auth/login', body), status: 204 })),
  // invalid UTF-8 is decoded with replacement characters, as JSON.parse of a string would see it
  { group: 'malformed JSON', name: 'login body of invalid UTF-8', request: (c) => json(c, '/auth/login', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), status: 204 },
  { group: 'malformed JSON', name: 'empty login body declared as JSON', request: (c) => json(c, '/auth/login', ''), status: 400, code: 'invalid_body' },
  { group: 'malformed JSON', name: 'login body with __proto__', request: (c) => json(c, '/auth/login', '{"__proto__":{"admin":true}}'), status: 400, code: 'invalid_body' },
  { group: 'malformed JSON', name: 'login body with constructor.prototype', request: (c) => json(c, '/auth/login', '{"constructor":{"prototype":{"admin":true}}}'), status: 400, code: 'invalid_body' },
  { group: 'malformed JSON', name: 'login body as XML', request: (c) => req(c, 'POST', '/auth/login', { headers: ['Content-Type: application/xml'], body: '<password/>' }), status: 415, code: 'unsupported_media_type' },
  // no password is set: a well-formed body of any shape is a 204, however deep
  { group: 'deep JSON', name: 'login body nested 100,000 arrays deep', request: (c) => json(c, '/auth/login', deepArray(100_000)), status: 204 },
  { group: 'deep JSON', name: 'login body nested 50,000 objects deep', request: (c) => json(c, '/auth/login', deepObject(50_000)), status: 204 },
  { group: 'deep JSON', name: 'login body of 100,000 unclosed arrays', request: (c) => json(c, '/auth/login', '['.repeat(100_000)), status: 400, code: 'invalid_body' },
  // a serverPath part is re-serialised by Studio: a deeply nested field in it is refused, not recursed into
  {
    group: 'deep JSON',
    name: 'prompt with a serverPath part holding 10,000 nested objects',
    request: (c) => json(c, prompt(c), `{"noReply":true,"parts":[{"type":"file","serverPath":"hp/inside.txt","meta":${deepObject(10_000)}}]}`),
    status: 400,
    code: 'invalid_prompt',
  },
  {
    group: 'deep JSON',
    name: 'prompt with a serverPath part holding 200,000 nested arrays',
    request: (c) => json(c, prompt(c), `{"noReply":true,"parts":[{"type":"file","serverPath":"hp/inside.txt","meta":${deepArray(200_000)}}]}`),
    status: 400,
    code: 'invalid_prompt',
  },
  // bodies Studio passes on untouched (no serverPath part at the top of a part): OpenCode's own answer,
  // in its shape; for a prompt it is a 500 UnknownError, OpenCode's own doing
  { group: 'malformed JSON', name: 'prompt body "{" (OpenCode answers)', request: (c) => json(c, prompt(c), '{'), status: 500, openCode: true },
  { group: 'deep JSON', name: 'prompt nested 100,000 arrays deep (OpenCode answers)', request: (c) => json(c, prompt(c), `{"parts":${deepArray(100_000)}}`), status: 500, openCode: true },
  {
    group: 'deep JSON',
    name: 'prompt with a serverPath key 10,000 objects down a part (not a serverPath part; OpenCode answers)',
    request: (c) => json(c, prompt(c), `{"noReply":true,"parts":[${'{"x":'.repeat(10_000)}{"type":"file","serverPath":"hp/inside.txt"}${'}'.repeat(10_000)}]}`),
    status: 500,
    openCode: true,
  },
  { group: 'malformed JSON', name: 'session create body "{" (OpenCode answers)', request: (c) => json(c, '/api/session', '{'), status: 400, openCode: true },
]

const FRAMING: HostileCase[] = [
  { group: 'oversize and malformed HTTP', name: 'Content-Length -1', request: (c) => `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Length: -1\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'Content-Length 1e3', request: (c) => `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Length: 1e3\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'Content-Length of 30 digits', request: (c) => `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Length: ${'9'.repeat(30)}\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'two different Content-Lengths', request: (c) => `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'a bad chunk size', request: (c) => `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'a space in the method', request: (c) => `GE T /health HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'HTTP/9.9', request: (c) => `GET /health HTTP/9.9\r\nHost: 127.0.0.1:${c.port}\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'a header name with a space', request: (c) => `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nBad Header: 1\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'a NUL in a header value', request: (c) => `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nX-Nul: a\u0000b\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'a folded header line', request: (c) => `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nX-Fold: a\r\n b\r\n\r\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'bare LF line ends', request: (c) => `GET /health HTTP/1.1\nHost: 127.0.0.1:${c.port}\n\n`, status: 400, code: 'invalid_http' },
  { group: 'oversize and malformed HTTP', name: 'a URL with a space', request: (c) => `GET /he alth HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\n\r\n`, status: 400, code: 'invalid_http' },
]

/** Last-Event-ID values that are no sequence number: a replay-gap saying so, never an error or a crash. */
const BAD_CURSORS = ['-1', '-99999999999999999999', '99999999999999999999', '9007199254740992', '1e308', 'NaN', 'Infinity', '0x10', '5,6', '1.5', '١٢']

const CURSOR_CASES: HostileCase[] = [
  ...BAD_CURSORS.map((id): HostileCase => ({
    group: 'Last-Event-ID',
    name: `Last-Event-ID ${JSON.stringify(id)}`,
    request: (c) => req(c, 'GET', '/api/global/event', { headers: [`Last-Event-ID: ${id}`] }),
    status: 200,
    until: /cursor-invalid/,
  })),
  { group: 'Last-Event-ID', name: 'lastEventId=-1 in the query', request: (c) => req(c, 'GET', '/api/global/event?lastEventId=-1'), status: 200, until: /cursor-invalid/ },
  { group: 'Last-Event-ID', name: 'the largest safe integer (a cursor from the future)', request: (c) => req(c, 'GET', '/api/global/event', { headers: ['Last-Event-ID: 9007199254740991'] }), status: 200, until: /cursor-ahead/ },
  { group: 'Last-Event-ID', name: '8 KB of digits', request: (c) => req(c, 'GET', '/api/global/event', { headers: [`Last-Event-ID: ${'7'.repeat(8000)}`] }), status: 200, until: /cursor-invalid/ },
]

const STALLS: HostileCase[] = [
  {
    group: 'stalls',
    name: 'upload that stops half way through its Content-Length',
    request: (c) =>
      (async function* () {
        yield `POST /api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=${pwned()} HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(500)}`
        await sleep(60_000)
      })(),
    status: 408,
    code: 'request_timeout',
    slow: true,
  },
  {
    group: 'stalls',
    name: 'prompt with a serverPath that stops half way',
    request: (c) =>
      (async function* () {
        yield `POST ${prompt(c)} HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"noReply":true,"parts":[{"type":"file","serverPath":"hp/ins`
        await sleep(60_000)
      })(),
    status: 408,
    code: 'request_timeout',
    slow: true,
  },
  {
    group: 'stalls',
    name: 'headers sent, not one byte of the body',
    request: (c) =>
      (async function* () {
        yield `POST /api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=${pwned()} HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Length: 10\r\n\r\n`
        await sleep(60_000)
      })(),
    status: 408,
    code: 'request_timeout',
    slow: true,
  },
  {
    group: 'stalls',
    name: 'request line only, then silence',
    request: (c) =>
      (async function* () {
        yield `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\n`
        await sleep(60_000)
      })(),
    status: 408,
    code: 'request_timeout',
    slow: true,
  },
]

export const BODY_CASES: HostileCase[] = [...OVERSIZE, ...JSON_CASES, ...FRAMING, ...CURSOR_CASES, ...STALLS]
