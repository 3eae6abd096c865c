// The session index: loaded once from OpenCode's storage, then kept current by cheap incremental looks
// (changed rows, removed rows), never by re-reading every session per request. Lists and trees are
// answered from memory; single sessions, children and messages are read from storage on demand.

import type { Logger } from '../lib/log.js'
import { createSleeper } from '../lib/sleeper.js'
import { summaryFromInfo } from '../storage/index.js'
import type {
  Consistency,
  MessagePage,
  MessagePageRequest,
  MessageWithParts,
  ReadResult,
  SessionInfo,
  SessionSummary,
  Storage,
  StorageReader,
} from '../storage/index.js'
import { coldListPage } from './cold-path.js'
import { directorySummaries, type DirectorySummary } from './directories.js'
import { openPartRaw, type PartRaw } from './part-raw.js'
import { createPageCache } from './page-cache.js'
import { directoryKey } from '../lib/directory-key.js'
import { projectIdForDirectory } from './project-id.js'
import { createSessionStore, type SessionStore } from './store.js'
import { listPage, type ListPage, type ListQuery } from './tree-page.js'

export { directoryKey } from '../lib/directory-key.js'
export { toWire, type WireSession } from './wire.js'
export type { PartRaw } from './part-raw.js'
export type { DirectorySummary } from './directories.js'
export type { ListPage, ListQuery } from './tree-page.js'

/** How often storage is looked at. SQLite's check is one PRAGMA when nothing changed. */
const REFRESH_MS = { sqlite: 250, json: 1000, none: 1000 } as const
/**
 * While OpenCode's events flow, they keep the index current and storage is only a safety net, looked
 * at this often (and file-system watches are off, so a burst of writes costs no storage passes).
 */
const LIVE_REFRESH_MS = 2000
/** After a file-system change notice, wait this long so a burst of writes becomes one pass. */
const COALESCE_MS = 15

type Part = MessageWithParts['parts'][number]

export type Answer<T> = { ok: true; value: T; consistency: Consistency | null; seq: number } | { ok: false; reason: string }

export interface IndexStatus {
  storage: 'sqlite' | 'json' | 'none'
  location: string
  loaded: boolean
  sessions: number
  lastRefreshAt: number | null
  lastError: string | null
}

export interface SessionIndex {
  /** Resolves once the first load has finished (or failed). */
  ready(): Promise<void>
  list(query: ListQuery): Promise<Answer<ListPage>>
  get(id: string): SessionSummary | undefined
  /** Direct children, wherever they live. */
  childIds(id: string): Promise<string[]>
  /** Directories of sessions updated within the last `withinMs` (worth watching for activity). */
  recentDirectories(withinMs: number): string[]
  /** OpenCode's project id for a directory: from known sessions, else by OpenCode's git rule. */
  projectFor(directory: string): Promise<string>
  readSession(id: string): Promise<ReadResult<SessionInfo | null>>
  readSessions(ids: readonly string[]): Promise<ReadResult<SessionInfo[]>>
  readMessages(sessionId: string, page: MessagePageRequest): Promise<ReadResult<MessagePage>>
  readMessage(sessionId: string, messageId: string): Promise<ReadResult<MessageWithParts | null>>
  /** One stored part (null: storage has no such part); unavailable storage is `ok: false`. */
  readPart(sessionId: string, messageId: string, partId: string): Promise<ReadResult<Part | null>>
  /** What a stored file part's bytes are and how to stream them (see part-raw.ts). */
  partRaw(sessionId: string, messageId: string, partId: string): Promise<ReadResult<PartRaw | null>>
  /** Every directory with sessions, newest activity first (the web UI's sidebar). */
  directories(): DirectorySummary[]
  /** Something probably changed: look at storage now instead of at the next tick. */
  poke(): void
  /** A session.created / session.updated / session.deleted event from OpenCode: applied at once. */
  applyEvent(type: string, properties: Record<string, unknown>): void
  /** Whether OpenCode's event stream is connected (events then drive the index; storage is the backstop). */
  setLive(live: boolean): void
  status(): IndexStatus
  start(): void
  close(): Promise<void>
}

export interface SessionIndexDeps {
  storage: Storage
  log: Logger
  /**
   * The event hub's sequence number. A list carries the number current when its storage pass began:
   * OpenCode writes before it emits (opencode-reference.md §7), so the list reflects every event up to it.
   */
  seq?: () => number
}

