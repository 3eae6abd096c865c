// Rows of OpenCode's SQLite tables → the shapes OpenCode's API returns. Message and part rows keep the
// API object minus its ids in `data` (opencode-reference.md §7); session rows spread it over columns.

import type { MessageWithParts, SessionInfo, SessionSummary } from '../types.js'
import { isRecord } from '../../lib/is-record.js'

export interface SummaryRow {
  id: string
  project_id: string
  parent_id: string | null
  slug: string
  directory: string
  title: string
  share_url: string | null
  revert: string | null
  time_created: number
  time_updated: number
}

export type SessionRow = SummaryRow & {
  workspace_id: string | null
  path: string | null
  version: string
  summary_additions: number | null
  summary_deletions: number | null
  summary_files: number | null
  summary_diffs: string | null
  metadata: string | null
  cost: number
  tokens_input: number
  tokens_output: number
  tokens_reasoning: number
  tokens_cache_read: number
  tokens_cache_write: number
  permission: string | null
  agent: string | null
  model: string | null
  time_compacting: number | null
  time_archived: number | null
}

export const SUMMARY_COLUMNS = 'id, project_id, parent_id, slug, directory, title, share_url, revert, time_created, time_updated'

export function toSummary(row: SummaryRow): SessionSummary {
  const revert = parseJson(row.revert)
  return {
    id: row.id,
    projectID: row.project_id,
    directory: row.directory,
    parentID: row.parent_id || null,
    title: row.title,
    slug: row.slug,
    timeCreated: row.time_created,
    timeUpdated: row.time_updated,
    shareUrl: row.share_url || null,
    revert: isRecord(revert) ? revert : null,
  }
}

/** A session row as OpenCode's `GET /session/:id` shows it (same keys, same order, absent when unset). */
export function toSessionInfo(row: SessionRow): SessionInfo {
  const info: SessionInfo = { id: row.id, slug: row.slug, projectID: row.project_id }
  if (row.workspace_id) info.workspaceID = row.workspace_id
  info.directory = row.directory
  if (row.path !== null) info.path = row.path
  if (row.parent_id) info.parentID = row.parent_id
  if (row.summary_additions !== null || row.summary_deletions !== null || row.summary_files !== null) {
    const summary: Record<string, unknown> = {
      additions: row.summary_additions ?? 0,
      deletions: row.summary_deletions ?? 0,
      files: row.summary_files ?? 0,
    }
    const diffs = parseJson(row.summary_diffs)
    if (diffs !== undefined) summary.diffs = diffs
    info.summary = summary
  }
  if (row.share_url) info.share = { url: row.share_url }
  info.cost = row.cost
  info.tokens = {
    input: row.tokens_input,
    output: row.tokens_output,
    reasoning: row.tokens_reasoning,
    cache: { read: row.tokens_cache_read, write: row.tokens_cache_write },
  }
  info.title = row.title
  if (row.agent) info.agent = row.agent
  const model = parseJson(row.model)
  if (model !== undefined) info.model = model
  info.version = row.version
  const time: Record<string, number> = { created: row.time_created, updated: row.time_updated }
  if (row.time_compacting !== null) time.compacting = row.time_compacting
  if (row.time_archived !== null) time.archived = row.time_archived
  info.time = time
  for (const [key, column] of [
    ['permission', row.permission],
    ['revert', row.revert],
    ['metadata', row.metadata],
  ] as const) {
    const value = parseJson(column)
    if (value !== undefined) info[key] = value
  }
  return info
}

export interface MessageRow {
  id: string
  session_id: string
  data: string
}

/** `part.session_id` is not read: older schemas lack it, and a part's session is its message's. */
export interface PartRow {
  id: string
  message_id: string
  data: string
}

/** A message row and its parts → {info, parts}, or null when the row's data is unreadable. */
export function toMessage(row: MessageRow, parts: PartRow[]): MessageWithParts | null {
  const data = parseJson(row.data)
  if (!isRecord(data)) return null
  // Ids first, as OpenCode's API puts them (assigned again after the data so the columns win).
  const ids = { id: row.id, sessionID: row.session_id }
  return {
    info: Object.assign({ ...ids }, data, ids),
    parts: parts.flatMap((p) => {
      const part = parseJson(p.data)
      if (!isRecord(part)) return []
      const partIds = { id: p.id, sessionID: row.session_id, messageID: p.message_id }
      return [Object.assign({ ...partIds }, part, partIds)]
    }),
  }
}

function parseJson(text: string | null): unknown {
  if (text === null || text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
