// Turns one raw setting (a flag or env string, or a JSON value from the config file) into a typed value,
// or a message saying what was expected. Pure, table-tested.

import { resolveClientPath } from '../lib/confine.js'
import { LOG_LEVELS, type LogLevel } from '../lib/log.js'
import type { OptionKind } from './options.js'

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string }

export interface PathContext {
  cwd: string
  home: string
}

const HOST_RE = /^(?:\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]+:[0-9a-fA-F:.]*|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/
const BYTES_RE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i
const BYTE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

export function parseValue(kind: OptionKind, raw: unknown, ctx: PathContext): Parsed<unknown> {
  switch (kind) {
    case 'string':
    case 'secret':
      return parseString(raw)
    case 'host':
      return parseHost(raw)
    case 'path':
      return parsePath(raw, ctx)
    case 'port':
      return parseInteger(raw, 0, 65_535, 'a port number from 0 to 65535')
    case 'integer':
      return parseInteger(raw, 0, Number.MAX_SAFE_INTEGER, 'a non-negative whole number')
    case 'bytes':
      return parseBytes(raw)
    case 'list':
      return parseList(raw)
    case 'level':
      return parseLevel(raw)
    case 'boolean':
      return parseBoolean(raw)
  }
}

function parseString(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, expected: 'a non-empty string' }
  return { ok: true, value: raw.trim() }
}

function parseHost(raw: unknown): Parsed<string> {
  const s = parseString(raw)
  if (!s.ok || !HOST_RE.test(s.value)) return { ok: false, expected: 'a host name or IP address' }
  return s
}

/** `~` and `~/x` expand to the home directory; relative paths resolve against the working directory (as client paths do). */
export function parsePath(raw: unknown, ctx: PathContext): Parsed<string> {
  const s = parseString(raw)
  if (!s.ok) return { ok: false, expected: 'a path' }
  return { ok: true, value: resolveClientPath(s.value, ctx.cwd, ctx.home) }
}

function parseInteger(raw: unknown, min: number, max: number, expected: string): Parsed<number> {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : ''
  if (!/^\d+$/.test(text)) return { ok: false, expected }
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min || n > max) return { ok: false, expected }
  return { ok: true, value: n }
}

function parseBytes(raw: unknown): Parsed<number> {
  const expected = 'a size in bytes, e.g. 1048576 or 100MiB'
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : ''
  const m = BYTES_RE.exec(text)
  if (!m) return { ok: false, expected }
  const unit = BYTE_UNITS[(m[2] ?? 'b').charAt(0).toLowerCase()] ?? 1
  const n = Math.floor(Number(m[1]) * unit)
  if (!Number.isSafeInteger(n) || n < 1) return { ok: false, expected }
  return { ok: true, value: n }
}

/** Comma-separated in flags and env; an array of strings in the file. Empty items are dropped. */
function parseList(raw: unknown): Parsed<string[]> {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null
  if (!items || !items.every((i) => typeof i === 'string')) {
    return { ok: false, expected: 'a comma-separated list (or an array of strings in the file)' }
  }
  return { ok: true, value: items.map((i) => i.trim()).filter((i) => i !== '') }
}

function parseLevel(raw: unknown): Parsed<LogLevel> {
  const s = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
  if (!(LOG_LEVELS as readonly string[]).includes(s)) return { ok: false, expected: `one of ${LOG_LEVELS.join(', ')}` }
  return { ok: true, value: s as LogLevel }
}

/** A bare flag is `true`; env and file values are true/false, 1/0, yes/no. */
function parseBoolean(raw: unknown): Parsed<boolean> {
  if (typeof raw === 'boolean') return { ok: true, value: raw }
  const s = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
  if (['true', '1', 'yes'].includes(s)) return { ok: true, value: true }
  if (['false', '0', 'no'].includes(s)) return { ok: true, value: false }
  return { ok: false, expected: 'true or false' }
}
