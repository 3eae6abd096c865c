// StorageReader over OpenCode's legacy JSON storage (OpenCode 1.1 and earlier). Files already hold the
// API shapes; what this adds is tolerance for files being rewritten, and change detection by scanning
// folders and comparing each file's mtime and size with the previous look.

import { open, readdir, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createConsistencyTracker, type ConsistencyTracker } from '../consistency.js'
import type { MessageWithParts, SessionInfo, SessionSummary, StorageReader } from '../types.js'
import { createJsonFileCache, type JsonRead } from './read-json.js'
import { summaryFromInfo } from '../session-info.js'
import { watchPaths } from '../watch.js'
import { messageRoots, sessionRoots, stemOf } from './layout.js'
import { isRecord } from '../../lib/is-record.js'

/** Parsed files kept (sessions, then recently read messages and parts). */
const CACHE_ENTRIES = 50_000
/** Files read or stat'ed at once. */
const CONCURRENCY = 32
const CHUNK = 500
const SAFE_ID_RE = /^[\w-]+$/

interface SessionFile {
  path: string
  id: string
  signature: string
}

export function createJsonReader(dataDir: string): StorageReader {
  const cache = createJsonFileCache(CACHE_ENTRIES)
  /** What each session file looked like at the previous scan. */
  const signatures = new Map<string, string>()
  const pathById = new Map<string, string>()

  async function scanSessionFiles(): Promise<SessionFile[]> {
    const found: { path: string; id: string }[] = []
    for (const root of sessionRoots(dataDir)) {
      for (const project of await listDir(root)) {
        for (const file of await listDir(join(root, project))) {
          const id = stemOf(file)
          if (id) found.push({ path: join(root, project, file), id })
        }
      }
    }
    const out: SessionFile[] = []
    await inBatches(found, async (f) => {
      const info = await stat(f.path).catch(() => null)
      if (info) out.push({ ...f, signature: `${info.mtimeMs}:${info.size}` })
    })
    return out
  }

  /** Reads session files into summaries, noting what had to be skipped or substituted. */
  async function readSummaries(files: SessionFile[], tracker: ConsistencyTracker): Promise<SessionSummary[]> {
    const out: SessionSummary[] = []
    await inBatches(files, async (file) => {
      const read = await cache.read(file.path)
      if (!noteRead(read, tracker)) return
      const summary = summaryFromInfo(read.value, file.id)
      if (!summary) {
        tracker.note('parseSkip')
        return
      }
      pathById.set(summary.id, file.path)
      // a stale copy is served, but the file is looked at again next time
      if (!read.stale) signatures.set(file.path, file.signature)
      out.push(summary)
    })
    return out
  }

  async function readSession(id: string, tracker: ConsistencyTracker): Promise<SessionInfo | null> {
    const path = pathById.get(id) ?? (await locateSession(id))
    if (!path) return null
    const read = await cache.read(path)
    if (!read.ok && read.kind === 'missing') return null
    if (!noteRead(read, tracker) || !isRecord(read.value)) return null
    return { ...read.value, id: typeof read.value.id === 'string' ? read.value.id : id }
  }

  async function locateSession(id: string): Promise<string | null> {
    for (const root of sessionRoots(dataDir)) {
      for (const project of await listDir(root)) {
        const path = join(root, project, `${id}.json`)
        if (await stat(path).then(() => true, () => false)) return path
      }
    }
    return null
  }

  return {
    kind: 'json',
    location: join(dataDir, 'storage'),
    query: null,

    async loadSessions(onChunk) {
      const tracker = createConsistencyTracker()
      const files = await scanSessionFiles()
      for (let i = 0; i < files.length; i += CHUNK) onChunk(await readSummaries(files.slice(i, i + CHUNK), tracker))
      return { ok: true, value: undefined, consistency: tracker.report() }
    },

    async changes(known) {
      const tracker = createConsistencyTracker()
      // the sessions known before the scan: one the index learns of meanwhile (OpenCode's event for a
      // file written after the listing) is not in the listing, and is not gone
      const before = [...known.ids()]
      const files = await scanSessionFiles()
      const changed = files.filter((f) => signatures.get(f.path) !== f.signature)
      const upserted = await readSummaries(changed, tracker)
      const present = new Set(files.map((f) => f.id))
      const removed = before.filter((id) => !present.has(id))
      const paths = new Set(files.map((f) => f.path))
      for (const path of signatures.keys()) if (!paths.has(path)) signatures.delete(path)
      for (const id of removed) {
        const path = pathById.get(id)
        if (path) cache.forget(path)
        pathById.delete(id)
      }
      if (upserted.length === 0 && removed.length === 0) return { ok: true, value: null, consistency: tracker.report() }
      return { ok: true, value: { upserted, removed }, consistency: tracker.report() }
    },

    async getSession(id) {
      const tracker = createConsistencyTracker()
      const info = await readSession(id, tracker)
      return { ok: true, value: info, consistency: tracker.report() }
    },

    async getSessions(ids) {
      const tracker = createConsistencyTracker()
      const out: SessionInfo[] = []
      for (const id of ids) {
        const info = await readSession(id, tracker)
        if (info) out.push(info)
      }
      return { ok: true, value: out, consistency: tracker.report() }
    },

    async messages(sessionId, page) {
      const tracker = createConsistencyTracker()
      const { messageRoot: root, partRoot } = messageRoots(dataDir)
      // Message ids grow with time, so file order is chronological order.
      let ids = (await listDir(join(root, sessionId))).map(stemOf).filter((s): s is string => s !== null).sort()
      if (page.before) ids = ids.filter((id) => id < page.before!.id)
      const total = page.includeTotal ? ids.length : null
      const end = Math.max(0, ids.length - page.offset)
      const start = page.limit === null ? 0 : Math.max(0, end - page.limit)
      const entries: MessageWithParts[] = []
      for (const id of ids.slice(start, end)) {
        const message = await readMessage(join(root, sessionId, `${id}.json`), join(partRoot, id), tracker)
        if (message) entries.push(message)
      }
      return { ok: true, value: { entries, total, hasOlder: start > 0 }, consistency: tracker.report() }
    },

    async message(sessionId, messageId) {
      const tracker = createConsistencyTracker()
      const { messageRoot: root, partRoot } = messageRoots(dataDir)
      // ids come from the URL: no separators, no dot names
      if (!/^[\w-]+$/.test(sessionId) || !/^[\w-]+$/.test(messageId)) return { ok: true, value: null, consistency: null }
      const path = join(root, sessionId, `${messageId}.json`)
      const first = await cache.read(path)
      if (!first.ok && first.kind === 'missing') return { ok: true, value: null, consistency: null }
      const message = await readMessage(path, join(partRoot, messageId), tracker)
      return { ok: true, value: message, consistency: tracker.report() }
    },

    async part(sessionId, messageId, partId) {
      const path = partPath(sessionId, messageId, partId)
      if (!path) return { ok: true, value: null, consistency: null }
      const tracker = createConsistencyTracker()
      const read = await cache.read(path)
      if (!read.ok && read.kind === 'missing') return { ok: true, value: null, consistency: null }
      if (!noteRead(read, tracker) || !isRecord(read.value)) return { ok: false, reason: 'part file unreadable', consistency: tracker.report() }
      return { ok: true, value: read.value as MessageWithParts['parts'][number], consistency: tracker.report() }
    },

    async partBytes(sessionId, messageId, partId) {
      const path = partPath(sessionId, messageId, partId)
      const handle = path ? await open(path, 'r').catch(() => null) : null
      if (!handle) return { ok: true, value: null, consistency: null }
      const size = (await handle.stat()).size
      return {
        ok: true,
        consistency: null,
        value: {
          size,
          async read(start, length) {
            const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - start)))
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, start)
            return buffer.subarray(0, bytesRead)
          },
          close: () => void handle.close().catch(() => {}),
        },
      }
    },

    watch(onChange) {
      return watchPaths(sessionRoots(dataDir), { recursive: true }, onChange)
    },

    close() {},
  }

  /** The part's file, if the message belongs to the session (ids are checked: they come from a URL). */
  function partPath(sessionId: string, messageId: string, partId: string): string | null {
    if (![sessionId, messageId, partId].every((id) => SAFE_ID_RE.test(id))) return null
    const { messageRoot, partRoot } = messageRoots(dataDir)
    if (!existsSync(join(messageRoot, sessionId, `${messageId}.json`))) return null
    return join(partRoot, messageId, `${partId}.json`)
  }

  async function readMessage(path: string, partDir: string, tracker: ConsistencyTracker): Promise<MessageWithParts | null> {
    const read = await cache.read(path)
    if (!noteRead(read, tracker) || !isRecord(read.value)) return null
    const partFiles = (await listDir(partDir)).filter((f) => stemOf(f) !== null).sort()
    const parts: MessageWithParts['parts'] = []
    for (const file of partFiles) {
      const part = await cache.read(join(partDir, file))
      if (noteRead(part, tracker) && isRecord(part.value)) parts.push(part.value as MessageWithParts['parts'][number])
    }
    return { info: read.value as MessageWithParts['info'], parts }
  }
}

/** Records what a read skipped or substituted; true when there is a value to use. */
function noteRead(read: JsonRead, tracker: ConsistencyTracker): read is Extract<JsonRead, { ok: true }> {
  if (read.ok) {
    if (read.stale) tracker.note('staleRead')
    return true
  }
  tracker.note(read.kind === 'parse' ? 'parseSkip' : read.kind === 'io' ? 'ioSkip' : 'transientSkip')
  return false
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch {
    return []
  }
}

async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(fn))
}
