// What Studio reads from OpenCode's storage, whichever layout holds it.

import type { Consistency } from './consistency.js'

/** The compact record the session index keeps per session (memory matters at 100k sessions). */
export interface SessionSummary {
  id: string
  projectID: string
  directory: string
  parentID: string | null
  title: string
  slug: string
  timeCreated: number
  timeUpdated: number
  shareUrl: string | null
  /** OpenCode's `revert` object, kept as stored (rarely set). */
  revert: Record<string, unknown> | null
}

/** A session exactly as OpenCode's API returns it (`GET /session/:id`). */
export type SessionInfo = Record<string, unknown> & { id: string }

/** One message with its parts, exactly as OpenCode's `GET /session/:id/message` returns it. */
export interface MessageWithParts {
  info: Record<string, unknown> & { id: string; sessionID: string }
  parts: (Record<string, unknown> & { id: string })[]
}

export interface MessagePageRequest {
  /** Skip this many messages, counting from the newest. */
  offset: number
  /** At most this many (null: all). */
  limit: number | null
  /** Only messages strictly older than this one (OpenCode's `before` cursor, decoded). */
  before: { id: string; time: number } | null
  includeTotal: boolean
}

export interface MessagePage {
  /** Oldest first, as OpenCode returns them. */
  entries: MessageWithParts[]
  /** All messages of the session (when asked for), else null. */
  total: number | null
  /** True when older messages exist beyond this page. */
  hasOlder: boolean
}

/** What changed since the previous look. */
export interface ChangeSet {
  upserted: SessionSummary[]
  removed: string[]
}

/** Read-only view of the sessions the index already holds, for change detection. */
export interface KnownSessions {
  readonly size: number
  has(id: string): boolean
  ids(): Iterable<string>
  get(id: string): SessionSummary | undefined
}

export type ReadResult<T> =
  | { ok: true; value: T; consistency: Consistency | null }
  | { ok: false; reason: string; consistency: Consistency | null }

export type StorageKind = 'sqlite' | 'json'

export interface SessionQueries {
  inDirectory(directory: string): Promise<ReadResult<SessionSummary[]>>
  inProject(projectID: string): Promise<ReadResult<SessionSummary[]>>
  byIds(ids: readonly string[]): Promise<ReadResult<SessionSummary[]>>
  /** Direct children of any of these sessions (uses OpenCode's parent_id index). */
  byParentIds(ids: readonly string[]): Promise<ReadResult<SessionSummary[]>>
}

/** A stored part's JSON text, read by byte ranges (so a part holding a 13 MB data URL is never held whole). */
export interface PartBytes {
  /** The JSON text's length in bytes. */
  readonly size: number
  /** Bytes [start, start + length) of the JSON text (shorter at the end). */
  read(start: number, length: number): Promise<Buffer>
  close(): void
}

export interface StorageReader {
  readonly kind: StorageKind
  /** The file or folder read. */
  readonly location: string
  /** Every session, delivered in chunks; the event loop gets a turn between chunks. */
  loadSessions(onChunk: (rows: SessionSummary[]) => void): Promise<ReadResult<void>>
  /** Sessions changed or removed since the previous call; null when nothing changed at all. */
  changes(known: KnownSessions): Promise<ReadResult<ChangeSet | null>>
  /**
   * Direct queries for when the index cannot answer yet (it is still loading). Null where the layout has
   * no cheap way to ask (legacy JSON): the caller then waits for the index.
   */
  readonly query: SessionQueries | null
  getSession(id: string): Promise<ReadResult<SessionInfo | null>>
  getSessions(ids: readonly string[]): Promise<ReadResult<SessionInfo[]>>
  messages(sessionId: string, page: MessagePageRequest): Promise<ReadResult<MessagePage>>
  /** One message of a session with its parts (OpenCode's `GET /session/:id/message/:messageID`), or null. */
  message(sessionId: string, messageId: string): Promise<ReadResult<MessageWithParts | null>>
  /** One part of one message of the session, OpenCode's shape; null when there is no such part. */
  part(sessionId: string, messageId: string, partId: string): Promise<ReadResult<MessageWithParts['parts'][number] | null>>
  /**
   * The part's stored JSON text by ranges; null when there is no such part. Its `url` etc. are as
   * OpenCode stores them; ids may be absent (SQLite keeps them in columns).
   */
  partBytes(sessionId: string, messageId: string, partId: string): Promise<ReadResult<PartBytes | null>>
  /**
   * Calls `onChange` soon after OpenCode writes (a file-system watch); polling stays the safety net, so a
   * watch that cannot be set up (or misses events) only costs latency. Returns the unsubscribe function.
   */
  watch(onChange: () => void): () => void
  close(): void
}
