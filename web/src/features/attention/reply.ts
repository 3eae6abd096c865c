// Replies to a pending request, to the directory of the session that asked. A 404 means it is gone
// (answered elsewhere, or OpenCode restarted): drop it and refresh the session's tail.

import { api } from '../../api/endpoints'
import { ApiError } from '../../api/http'
import type { AttentionItem } from '../../api/types'
import { removeRequest } from '../../stores/attention'
import { loadTail } from '../../stores/messages'
import { getSession } from '../../stores/sessions'

export type Reply = { kind: 'permission'; reply: 'once' | 'always' | 'reject'; message?: string } | { kind: 'answer'; answers: string[][] } | { kind: 'dismiss' }

export async function sendReply(item: AttentionItem, reply: Reply): Promise<void> {
  const directory = getSession(item.request.sessionID)?.directory ?? item.directory
  try {
    if (reply.kind === 'permission') await api.replyPermission(item.request.id, directory, reply.reply, reply.message)
    else if (reply.kind === 'answer') await api.replyQuestion(item.request.id, directory, reply.answers)
    else await api.rejectQuestion(item.request.id, directory)
    removeRequest(item.request.id)
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      removeRequest(item.request.id)
      void loadTail(item.request.sessionID)
      return
    }
    throw err
  }
}
