// Every route the UI calls, in one place (paths, query, body shapes).

import { call, get, qs } from './http'
import type {
  Agent,
  AttentionItem,
  Command,
  DirectoryInfo,
  Health,
  MessageWithParts,
  Part,
  PermissionRequest,
  ProvidersAnswer,
  QuestionRequest,
  Session,
  SessionStatus,
} from './types'

export interface SessionPage {
  sessions: Session[]
  total: number
  hasMore: boolean
  nextOffset?: number
}

export interface MessagePage {
  entries: MessageWithParts[]
  total: number
  hasMore: boolean
}

const enc = encodeURIComponent

export const api = {
  health: () => get<Health>('/health'),
  directories: () => get<DirectoryInfo[]>('/api/opencode-studio/directories'),
  path: () => get<{ directory: string; home: string }>('/api/path'),
  sessions: (directory: string, opts: { offset?: number; limit?: number; search?: string } = {}) =>
    get<SessionPage>(
      `/api/session${qs({ directory, roots: true, includeChildren: true, limit: opts.limit ?? 50, offset: opts.offset ?? 0, includeTotal: true, search: opts.search })}`,
    ),
  session: (id: string) => get<Session>(`/api/session/${enc(id)}`),
  children: (id: string) => get<Session[]>(`/api/session/${enc(id)}/children`),
  messages: (id: string, opts: { limit: number; before?: string }) =>
    get<MessagePage>(`/api/session/${enc(id)}/message${qs({ limit: opts.limit, before: opts.before, includeTotal: true, prune: true })}`),
  part: (sid: string, mid: string, pid: string) => get<Part>(`/api/session/${enc(sid)}/message/${enc(mid)}/part/${enc(pid)}`),
  status: (directory: string) => get<Record<string, SessionStatus>>(`/api/session/status${qs({ directory })}`),
  /** Studio's status index: every directory's busy sessions, without asking OpenCode. */
  statusAll: () => get<Record<string, SessionStatus>>('/api/session/status?local=true'),
  attention: () => get<AttentionItem[]>('/api/attention'),
  /** Studio's book of pending requests (kept by events and its own polls), without asking OpenCode. */
  attentionLocal: () => get<AttentionItem[]>('/api/attention?local=true'),
  permissions: (directory: string) => get<PermissionRequest[]>(`/api/permission${qs({ directory })}`),
  questions: (directory: string) => get<QuestionRequest[]>(`/api/question${qs({ directory })}`),
  createSession: (directory: string, body: { title?: string; parentID?: string } = {}) =>
    call<Session>(`/api/session${qs({ directory })}`, { method: 'POST', json: body }),
  updateSession: (id: string, directory: string, body: Record<string, unknown>) =>
    call<Session>(`/api/session/${enc(id)}${qs({ directory })}`, { method: 'PATCH', json: body }),
  deleteSession: (id: string, directory: string) => call<boolean>(`/api/session/${enc(id)}${qs({ directory })}`, { method: 'DELETE' }),
  abort: (id: string, directory: string) => call<boolean>(`/api/session/${enc(id)}/abort${qs({ directory })}`, { method: 'POST' }),
  promptAsync: (id: string, directory: string, body: Record<string, unknown>) =>
    // OpenCode answers once the directory's instance is up, which can take long the first time.
    call<null>(`/api/session/${enc(id)}/prompt_async${qs({ directory })}`, { method: 'POST', json: body, timeoutMs: 120_000 }),
  command: (id: string, directory: string, body: Record<string, unknown>) =>
    call<unknown>(`/api/session/${enc(id)}/command${qs({ directory })}`, { method: 'POST', json: body, timeoutMs: 600_000 }),
  providers: (directory: string) => get<ProvidersAnswer>(`/api/config/providers${qs({ directory })}`),
  agents: (directory: string) => get<Agent[]>(`/api/agent${qs({ directory })}`),
  commands: (directory: string) => get<Command[]>(`/api/command${qs({ directory })}`),
  findFiles: (directory: string, query: string) => get<string[]>(`/api/find/file${qs({ directory, query, limit: 50 })}`),
  replyPermission: (id: string, directory: string, reply: 'once' | 'always' | 'reject', message?: string) =>
    call<boolean>(`/api/permission/${enc(id)}/reply${qs({ directory })}`, { method: 'POST', json: message ? { reply, message } : { reply }, timeoutMs: 10_000 }),
  replyQuestion: (id: string, directory: string, answers: string[][]) =>
    call<boolean>(`/api/question/${enc(id)}/reply${qs({ directory })}`, { method: 'POST', json: { answers }, timeoutMs: 10_000 }),
  rejectQuestion: (id: string, directory: string) =>
    call<boolean>(`/api/question/${enc(id)}/reject${qs({ directory })}`, { method: 'POST', timeoutMs: 10_000 }),
}

/** The URL a file part's image is shown from: the raw-bytes route when Studio pruned it, never a data URL. */
export function rawPartUrl(sid: string, mid: string, pid: string): string {
  return `/api/session/${enc(sid)}/message/${enc(mid)}/part/${enc(pid)}/raw`
}
