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

/**
 * Re-reads the map. Studio's status index answers for every directory at once (`local=true`: no call to
 * OpenCode, so 200 directories cost one request, not 200 instance boots in OpenCode); then OpenCode is asked
 * for the directories in focus (the open session's), which Studio merges into its index, and the index is
 * read again. A failed read keeps what is shown.
 */
export async function refreshStatus(focus: string[]): Promise<void> {
  const readAll = async (): Promise<void> => {
    const answer = await api.statusAll()
    if (typeof answer.data !== 'object' || answer.data === null || Array.isArray(answer.data)) return
    noteSeq(answer.seq)
    statusMap.value = answer.data
  }
  await readAll().catch(() => undefined)
  if (focus.length === 0) return
  const asked = await Promise.allSettled(focus.map((d) => api.status(d)))
  if (asked.some((a) => a.status === 'fulfilled')) await readAll().catch(() => undefined)
}
