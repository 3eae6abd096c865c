// The shapes the UI reads from Studio / OpenCode 1.18.33 (only the fields it uses; everything else passes).

export interface Session {
  id: string
  title: string
  slug?: string
  directory: string
  parentID?: string
  projectID?: string
  time: { created: number; updated: number; archived?: number }
  tokens?: { input: number; output: number; reasoning: number }
  cost?: number
  agent?: string
  model?: { id: string; providerID: string; variant?: string }
}

export interface MessageError {
  name: string
  data?: { message?: string; [k: string]: unknown }
}

export interface MessageInfo {
  id: string
  sessionID: string
  role: 'user' | 'assistant'
  time: { created: number; completed?: number }
  parentID?: string
  agent?: string
  modelID?: string
  providerID?: string
  model?: { providerID: string; modelID: string }
  finish?: string
  error?: MessageError
  cost?: number
  tokens?: { total?: number; input: number; output: number; reasoning: number }
}

export interface ToolState {
  status: 'pending' | 'running' | 'completed' | 'error'
  input?: Record<string, unknown>
  output?: string
  error?: string
  title?: string
  metadata?: Record<string, unknown>
  time?: { start: number; end?: number }
}

export interface StudioPruned {
  pruned: boolean
  outputBytes?: number
  fields?: string[]
}

export interface PartBase {
  id: string
  sessionID: string
  messageID: string
  studio?: StudioPruned
}

export type Part =
  | (PartBase & { type: 'text'; text: string; synthetic?: boolean; ignored?: boolean; time?: { start: number; end?: number } })
  | (PartBase & { type: 'reasoning'; text: string; time?: { start: number; end?: number } })
  | (PartBase & { type: 'tool'; tool: string; callID: string; state: ToolState })
  | (PartBase & { type: 'file'; mime: string; filename?: string; url: string; size?: number })
  | (PartBase & { type: 'step-start' | 'step-finish' | 'patch' | 'snapshot' | 'compaction' | 'agent' | 'subtask' | 'retry'; [k: string]: unknown })

export interface MessageWithParts {
  info: MessageInfo
  parts: Part[]
}

export type SessionStatus =
  | { type: 'idle' }
  | { type: 'busy' }
  | { type: 'retry'; attempt: number; message: string; next: number }

export interface PermissionRequest {
  id: string
  sessionID: string
  permission: string
  patterns?: string[]
  metadata?: Record<string, unknown>
  always?: string[]
  tool?: { messageID: string; callID: string }
}

export interface QuestionInfo {
  question: string
  header?: string
  options?: { label: string; description?: string }[]
  multiple?: boolean
  custom?: boolean
}

export interface QuestionRequest {
  id: string
  sessionID: string
  questions: QuestionInfo[]
  tool?: { messageID: string; callID: string }
}

export type AttentionItem =
  | { kind: 'permission'; directory: string; rootSessionID?: string; request: PermissionRequest }
  | { kind: 'question'; directory: string; rootSessionID?: string; request: QuestionRequest }

export interface DirectoryInfo {
  directory: string
  projectID?: string
  sessions?: number
  roots?: number
  /** Roots of its tree as its session list pages it (what that list reports as total). */
  treeRoots?: number
  lastActivity?: number
}

export interface ModelInfo {
  id?: string
  name: string
  capabilities?: { attachment?: boolean; input?: { text?: boolean; image?: boolean; pdf?: boolean } }
  variants?: Record<string, unknown>
}

export interface Provider {
  id: string
  name: string
  models: Record<string, ModelInfo>
}

export interface ProvidersAnswer {
  providers: Provider[]
  default: Record<string, string>
}

export interface Agent {
  name: string
  description?: string
  mode: 'primary' | 'subagent' | 'all'
  hidden?: boolean
}

export interface Command {
  name: string
  description?: string
  source?: string
}

export interface Health {
  opencode: { state: 'starting' | 'ready' | 'restarting' | 'unavailable'; version?: string | null; lastError?: { summary?: string } | null }
  events?: { upstreamConnected?: boolean; seq?: number }
  studio?: { version?: string }
}

/** An event as the UI sees it: OpenCode's payload, or a Studio notice. */
export interface StreamEvent {
  type: string
  properties: Record<string, any>
  directory?: string
}