export function createSessionIndex({ storage, log, seq = () => 0 }: SessionIndexDeps): SessionIndex {
  let store: SessionStore = createSessionStore()
  /** The reader the store reflects; differs from storage.reader() until a (re)load succeeds. */
  let loadedFrom: StorageReader | null | undefined
  let degraded: Consistency | null = null
  /** The hub's sequence number when the pass the store reflects began. */
  let syncedSeq = 0
  let lastRefreshAt: number | null = null
  let lastError: string | null = null
  let stopped = false
  /** Set by poke(): look again right after the current pass instead of sleeping. */
  let dirty = false
  let unwatch: (() => void) | null = null
  let live = false
  let loop: Promise<void> | null = null
  let markReady: () => void = () => {}
  const firstLoad = new Promise<void>((resolve) => (markReady = resolve))
  const sleeper = createSleeper()
  const pages = createPageCache()

  async function tick(): Promise<void> {
    const passSeq = seq()
    if (storage.describe().kind !== 'sqlite') storage.redetect()
    const reader = storage.reader()
    if (reader !== loadedFrom) return load(reader, passSeq)
    if (!reader) return
    const result = await reader.changes(store)
    if (!result.ok) return noteError(result.reason)
    syncedSeq = passSeq
    lastError = null
    lastRefreshAt = Date.now()
    degraded = result.consistency
    if (!result.value) return
    for (const s of result.value.upserted) store.upsert(s)
    for (const id of result.value.removed) store.remove(id)
  }

  /** Builds a fresh store and swaps it in only when complete, so lists never see a half-loaded index. */
  async function load(reader: StorageReader | null, passSeq: number): Promise<void> {
    const next = createSessionStore()
    if (reader) {
      const started = Date.now()
      const result = await reader.loadSessions((rows) => rows.forEach((s) => next.upsert(s)))
      if (!result.ok) return noteError(result.reason)
      degraded = result.consistency
      log.info({ storage: reader.kind, location: reader.location, sessions: next.size, ms: Date.now() - started }, 'session index loaded')
    }
    store = next
    loadedFrom = reader
    syncedSeq = passSeq
    lastError = null
    lastRefreshAt = Date.now()
    watch()
  }

  /** File-system watches only while events are not flowing. */
  function watch(): void {
    unwatch?.()
    unwatch = !live && loadedFrom ? loadedFrom.watch(poke) : null
  }

  function poke(): void {
    dirty = true
    sleeper.wake()
  }

  function noteError(reason: string): void {
    if (lastError !== reason) log.warn({ reason }, 'session storage unavailable')
    lastError = reason
  }

  async function run(): Promise<void> {
    while (!stopped) {
      try {
        await tick()
      } catch (err) {
        noteError(err instanceof Error ? err.message : String(err))
      }
      markReady()
      if (dirty) {
        dirty = false
        // a burst of writes becomes one pass a few ms later, not one pass per write
        await sleeper.sleep(COALESCE_MS)
        continue
      }
      const kind = storage.describe().kind
      await sleeper.sleep(live && kind !== 'none' ? LIVE_REFRESH_MS : REFRESH_MS[kind])
    }
  }

  const unavailable = { ok: false as const, reason: 'no OpenCode storage found', consistency: null }

  return {
    ready: () => firstLoad,
    async list(query) {
      const reader = storage.reader()
      if (loadedFrom !== reader && reader?.query) {
        // still loading: answer straight from storage rather than make the first page wait
        const at = seq()
        const cold = await coldListPage(reader.query, query)
        return cold.ok ? { ...cold, seq: at } : { ok: false, reason: cold.reason }
      }
      await firstLoad
      if (loadedFrom !== storage.reader()) return { ok: false, reason: lastError ?? 'session index is loading' }
      return { ok: true, value: pages.get(store, query, () => listPage(store, query)), consistency: degraded, seq: syncedSeq }
    },
    get: (id) => store.get(id),
    async childIds(id) {
      const reader = storage.reader()
      if (loadedFrom !== reader && reader?.query) {
        const rows = await reader.query.byParentIds([id])
        if (rows.ok) return rows.value.map((s) => s.id)
      }
      await firstLoad
      return [...store.childIds(id)]
    },
    recentDirectories(withinMs) {
      const since = Date.now() - withinMs
      const out = new Set<string>()
      for (const s of store.values()) if (s.timeUpdated >= since) out.add(s.directory)
      return [...out]
    },
    async projectFor(directory) {
      return store.projectOfDirectory(directoryKey(directory)) ?? (await projectIdForDirectory(directory))
    },
    readSession: (id) => storage.reader()?.getSession(id) ?? Promise.resolve({ ok: true, value: null, consistency: null }),
    readSessions: (ids) => storage.reader()?.getSessions(ids) ?? Promise.resolve({ ok: true, value: [], consistency: null }),
    readMessages: (sessionId, page) => storage.reader()?.messages(sessionId, page) ?? Promise.resolve(unavailable),
    readMessage: (sessionId, messageId) => storage.reader()?.message(sessionId, messageId) ?? Promise.resolve(unavailable),
    readPart: (sessionId, messageId, partId) => storage.reader()?.part(sessionId, messageId, partId) ?? Promise.resolve(unavailable),
    partRaw(sessionId, messageId, partId) {
      const reader = storage.reader()
      return reader ? openPartRaw(reader, sessionId, messageId, partId) : Promise.resolve(unavailable)
    },
    directories: () => directorySummaries(store),
    poke,
    applyEvent(type, properties) {
      if (loadedFrom !== storage.reader()) return // the load in progress will see it
      if (type === 'session.deleted') {
        const info = properties.info as Record<string, unknown> | undefined
        const id = typeof info?.id === 'string' ? info.id : typeof properties.sessionID === 'string' ? properties.sessionID : null
        if (id) store.remove(id)
        return
      }
      if (type !== 'session.created' && type !== 'session.updated') return
      const summary = summaryFromInfo(properties.info)
      if (summary) store.upsert(summary)
    },
    setLive(next) {
      if (next === live) return
      live = next
      watch()
      if (!live) poke() // events stopped: catch up from storage now
    },
    status: () => ({
      storage: storage.describe().kind,
      location: storage.describe().location,
      loaded: loadedFrom === storage.reader(),
      sessions: store.size,
      lastRefreshAt,
      lastError,
    }),
    start() {
      loop ??= run()
    },
    async close() {
      stopped = true
      sleeper.cancel()
      await loop
      unwatch?.()
      storage.close()
    },
  }
}
