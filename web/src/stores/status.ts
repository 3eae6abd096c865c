// Run state per session: OpenCode's status map (idle sessions absent), kept live by session.status /
// session.idle and re-read on repair.

import { shallowRef } from 'vue'
import { api } from '../api/endpoints'
import type { SessionStatus } from '../api/types'
import { noteSeq } from './seq'

export const statusMap = shallowRef<Record<string, SessionStatus>>({})

export function statusOf(id: string): SessionStatus {
  return statusMap.value[id] ?? { type: 'idle' }
}

export function isBusy(id: string): boolean {
  return statusOf(id).type !== 'idle'
}

export function setStatus(id: string, status: SessionStatus): void {
  const cur = statusMap.value[id]
  if (status.type === 'idle') {
    if (!cur) return
    const next = { ...statusMap.value }
    delete next[id]
    statusMap.value = next
    return
  }
  statusMap.value = { ...statusMap.value, [id]: status }
}

/** Re-reads the map for these directories; sessions they no longer report are idle. */
export async function refreshStatus(directories: string[]): Promise<void> {
  const answers = await Promise.allSettled(directories.map((d) => api.status(d)))
  const next: Record<string, SessionStatus> = {}
  let anyOk = false
  answers.forEach((a) => {
    if (a.status !== 'fulfilled' || typeof a.value.data !== 'object' || a.value.data === null || Array.isArray(a.value.data)) return
    anyOk = true
    noteSeq(a.value.seq)
    Object.assign(next, a.value.data)
  })
  if (anyOk) statusMap.value = next
}
