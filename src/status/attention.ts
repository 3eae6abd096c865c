// Every pending permission and question request, kept whole (OpenCode's `permission.asked` /
// `question.asked` properties: metadata and tool link included), so a UI can show all of them, of every
// session, oldest first. Fed by events; OpenCode's own lists (/permission, /question per directory) are
// authoritative for their directory and correct whatever an event gap left behind.

import { directoryKey } from '../lib/directory-key.js'
import { isRecord } from '../lib/is-record.js'

export type AttentionKind = 'permission' | 'question'

export interface PendingRequest {
  kind: AttentionKind
  directory: string | null
  /** As OpenCode sends it: id, sessionID, and the rest of the asked event's properties. */
  request: Record<string, unknown> & { id: string; sessionID: string }
}

export interface AttentionBook {
  /** Applies one OpenCode event; true when the book changed. */
  applyEvent(type: string, properties: Record<string, unknown>, directory: string | null): boolean
  /** OpenCode's pending lists for one directory. */
  reconcile(directory: string, pending: { permissions: unknown[]; questions: unknown[] }): boolean
  /** Pending requests, oldest first; of one directory (exact, as OpenCode's own lists) or all. */
  list(directory: string | null): PendingRequest[]
  readonly size: number
}

const KIND_OF: Record<string, AttentionKind> = { 'permission.asked': 'permission', 'question.asked': 'question' }
const SETTLED: Record<string, AttentionKind> = { 'permission.replied': 'permission', 'question.replied': 'question', 'question.rejected': 'question' }

function asRequest(value: unknown): PendingRequest['request'] | null {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.sessionID !== 'string') return null
  return value as PendingRequest['request']
}

export function createAttentionBook(): AttentionBook {
  /** Insertion order is age order: new requests are appended. */
  const byId = new Map<string, PendingRequest>()
  const sameDir = (a: string | null, b: string) => a !== null && directoryKey(a) === directoryKey(b)

  return {
    applyEvent(type, properties, directory) {
      const asked = KIND_OF[type]
      if (asked) {
        const request = asRequest(properties)
        if (!request) return false
        const known = byId.get(request.id)
        if (known) {
          known.request = request
          return false
        }
        byId.set(request.id, { kind: asked, directory, request })
        return true
      }
      const settled = SETTLED[type]
      if (settled) {
        const id = properties.requestID
        if (typeof id === 'string') return byId.delete(id)
        // a reply without a request id settles all of that session's requests of that kind
        let changed = false
        for (const [rid, r] of byId) {
          if (r.kind === settled && r.request.sessionID === properties.sessionID) changed = byId.delete(rid) || changed
        }
        return changed
      }
      if (type === 'session.deleted') {
        const info = properties.info as Record<string, unknown> | undefined
        const sid = typeof info?.id === 'string' ? info.id : properties.sessionID
        let changed = false
        for (const [rid, r] of byId) if (r.request.sessionID === sid) changed = byId.delete(rid) || changed
        return changed
      }
      return false
    },
    reconcile(directory, pending) {
      const listed = new Map<string, PendingRequest>()
      for (const [kind, items] of [
        ['permission', pending.permissions],
        ['question', pending.questions],
      ] as const) {
        for (const item of items) {
          const request = asRequest(item)
          if (request) listed.set(request.id, { kind, directory, request })
        }
      }
      let changed = false
      for (const [id, r] of byId) {
        if (!sameDir(r.directory, directory) || listed.has(id)) continue
        byId.delete(id)
        changed = true
      }
      // ids grow with time, so unseen ones are added oldest first
      for (const id of [...listed.keys()].sort()) {
        const known = byId.get(id)
        if (known) known.request = listed.get(id)!.request
        else {
          byId.set(id, listed.get(id)!)
          changed = true
        }
      }
      return changed
    },
    list(directory) {
      const out: PendingRequest[] = []
      for (const r of byId.values()) if (directory === null || sameDir(r.directory, directory)) out.push(r)
      return out
    },
    get size() {
      return byId.size
    },
  }
}
