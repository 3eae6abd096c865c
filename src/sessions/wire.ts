// The pruned session shape the list endpoint returns (rust-studio-behaviour.md §6.6): what a sidebar needs,
// nothing more. Empty strings and empty objects are left out.

import type { SessionSummary } from '../storage/index.js'

export interface WireSession {
  id: string
  title?: string
  slug?: string
  directory?: string
  parentID?: string
  time: { created: number; updated: number }
  share?: { url: string }
  revert?: { messageID?: string; diff?: string }
}

/** Keys in the Rust Studio's order: id, title, slug, directory, parentID, time, share, revert. */
export function toWire(s: SessionSummary): WireSession {
  const out: Partial<WireSession> = { id: s.id }
  if (s.title) out.title = s.title
  if (s.slug) out.slug = s.slug
  if (s.directory) out.directory = s.directory
  if (s.parentID) out.parentID = s.parentID
  out.time = { created: s.timeCreated, updated: s.timeUpdated }
  if (s.shareUrl) out.share = { url: s.shareUrl }
  const revert = s.revert ? pruneRevert(s.revert) : null
  if (revert) out.revert = revert
  return out as WireSession
}

function pruneRevert(revert: Record<string, unknown>): WireSession['revert'] | null {
  const messageID = [revert.messageID, revert.messageId, revert.message_id].find((v): v is string => typeof v === 'string' && v.trim() !== '')
  const diff = typeof revert.diff === 'string' && revert.diff.trim() !== '' ? revert.diff : undefined
  if (!messageID && !diff) return null
  return { ...(messageID ? { messageID: messageID.trim() } : {}), ...(diff ? { diff } : {}) }
}
