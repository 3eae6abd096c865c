// Sends bytes to a server exactly as given (no client library in between to fix a malformed request up)
// and reads the answer: for tests of what Studio says to hostile or broken HTTP.

import { connect } from 'node:net'

export interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
  /** The body parsed as JSON, or null. */
  json: any
}

export type RawRequest = string | Buffer | AsyncIterable<string | Buffer>

/**
 * Writes `request` to 127.0.0.1:`port` and resolves with the first answer. An async iterable is written
 * piece by piece as it yields (drip-fed headers, an endless body) until the answer arrives.
 */
export function rawHttp(port: number, request: RawRequest, options: { timeoutMs?: number; until?: RegExp } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('no answer'))
    }, options.timeoutMs ?? 10_000)
    socket.on('data', (b) => {
      chunks.push(b)
      // a stream that never ends (an event stream): settled once what arrived so far matches
      const parsed = parse(Buffer.concat(chunks)) ?? (options.until ? partial(Buffer.concat(chunks), options.until) : null)
      if (parsed) {
        clearTimeout(timer)
        socket.destroy()
        resolve(parsed)
      }
    })
    socket.on('error', (err) => {
      clearTimeout(timer)
      // an answer that came before the reset (Studio refused the request while it was still being sent)
      const parsed = parse(Buffer.concat(chunks), true)
      if (parsed) resolve(parsed)
      else reject(err)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      const parsed = parse(Buffer.concat(chunks), true)
      if (parsed) resolve(parsed)
      else reject(new Error(`connection closed without an answer: ${JSON.stringify(Buffer.concat(chunks).toString())}`))
    })
    if (typeof request === 'string' || Buffer.isBuffer(request)) socket.write(request)
    else
      void (async () => {
        for await (const piece of request) {
          if (socket.destroyed) return
          socket.write(piece)
        }
      })().catch(() => {})
  })
}

/** One complete response (Content-Length or connection close), or null while it is incomplete. */
function parse(buf: Buffer, closed = false): RawAnswer | null {
  const text = buf.toString('latin1')
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return null
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1])
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const i = line.indexOf(':')
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  let body = buf.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'))
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length'])
    if (body.length < n) return null
    body = body.subarray(0, n)
  } else if (headers['transfer-encoding'] === 'chunked') {
    const decoded = dechunk(body)
    if (decoded === null) return closed ? { status, headers, body: body.toString(), json: null } : null
    body = decoded
  } else if (!closed && status !== 204 && status !== 304) return null
  const s = body.toString()
  let json: unknown = null
  try {
    json = JSON.parse(s)
  } catch {}
  return { status, headers, body: s, json }
}

/** The answer so far, when its headers are in and the body so far matches `until`. */
function partial(buf: Buffer, until: RegExp): RawAnswer | null {
  const answer = parse(buf, true)
  return answer && until.test(answer.body) ? answer : null
}

function dechunk(buf: Buffer): Buffer | null {
  const out: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at)
    if (lineEnd < 0) return null
    const size = parseInt(buf.subarray(at, lineEnd).toString(), 16)
    if (Number.isNaN(size)) return null
    if (size === 0) return Buffer.concat(out)
    if (buf.length < lineEnd + 2 + size + 2) return null
    out.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}
