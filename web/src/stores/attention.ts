// Pending permission requests and questions, oldest first. Read from Studio's /api/attention, or (before
// it exists) from OpenCode's /permission and /question per directory; kept live by *.asked / *.replied.

import { computed, shallowRef } from 'vue'
import { api } from '../api/endpoints'
import { ApiError } from '../api/http'
import type { AttentionItem, PermissionRequest, QuestionRequest } from '../api/types'
import { rootOf } from './sessions'
import { noteSeq } from './seq'

export const attention = shallowRef<AttentionItem[]>([])
export const attentionStale = shallowRef<string | null>(null)
let hasAttentionRoute = true

function byId(a: AttentionItem, b: AttentionItem): number {
  return a.request.id < b.request.id ? -1 : a.request.id > b.request.id ? 1 : 0
}

function arr<T>(v: T[]): T[] {
  if (!Array.isArray(v)) throw new Error('not a list')
  return v
}

/**
 * The first screen's pending requests: Studio's book (kept by OpenCode's events and Studio's own polls),
 * embedded in index.html, so a waiting prompt is on the first paint and OpenCode is asked nothing while
 * the page loads; refreshAttention() asks OpenCode once it has painted. Quiet on failure: that refresh
 * follows anyway.
 */
export async function readAttentionBook(): Promise<void> {
  try {
    const answer = await api.attentionLocal()
    if (!Array.isArray(answer.data)) return
    noteSeq(answer.seq)
    attention.value = answer.data
  } catch {
    // the authoritative refresh follows
  }
}

export async function refreshAttention(directories: string[]): Promise<void> {
  if (hasAttentionRoute) {
    try {
      const answer = await api.attention()
      // Before Studio has the route, OpenCode answers unknown paths with its own web page.
      if (!Array.isArray(answer.data)) throw new ApiError(404, 'no attention route', null)
      noteSeq(answer.seq)
      attention.value = answer.data
      attentionStale.value = null
      return
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) hasAttentionRoute = false
      else {
        attentionStale.value = 'Pending requests could not be refreshed'
        return
      }
    }
  }
  const results = await Promise.allSettled(
    directories.flatMap((directory) => [
      api.permissions(directory).then((a) => arr(a.data).map((request): AttentionItem => ({ kind: 'permission', directory, request }))),
      api.questions(directory).then((a) => arr(a.data).map((request): AttentionItem => ({ kind: 'question', directory, request }))),
    ]),
  )
  if (results.length > 0 && results.every((r) => r.status === 'rejected')) {
    attentionStale.value = 'Pending requests could not be refreshed'
    return
  }
  const seen = new Set<string>()
  const items: AttentionItem[] = []
  for (const r of results) {
    if (r.status !== 'fulfilled') continue
    for (const item of r.value) {
      if (seen.has(item.request.id)) continue
      seen.add(item.request.id)
      items.push(item)
    }
  }
  attention.value = items.sort(byId)
  attentionStale.value = null
}

export function addPermission(directory: string, request: PermissionRequest): void {
  if (attention.value.some((a) => a.request.id === request.id)) return
  attention.value = [...attention.value, { kind: 'permission' as const, directory, request }].sort(byId)
}

export function addQuestion(directory: string, request: QuestionRequest): void {
  if (attention.value.some((a) => a.request.id === request.id)) return
  attention.value = [...attention.value, { kind: 'question' as const, directory, request }].sort(byId)
}

export function removeRequest(id: string): void {
  if (!attention.value.some((a) => a.request.id === id)) return
  attention.value = attention.value.filter((a) => a.request.id !== id)
}

/** Pending requests per session and per root (for the sidebar's badges and "Needs you"). */
export const attentionCounts = computed(() => {
  const bySession = new Map<string, number>()
  for (const a of attention.value) {
    const sid = a.request.sessionID
    bySession.set(sid, (bySession.get(sid) ?? 0) + 1)
    const root = a.rootSessionID ?? rootOf(sid)
    if (root !== sid) bySession.set(root, (bySession.get(root) ?? 0) + 1)
  }
  return bySession
})
