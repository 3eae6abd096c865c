// The pruning rules, one place for the pruned message pages and the slim event stream: what a UI needs to
// draw a part without its heavy payload. A file part's data URL becomes Studio's URL for its bytes; tool
// outputs and reasoning past the limit are cut to it; large tool metadata and input values are dropped;
// text parts are never cut. A pruned part says what was taken: `studio: {pruned, outputBytes?, fields}`.

import { dataUrlInfo } from './data-url.js'
import { isLong, type Text } from './long-string.js'

export interface PruneOptions {
  /** Outputs and reasoning longer than this many UTF-8 bytes are cut to it; larger metadata values dropped. */
  limitBytes: number
}

export interface StudioMark {
  pruned: true
  /** The full size, in UTF-8 bytes, of the field that was cut (tool output, reasoning text). */
  outputBytes?: number
  /** Dotted paths of what was cut or dropped (`url`, `state.output`, `state.metadata.filediff`, …). */
  fields: string[]
}

type Part = Record<string, unknown>

/** Studio's route for a part's bytes. */
export function rawPartUrl(sessionID: string, messageID: string, partID: string): string {
  return `/api/session/${encodeURIComponent(sessionID)}/message/${encodeURIComponent(messageID)}/part/${encodeURIComponent(partID)}/raw`
}

export function byteLength(v: Text): number {
  return isLong(v) ? v.bytes : Buffer.byteLength(v)
}

/** The first `limit` bytes of a text (cut on a character boundary). */
export function cut(v: Text, limit: number): string {
  const head = isLong(v) ? v.head : v
  if (head.length * 3 <= limit) return head // cannot exceed the limit even at 3 bytes per UTF-16 unit
  const bytes = Buffer.from(head)
  if (bytes.length <= limit) return head
  let end = limit
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return bytes.subarray(0, end).toString('utf8')
}

const isText = (v: unknown): v is Text => typeof v === 'string' || isLong(v)

/**
 * The part, pruned; the same object when nothing needed pruning. Never mutates its input. LongStrings
 * (from the eliding reader) are always resolved: a result never contains one.
 */
export function prunePart(part: Part, options: PruneOptions): Part {
  const limit = options.limitBytes
  switch (part.type) {
    case 'file':
      return pruneFile(part, limit)
    case 'tool':
      return pruneTool(part, limit)
    case 'reasoning': {
      const text = part.text
      if (!isText(text) || byteLength(text) <= limit) return resolveLongs(part, limit)
      return { ...resolveLongs(part, limit), text: cut(text, limit), studio: mark(['text'], byteLength(text)) }
    }
    default:
      return resolveLongs(part, limit)
  }
}

function pruneFile(part: Part, limit: number): Part {
  const url = part.url
  const info = isText(url) ? dataUrlInfo(url) : null
  if (!info) return resolveLongs(part, limit)
  const { sessionID, messageID, id } = part
  if (typeof sessionID !== 'string' || typeof messageID !== 'string' || typeof id !== 'string') return resolveLongs(part, limit)
  const fields = ['url']
  const out: Part = { ...part, url: rawPartUrl(sessionID, messageID, id), size: info.size }
  // an @-mentioned file's text rides along in source.text.value
  const source = out.source as Record<string, unknown> | undefined
  const sourceText = source?.text as Record<string, unknown> | undefined
  if (sourceText && isText(sourceText.value) && byteLength(sourceText.value) > limit) {
    out.source = { ...source, text: { ...sourceText, value: cut(sourceText.value, limit) } }
    fields.push('source.text.value')
  }
  return { ...resolveLongs(out, limit), studio: mark(fields) }
}

function pruneTool(part: Part, limit: number): Part {
  const state = part.state as Record<string, unknown> | undefined
  if (!state || typeof state !== 'object') return resolveLongs(part, limit)
  const fields: string[] = []
  const next: Record<string, unknown> = { ...state }
  let outputBytes: number | undefined
  for (const key of ['output', 'error'] as const) {
    const v = state[key]
    if (isText(v) && byteLength(v) > limit) {
      next[key] = cut(v, limit)
      fields.push(`state.${key}`)
      if (key === 'output') outputBytes = byteLength(v)
    }
  }
  for (const key of ['metadata', 'input'] as const) {
    const v = state[key]
    if (v && typeof v === 'object' && !isLong(v)) next[key] = dropLarge(v as Record<string, unknown>, limit, `state.${key}`, fields)
  }
  if (fields.length === 0) return resolveLongs(part, limit)
  return { ...resolveLongs({ ...part, state: next }, limit), studio: mark(fields, outputBytes) }
}

/** Values larger than the limit (strings, or whole objects and arrays by their JSON size) are left out. */
function dropLarge(obj: Record<string, unknown>, limit: number, path: string, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(obj)) {
    const at = `${path}.${key}`
    if (isText(value)) {
      if (byteLength(value) > limit) fields.push(at)
      else out[key] = value
    } else if (value && typeof value === 'object') {
      if (Array.isArray(value) ? sizeOf(value) > limit : false) fields.push(at)
      else if (!Array.isArray(value)) {
        const inner = dropLarge(value as Record<string, unknown>, limit, at, fields)
        out[key] = inner
      } else out[key] = value
    } else out[key] = value
  }
  return out
}

/** JSON size of a value, counting LongStrings by their length (never serialising them). */
function sizeOf(value: unknown): number {
  if (isLong(value)) return value.rawBytes + 2
  if (typeof value === 'string') return value.length + 2
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + sizeOf(v) + 1, 2)
  if (value && typeof value === 'object') return Object.entries(value).reduce((n, [k, v]) => n + k.length + 3 + sizeOf(v), 2)
  return String(value).length
}

function mark(fields: string[], outputBytes?: number): StudioMark {
  return { pruned: true, ...(outputBytes !== undefined ? { outputBytes } : {}), fields }
}

/**
 * Any LongString left (a field no rule names, e.g. a huge text part arriving through the eliding reader)
 * becomes its head: the reader cannot give back what it did not keep. Stored pages never contain one.
 */
function resolveLongs(part: Part, limit: number): Part {
  if (!containsLong(part)) return part
  return replaceLongs(part, limit) as Part
}

function containsLong(v: unknown): boolean {
  if (isLong(v)) return true
  if (Array.isArray(v)) return v.some(containsLong)
  if (v && typeof v === 'object') return Object.values(v).some(containsLong)
  return false
}

function replaceLongs(v: unknown, limit: number): unknown {
  if (isLong(v)) return cut(v, limit)
  if (Array.isArray(v)) return v.map((x) => replaceLongs(x, limit))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceLongs(x, limit)]))
  return v
}
