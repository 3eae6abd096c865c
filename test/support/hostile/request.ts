// The shape of a hostile-request row and the raw-request builders the tables share.

import type { RawRequest } from '../raw-http.js'

export interface HostileContext {
  /** Studio serving any directory (the default). */
  port: number
  /** Studio started with --allowed-directories <ws>: the rows about the `directory` field go here. */
  guardedPort: number
  /** The workspace: hp/inside.txt and symlinks leading out (test/support/hostile/workspace.ts). */
  ws: string
  /** The canary folder beside the workspace: secret.txt; nothing may ever be written here. */
  outside: string
  /** A session that exists in OpenCode, in the workspace. */
  session: string
}

export interface HostileCase {
  /** The kind of attack (the figures are counted per group). */
  group: string
  name: string
  request(c: HostileContext): RawRequest
  /** The status expected. */
  status: number
  /** For Studio's own answers, the `code` of its `{error, code}` body. */
  code?: string
  /** The JSON body expected, when the status alone says too little. */
  body?: unknown
  /** Sent to the guarded Studio (allowed directories: the workspace only). */
  guarded?: boolean
  /**
   * The answer is OpenCode's, relayed unchanged by a pass-through (the /api principle): it has OpenCode's
   * own error shape, not `{error, code}`, and is left out of the non-JSON-error figure.
   */
  openCode?: boolean
  /** The answer is an event stream that never ends: settled once its body so far matches. */
  until?: RegExp
  /** Takes seconds by design (a stall answered by a timeout). */
  slow?: boolean
}

/** A request with Host (Studio's own), Connection: close and, for a body, Content-Length. */
export function req(
  c: HostileContext,
  method: string,
  target: string,
  options: { headers?: string[]; body?: string | Buffer; host?: string | null; port?: number } = {},
): string | Buffer {
  const lines = [`${method} ${target} HTTP/1.1`]
  const host = options.host === undefined ? `127.0.0.1:${options.port ?? c.port}` : options.host
  if (host !== null) lines.push(`Host: ${host}`)
  lines.push('Connection: close', ...(options.headers ?? []))
  if (options.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(options.body)}`)
  const head = `${lines.join('\r\n')}\r\n\r\n`
  if (Buffer.isBuffer(options.body)) return Buffer.concat([Buffer.from(head, 'latin1'), options.body])
  return `${head}${options.body ?? ''}`
}

/** Names every write attempt carries, so a search of the disk finds any that got out. */
export const PWNED_MARK = 'ocs-pwned'

let serial = 0
/** A fresh file name with the mark. */
export const pwned = (): string => `${PWNED_MARK}-${++serial}`

/** Query-string encodings of a value: how a path-like parameter may be disguised. */
export const QUERY_ENCODINGS: Record<string, (v: string) => string> = {
  'percent-encoded': (v) => encodeURIComponent(v),
  'raw slashes and dots': (v) => v.replace(/[^\w./~-]/g, (ch) => encodeURIComponent(ch)),
  'every byte escaped': (v) => [...Buffer.from(v)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
  'upper-case escapes': (v) => [...Buffer.from(v)].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
  'dots escaped': (v) => encodeURIComponent(v).replace(/\./g, '%2e'),
}

/** Encoded twice: Studio decodes once, so what it sees is a literal name full of `%` (harmless, but checked). */
export const doubleEncode = (v: string): string => encodeURIComponent(encodeURIComponent(v))
