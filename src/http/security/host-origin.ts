// Host and Origin policies, pure so they can be table-tested.
//
// Host: a web page on evil.example can make its name resolve to 127.0.0.1 (DNS rebinding) and then talk
// to Studio as "same origin". Its requests still carry `Host: evil.example`, so only loopback names,
// the address Studio is bound to, and names the user allowed are answered.
//
// Origin: browsers send Origin on cross-site POST/PUT/PATCH/DELETE, and CORS does not stop a "simple"
// cross-site POST from reaching the server, so a state-changing request from a foreign origin is refused.

import { isIP } from 'node:net'
import { defineError } from '../../lib/errors.js'

export const hostNotAllowed = defineError(
  'host_not_allowed',
  403,
  (host: string) => `Host "${host}" is not allowed; add it to OPENCODE_STUDIO_ALLOWED_HOSTS to use Studio under that name`,
)
export const originNotAllowed = defineError(
  'origin_not_allowed',
  403,
  (origin: string) => `Origin "${origin}" may not change state here; add it to OPENCODE_STUDIO_ALLOWED_ORIGINS if you trust it`,
)

export const hostRequired = defineError('host_required', 400, 'An HTTP/1.1 request must carry a Host header')
export const hostHeaderInvalid = defineError('host_header_invalid', 400, 'A request must carry exactly one Host header')

export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** What a host name may hold (letters, digits, dots, hyphens, underscores); IPv6 inside brackets. */
const NAME_RE = /^[a-z0-9._-]+$/
const IPV6_RE = /^[0-9a-f:.]+$/

/**
 * The host name of a Host header, lower-cased, without port or IPv6 brackets; null if malformed,
 * including names no browser sends (`a b.localhost`, `<x>.localhost`), which URL parsing rejects later.
 */
export function hostnameOf(hostHeader: string): string | null {
  const h = hostHeader.trim().toLowerCase()
  if (h === '') return null
  if (h.startsWith('[')) {
    const end = h.indexOf(']')
    if (end < 0) return null
    const rest = h.slice(end + 1)
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null
    const name = h.slice(1, end)
    return IPV6_RE.test(name) ? name : null
  }
  const colon = h.lastIndexOf(':')
  const name = colon >= 0 ? h.slice(0, colon) : h
  if (colon >= 0 && (!/^\d{1,5}$/.test(h.slice(colon + 1)) || h.indexOf(':') !== colon)) return null
  return NAME_RE.test(name) ? name : null
}

export function isLoopbackName(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  if (isIP(hostname) === 4) return hostname.startsWith('127.')
  if (isIP(hostname) === 6) return hostname === '::1' || hostname === '0:0:0:0:0:0:0:1'
  return false
}

export interface HostPolicyInput {
  /** The address Studio listens on; a specific non-loopback address is allowed as a Host name. */
  bindHost: string
  /** User-allowed names; a leading dot (`.example.com`) also allows every subdomain. */
  allowedHosts: readonly string[]
}

export function createHostPolicy(input: HostPolicyInput): (hostHeader: string | undefined) => boolean {
  const exact = new Set<string>()
  const suffixes: string[] = []
  for (const raw of input.allowedHosts) {
    const name = raw.trim().toLowerCase()
    if (name.startsWith('.')) {
      suffixes.push(name)
      exact.add(name.slice(1))
    } else if (name !== '') exact.add(hostnameOf(name) ?? name)
  }
  const bind = input.bindHost.toLowerCase()
  if (bind !== '0.0.0.0' && bind !== '::') exact.add(bind.replace(/^\[|\]$/g, ''))
  return (hostHeader) => {
    if (!hostHeader) return false
    const name = hostnameOf(hostHeader)
    if (name === null) return false
    return isLoopbackName(name) || exact.has(name) || suffixes.some((s) => name.endsWith(s))
  }
}

export interface OriginPolicy {
  /** Is this one of the origins the user allowed (CORS)? */
  isListed(origin: string): boolean
  /**
   * May a state-changing request with this Origin proceed? Same-origin (the Origin's host equals the Host
   * header, which was already checked, and its scheme the one Studio serves: Studio has no TLS, so an
   * `https://` origin is someone else's unless the user allowed it, e.g. behind an HTTPS proxy) and
   * user-allowed origins may; `null` and foreign origins may not.
   */
  mayChangeState(origin: string, hostHeader: string | undefined, scheme?: 'http' | 'https'): boolean
}

/** The allowed list is normalised once, not on every request. */
export function createOriginPolicy(allowedOrigins: readonly string[]): OriginPolicy {
  const listed = new Set(allowedOrigins.map(normalizeOrigin).filter((o): o is string => o !== null))
  return {
    isListed(origin) {
      const normalized = normalizeOrigin(origin)
      return normalized !== null && listed.has(normalized)
    },
    mayChangeState(origin, hostHeader, scheme = 'http') {
      const normalized = normalizeOrigin(origin)
      if (normalized === null) return false
      if (listed.has(normalized)) return true
      if (!hostHeader) return false
      const url = new URL(normalized)
      const own = URL.canParse(`${scheme}://${hostHeader.trim().toLowerCase()}`) ? new URL(`${scheme}://${hostHeader.trim().toLowerCase()}`) : null
      return own !== null && url.protocol === `${scheme}:` && url.host === own.host
    },
  }
}

/** `scheme://host[:port]` lower-cased, or null for `null`/malformed origins. */
function normalizeOrigin(origin: string): string | null {
  const o = origin.trim()
  if (o === '' || o === 'null') return null
  try {
    const url = new URL(o)
    return url.origin === 'null' ? null : url.origin.toLowerCase()
  } catch {
    return null
  }
}
