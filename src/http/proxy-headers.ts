// Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and must
// not be forwarded, nor any header the Connection header names.

import type { IncomingHttpHeaders } from 'node:http'

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

type HeaderBag = IncomingHttpHeaders | Record<string, string | string[] | undefined>

function connectionTokens(headers: HeaderBag): Set<string> {
  const value = headers.connection
  const text = Array.isArray(value) ? value.join(',') : (value ?? '')
  return new Set(text.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))
}

/** The end-to-end headers, lower-cased, minus those `drop` names. */
function endToEnd(headers: HeaderBag, drop: (name: string) => boolean): Record<string, string | string[]> {
  const named = connectionTokens(headers)
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase()
    if (value === undefined || HOP_BY_HOP.has(key) || named.has(key) || drop(key)) continue
    out[key] = value
  }
  return out
}

/** `host` is the upstream's own; undici refuses `expect`. */
const dropFromRequest = (name: string) => name === 'host' || name === 'expect'
/** OpenCode's CORS answers are dropped: Studio decides who may read its responses (security/cors.ts). */
const dropFromResponse = (name: string) => name.startsWith('access-control-')

export function forwardRequestHeaders(headers: HeaderBag, requestId: string): Record<string, string | string[]> {
  return { ...endToEnd(headers, dropFromRequest), 'x-request-id': requestId }
}

export function forwardResponseHeaders(headers: HeaderBag): Record<string, string | string[]> {
  return endToEnd(headers, dropFromResponse)
}
