// Every query-string coercion Studio uses, by name. The Rust Studio parses booleans three different ways
// and clients depend on each (rust-studio-behaviour.md §0.4–0.5), so each quirk has its own parser.

import { defineError, withExtra, type StudioError } from '../lib/errors.js'

export type QueryValue = string | string[] | undefined

export const invalidQuery = defineError('invalid_query', 400, (name: string, detail: string) => `Invalid query parameter "${name}": ${detail}`)

/** Repeated keys arrive as arrays; the last one wins. */
function single(value: QueryValue): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value
}

const FALSE_WORDS = new Set(['0', 'false', 'no', 'off'])
const TRUE_WORDS = new Set(['', '1', 'true', 'yes', 'on'])

/** Session-list flags: absent or 0/false/no/off is false; anything else, even unknown words, is true. */
export function boolish(value: QueryValue): boolean {
  const v = single(value)
  return v !== undefined && !FALSE_WORDS.has(v.trim().toLowerCase())
}

/** Status flags: true only for an empty value or 1/true/yes/on. */
export function strictBool(value: QueryValue): boolean {
  const v = single(value)
  return v !== undefined && TRUE_WORDS.has(v.trim().toLowerCase())
}

/**
 * A count: absent is null, empty is 0, negative clamps to 0, fractions floor; anything unparsable is a 400
 * carrying the zod-style detail the Rust Studio (and OpenCode) send.
 */
export function count(name: string, value: QueryValue): number | null {
  const v = single(value)
  if (v === undefined) return null
  if (v.trim() === '') return 0
  const n = Number(v.trim())
  if (Number.isNaN(n)) throw numberError(name, v)
  return n <= 0 ? 0 : Math.floor(Math.min(n, Number.MAX_SAFE_INTEGER))
}

function numberError(name: string, value: string): StudioError {
  return withExtra(invalidQuery(name, `expected a number, got ${JSON.stringify(value)}`), {
    data: { name, value },
    errors: [{ code: 'invalid_type', expected: 'number', received: 'nan', path: [name], message: 'Expected number, received nan' }],
    success: false,
  })
}

/** Trimmed text, or null when absent or blank. */
export function text(value: QueryValue): string | null {
  const v = single(value)?.trim()
  return v ? v : null
}

/**
 * The workspace a client names in the x-opencode-directory header (URI-encoded by OpenCode's own clients
 * for non-ASCII paths, so it is decoded as OpenCode does), trimmed; null when absent or blank.
 */
export function headerDirectory(headers: Record<string, string | string[] | undefined>): string | null {
  const raw = single(headers['x-opencode-directory'])
  if (raw === undefined) return null
  try {
    return text(decodeURIComponent(raw))
  } catch {
    return text(raw)
  }
}

/** Comma-separated values, trimmed, empties dropped; null when absent or empty. */
export function csv(value: QueryValue): string[] | null {
  const v = single(value)
  if (v === undefined) return null
  const items = v.split(',').map((s) => s.trim()).filter(Boolean)
  return items.length > 0 ? items : null
}
