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

function filter(headers: HeaderBag, drop: ReadonlySet<string>): Record<string, string | string[]> {
  const named = connectionTokens(headers)
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase()
    if (value === undefined || HOP_BY_HOP.has(key) || named.has(key) || drop.has(key)) continue
    out[key] = value
  }
  return out
}

/** `host` is the upstream's; undici refuses `expect`. */
const REQUEST_DROP = new Set(['host', 'expect'])
const RESPONSE_DROP = new Set<string>()

export function forwardRequestHeaders(headers: HeaderBag, requestId: string): Record<string, string | string[]> {
  return { ...filter(headers, REQUEST_DROP), 'x-request-id': requestId }
}

export function forwardResponseHeaders(headers: HeaderBag): Record<string, string | string[]> {
  return filter(headers, RESPONSE_DROP)
}
