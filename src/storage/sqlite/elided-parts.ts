// Parts for pruned pages: rows stored larger than a threshold are read through SQLite's JSON functions,
// so a 1 MB data URL or a 100 KB tool output never crosses into JavaScript as a string to be decoded and
// parsed. Such a row comes back as the part without its long-string fields, plus, per field, its first
// characters, its size and its last characters: enough for the pruning rules (src/prune) to cut it,
// measure a data URL and point at the raw route.

import type { Database, Statement } from 'better-sqlite3'
import type { LongText } from '../types.js'
import type { PartRow } from './rows.js'

/** The fields the pruning rules cut or replace. */
const FIELDS = ['$.url', '$.text', '$.state.output', '$.state.error', '$.source.text.value'] as const
const TAIL_CHARS = 8
const ELIDED = FIELDS.map((f) => `'${f}'`).join(', ')
const ELIDED_FOR_TEXT = FIELDS.filter((f) => f !== '$.text').map((f) => `'${f}'`).join(', ')

export interface ElidedPartRow {
  id: string
  message_id: string
  /** The whole data when the row is small. */
  data: string | null
  /** The data without FIELDS when it is large. */
  rest: string | null
  /** Per field (same order as FIELDS): [head, bytes, tail] or null when absent. */
  longs: string | null
}

export function prepareElidedParts(db: Database): Statement {
  const field = (path: string) => {
    const v = `json_extract(data, '${path}')`
    // a text part's text is never cut, so it is read whole (the rules only cut reasoning)
    const guard = path === '$.text' ? ` AND json_extract(data, '$.type') <> 'text'` : ''
    return `CASE WHEN json_type(data, '${path}') = 'text'${guard} THEN json_array(substr(${v}, 1, @keep), octet_length(${v}), substr(${v}, -${TAIL_CHARS})) END`
  }
  return db.prepare(
    `SELECT id, message_id,
       CASE WHEN octet_length(data) <= @big THEN data END AS data,
       CASE WHEN octet_length(data) > @big THEN
         CASE WHEN json_extract(data, '$.type') = 'text' THEN json_remove(data, ${ELIDED_FOR_TEXT}) ELSE json_remove(data, ${ELIDED}) END
       END AS rest,
       CASE WHEN octet_length(data) > @big THEN json_array(${FIELDS.map(field).join(', ')}) END AS longs
     FROM part WHERE message_id IN (SELECT value FROM json_each(@ids)) ORDER BY message_id, id`,
  )
}

/** An elided row as a PartRow-like object: `data` parsed, long fields put back as LongTexts. */
export function partFromElided(row: ElidedPartRow): { id: string; message_id: string; value: unknown } {
  if (row.data !== null) return { id: row.id, message_id: row.message_id, value: parse(row.data) }
  const value = parse(row.rest)
  const longs = parse(row.longs) as ([string, number, string] | null)[] | undefined
  if (value && typeof value === 'object' && Array.isArray(longs)) {
    FIELDS.forEach((path, i) => {
      const entry = longs[i]
      if (entry) put(value as Record<string, unknown>, path.slice(2).split('.'), textOf(entry))
    })
  }
  return { id: row.id, message_id: row.message_id, value }
}

function textOf([head, bytes, tail]: [string, number, string]): string | LongText {
  // the head is the whole string when it is short
  if (Buffer.byteLength(head) === bytes) return head
  return { long: true, head, bytes, rawBytes: bytes, start: -1, tail }
}

function put(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let at = target
  for (const key of keys.slice(0, -1)) {
    const next = at[key]
    if (!next || typeof next !== 'object') return
    at = next as Record<string, unknown>
  }
  at[keys[keys.length - 1]!] = value
}

function parse(text: string | null): unknown {
  if (text === null) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export type { PartRow }
