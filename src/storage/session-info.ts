// A session in OpenCode's API shape (what `GET /session/:id` returns, what legacy JSON files hold and
// what session.created/updated events carry) → the index's compact summary.

import type { SessionSummary } from './types.js'
import { isRecord } from '../lib/is-record.js'

export function summaryFromInfo(value: unknown, fallbackId?: string): SessionSummary | null {
  if (!isRecord(value)) return null
  const time = isRecord(value.time) ? value.time : {}
  const directory = str(value.directory)
  const id = str(value.id) ?? fallbackId ?? null
  if (!directory || !id) return null
  const share = isRecord(value.share) ? str(value.share.url) : null
  return {
    id,
    projectID: str(value.projectID) ?? 'global',
    directory,
    parentID: str(value.parentID),
    title: str(value.title) ?? '',
    slug: str(value.slug) ?? '',
    timeCreated: num(time.created),
    timeUpdated: num(time.updated),
    shareUrl: share,
    revert: isRecord(value.revert) ? value.revert : null,
  }
}


function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}
