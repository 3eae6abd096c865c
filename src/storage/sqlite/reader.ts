// StorageReader over OpenCode's opencode.db. Every query is a prepared statement run through withRetry;
// large reads are split into keyset-paged chunks so the event loop gets a turn between them and no read
// transaction stays open across turns (an open reader would keep OpenCode from checkpointing its WAL).

import { basename, dirname } from 'node:path'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { createConsistencyTracker } from '../consistency.js'
import type {
  ChangeSet,
  KnownSessions,
  MessagePage,
  MessagePageRequest,
  MessageWithParts,
  ReadResult,
  SessionSummary,
  StorageReader,
} from '../types.js'
import { watchPaths } from '../watch.js'
import type { Statement } from 'better-sqlite3'
import { openReadOnly, type Db } from './open.js'
import { partFromElided, prepareElidedParts, type ElidedPartRow } from './elided-parts.js'
import { createPageMemo } from './page-memo.js'
import { withRetry } from './retry.js'
import { type MessageRow, type PartRow, type SessionRow, SUMMARY_COLUMNS, type SummaryRow, toMessage, toSessionInfo, toSummary } from './rows.js'

/** Rows per chunk when scanning the whole session table (~1.5 ms of work each at 100k sessions). */
const SCAN_CHUNK = 2000
/** IDs per IN list (bound through json_each, so one prepared statement serves every size). */
const ID_CHUNK = 500
/** Re-read sessions updated this long before the newest seen one, in case clocks or writers interleave. */
const DELTA_OVERLAP_MS = 5000

export function createSqliteReader(path: string): StorageReader {
  const db: Db = openReadOnly(path)
  const q = {
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    count: db.prepare('SELECT count(*) FROM session').pluck(),
    chunk: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM session WHERE id > ? ORDER BY id LIMIT ?`),
    idChunk: db.prepare('SELECT id FROM session WHERE id > ? ORDER BY id LIMIT ?').pluck(),
    changedSince: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM session WHERE time_updated >= ?`),
    byIds: db.prepare('SELECT * FROM session WHERE id IN (SELECT value FROM json_each(?))'),
    summariesInDirectory: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM session WHERE directory = ?`),
    summariesInProject: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM session WHERE project_id = ?`),
    summariesByIds: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM session WHERE id IN (SELECT value FROM json_each(?))`),
    summariesByParentIds: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM session WHERE parent_id IN (SELECT value FROM json_each(?))`),
    byId: db.prepare('SELECT * FROM session WHERE id = ?'),
    messageCount: db.prepare('SELECT count(*) FROM message WHERE session_id = ?').pluck(),
    messagesNewest: db.prepare(
      'SELECT id, session_id, time_created, data FROM message WHERE session_id = ? ORDER BY time_created DESC, id DESC LIMIT ? OFFSET ?',
    ),
    messagesBefore: db.prepare(
      `SELECT id, session_id, time_created, data FROM message
       WHERE session_id = ? AND (time_created < ? OR (time_created = ? AND id < ?))
       ORDER BY time_created DESC, id DESC LIMIT ? OFFSET ?`,
    ),
    messageById: db.prepare('SELECT id, session_id, time_created, data FROM message WHERE id = ? AND session_id = ?'),
    partsOfMessage: db.prepare('SELECT id, message_id, data FROM part WHERE message_id = ? ORDER BY id'),
    part: db.prepare(
      `SELECT p.id, p.message_id, p.data FROM part p JOIN message m ON m.id = p.message_id
       WHERE p.id = ? AND p.message_id = ? AND m.session_id = ?`,
    ),
    partSize: db.prepare(
      `SELECT length(CAST(p.data AS BLOB)) FROM part p JOIN message m ON m.id = p.message_id
       WHERE p.id = ? AND p.message_id = ? AND m.session_id = ?`,
    ).pluck(),
    partRange: db.prepare('SELECT substr(CAST(data AS BLOB), ?, ?) FROM part WHERE id = ?').pluck(),
    elidedParts: prepareElidedParts(db),
    parts: db.prepare('SELECT id, message_id, data FROM part WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, id'),
  }
  let lastVersion: number | null = null
  let watermark = 0
  const memo = createPageMemo()

  const fail = (reason: string, tracker = createConsistencyTracker()): ReadResult<never> => {
    tracker.note('ioSkip')
    return { ok: false, reason, consistency: tracker.report() }
  }

  /** Rows for an IN list, chunked so no statement carries an unbounded list. */
  async function chunkedAll<R, T>(statement: Statement, ids: readonly string[], map: (row: R) => T): Promise<ReadResult<T[]>> {
    const out: T[] = []
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const chunk = JSON.stringify(ids.slice(i, i + ID_CHUNK))
      const rows = await withRetry(() => statement.all(chunk) as R[])
      if (!rows.ok) return fail(rows.reason)
      for (const row of rows.value) out.push(map(row))
    }
    return { ok: true, value: out, consistency: null }
  }

  async function summaries(statement: Statement, arg: string): Promise<ReadResult<SessionSummary[]>> {
    const rows = await withRetry(() => statement.all(arg) as SummaryRow[])
    if (!rows.ok) return fail(rows.reason)
    return { ok: true, value: rows.value.map(toSummary), consistency: null }
  }

  return {
    kind: 'sqlite',
    location: path,

    query: {
      inDirectory: (directory) => summaries(q.summariesInDirectory, directory),
      inProject: (projectID) => summaries(q.summariesInProject, projectID),
      byIds: (ids) => chunkedAll(q.summariesByIds, ids, toSummary),
      byParentIds: (ids) => chunkedAll(q.summariesByParentIds, ids, toSummary),
    },

    async loadSessions(onChunk) {
      const tracker = createConsistencyTracker()
      // Taken first: a commit that lands while the chunks are read then shows up as a change.
      const version = await withRetry(() => q.dataVersion.get() as number)
      if (!version.ok) return fail(version.reason, tracker)
      let after = ''
      for (;;) {
        const rows = await withRetry(() => q.chunk.all(after, SCAN_CHUNK) as SummaryRow[])
        if (!rows.ok) return fail(rows.reason, tracker)
        if (rows.value.length === 0) break
        const summaries = rows.value.map(toSummary)
        for (const s of summaries) watermark = Math.max(watermark, s.timeUpdated)
        onChunk(summaries)
        after = rows.value[rows.value.length - 1]!.id
        await yieldToLoop()
      }
      lastVersion = version.value
      return { ok: true, value: undefined, consistency: tracker.report() }
    },

    async changes(known) {
      const tracker = createConsistencyTracker()
      // data_version only moves when another connection commits: nothing to do most of the time.
      const version = await withRetry(() => q.dataVersion.get() as number)
      if (!version.ok) return fail(version.reason, tracker)
      if (version.value === lastVersion) return { ok: true, value: null, consistency: null }
      const rows = await withRetry(() => q.changedSince.all(watermark - DELTA_OVERLAP_MS) as SummaryRow[])
      if (!rows.ok) return fail(rows.reason, tracker)
      const upserted: SessionSummary[] = []
      for (const row of rows.value) {
        watermark = Math.max(watermark, row.time_updated)
        const summary = toSummary(row)
        if (!sameSummary(known.get(summary.id), summary)) upserted.push(summary)
      }
      const removed = await findRemoved(known, upserted)
      if (removed === null) return fail('could not list session ids', tracker)
      lastVersion = version.value
      return { ok: true, value: { upserted, removed } satisfies ChangeSet, consistency: tracker.report() }
    },

    async getSession(id) {
      const row = await withRetry(() => q.byId.get(id) as SessionRow | undefined)
      if (!row.ok) return fail(row.reason)
      return { ok: true, value: row.value ? toSessionInfo(row.value) : null, consistency: null }
    },

    getSessions: (ids) => chunkedAll(q.byIds, ids, toSessionInfo),

    async messages(sessionId, page) {
      if (!page.elide) return readMessages(sessionId, page)
      const before = await withRetry(() => q.dataVersion.get() as number)
      if (!before.ok) return readMessages(sessionId, page)
      const hit = memo.get(sessionId, page, before.value)
      if (hit) return { ok: true, value: hit, consistency: null }
      const read = await readMessages(sessionId, page)
      // kept only when nothing was committed while it was read, and nothing was skipped
      const after = await withRetry(() => q.dataVersion.get() as number)
      if (read.ok && read.consistency === null && after.ok && after.value === before.value) memo.set(sessionId, page, after.value, read.value)
      return read
    },

    async message(sessionId, messageId) {
      const row = await withRetry(() => q.messageById.get(messageId, sessionId) as MessageRow | undefined)
      if (!row.ok) return fail(row.reason)
      if (!row.value) return { ok: true, value: null, consistency: null }
      const parts = await withRetry(() => q.partsOfMessage.all(messageId) as PartRow[])
      if (!parts.ok) return fail(parts.reason)
      const message = toMessage(row.value, parts.value)
      if (message) return { ok: true, value: message, consistency: null }
      const tracker = createConsistencyTracker()
      tracker.note('parseSkip')
      return { ok: true, value: null, consistency: tracker.report() }
    },

    async part(sessionId, messageId, partId) {
      const row = await withRetry(() => q.part.get(partId, messageId, sessionId) as PartRow | undefined)
      if (!row.ok) return fail(row.reason)
      if (!row.value) return { ok: true, value: null, consistency: null }
      const message = toMessage({ id: messageId, session_id: sessionId, data: '{}' }, [row.value])
      return { ok: true, value: message?.parts[0] ?? null, consistency: null }
    },

    async partBytes(sessionId, messageId, partId) {
      const size = await withRetry(() => q.partSize.get(partId, messageId, sessionId) as number | undefined)
      if (!size.ok) return fail(size.reason)
      if (size.value === undefined || size.value === null) return { ok: true, value: null, consistency: null }
      return {
        ok: true,
        consistency: null,
        value: {
          size: size.value,
          async read(start, length) {
            // one bounded slice per call: SQLite reads the value, Studio only ever holds `length` bytes
            const slice = await withRetry(() => q.partRange.get(start + 1, length, partId) as Buffer | null | undefined)
            if (!slice.ok) throw new Error(slice.reason)
            return slice.value ?? Buffer.alloc(0)
          },
          close() {},
        },
      }
    },

    watch(onChange) {
      // OpenCode's commits land in opencode.db-wal (or the db itself after a checkpoint).
      const name = basename(path)
      return watchPaths([dirname(path)], { recursive: false, filter: (file) => file.startsWith(name) }, onChange)
    },

    close() {
      db.close()
    },
  }

  /** A page as stored (messages() adds the memo of pruned pages in front). */
  async function readMessages(sessionId: string, page: MessagePageRequest): Promise<ReadResult<MessagePage>> {
    const tracker = createConsistencyTracker()
    let total: number | null = null
    if (page.includeTotal) {
      const count = await withRetry(() => q.messageCount.get(sessionId) as number)
      if (count.ok) total = count.value
      else tracker.note('ioSkip')
    }
    // One row more than asked tells whether older messages exist.
    const limit = page.limit === null ? -1 : page.limit + 1
    const rows = await withRetry(() =>
      page.before
        ? (q.messagesBefore.all(sessionId, page.before.time, page.before.time, page.before.id, limit, page.offset) as MessageRow[])
        : (q.messagesNewest.all(sessionId, limit, page.offset) as MessageRow[]),
    )
    if (!rows.ok) return fail(rows.reason, tracker)
    const hasOlder = page.limit !== null && rows.value.length > page.limit
    const newestFirst = hasOlder ? rows.value.slice(0, page.limit!) : rows.value
    if (page.elide) return elidedPage(newestFirst, page.elide, { total, hasOlder }, tracker)
    const partsByMessage = new Map<string, PartRow[]>()
    for (let i = 0; i < newestFirst.length; i += ID_CHUNK) {
      const ids = JSON.stringify(newestFirst.slice(i, i + ID_CHUNK).map((m) => m.id))
      const parts = await withRetry(() => q.parts.all(ids) as PartRow[])
      if (!parts.ok) return fail(parts.reason, tracker)
      for (const p of parts.value) {
        const list = partsByMessage.get(p.message_id)
        if (list) list.push(p)
        else partsByMessage.set(p.message_id, [p])
      }
    }
    const entries: MessageWithParts[] = []
    for (let i = newestFirst.length - 1; i >= 0; i--) {
      const row = newestFirst[i]!
      const message = toMessage(row, partsByMessage.get(row.id) ?? [])
      if (message) entries.push(message)
      else tracker.note('parseSkip')
    }
    return { ok: true, value: { entries, total, hasOlder } satisfies MessagePage, consistency: tracker.report() }
  }

  /** A page whose large parts are read through SQLite's JSON functions (elided-parts.ts). */
  async function elidedPage(
    newestFirst: MessageRow[],
    elide: { overBytes: number; keepChars: number },
    meta: { total: number | null; hasOlder: boolean },
    tracker: ReturnType<typeof createConsistencyTracker>,
  ): Promise<ReadResult<MessagePage>> {
    const partsByMessage = new Map<string, MessageWithParts['parts']>()
    const sessionOf = new Map(newestFirst.map((m) => [m.id, m.session_id]))
    for (let i = 0; i < newestFirst.length; i += ID_CHUNK) {
      const ids = JSON.stringify(newestFirst.slice(i, i + ID_CHUNK).map((m) => m.id))
      const rows = await withRetry(() => q.elidedParts.all({ ids, big: elide.overBytes, keep: elide.keepChars }) as ElidedPartRow[])
      if (!rows.ok) return fail(rows.reason, tracker)
      for (const row of rows.value) {
        const { id, message_id, value } = partFromElided(row)
        if (!value || typeof value !== 'object' || Array.isArray(value)) continue
        const sessionID = sessionOf.get(message_id) ?? ''
        const part = { ...(value as Record<string, unknown>), id, sessionID, messageID: message_id }
        const list = partsByMessage.get(message_id)
        if (list) list.push(part)
        else partsByMessage.set(message_id, [part])
      }
    }
    const entries: MessageWithParts[] = []
    for (let i = newestFirst.length - 1; i >= 0; i--) {
      const row = newestFirst[i]!
      const message = toMessage(row, [])
      if (message) entries.push({ info: message.info, parts: partsByMessage.get(row.id) ?? [] })
      else tracker.note('parseSkip')
    }
    return { ok: true, value: { entries, total: meta.total, hasOlder: meta.hasOlder } satisfies MessagePage, consistency: tracker.report() }
  }

  /**
   * Sessions the index knows that the table no longer has. count(*) is cheap; only when it disagrees
   * with what the index will hold is the id column scanned (in chunks).
   */
  async function findRemoved(known: KnownSessions, upserted: SessionSummary[]): Promise<string[] | null> {
    const count = await withRetry(() => q.count.get() as number)
    if (!count.ok) return null
    const added = upserted.reduce((n, s) => n + (known.has(s.id) ? 0 : 1), 0)
    if (count.value === known.size + added) return []
    const present = new Set<string>()
    let after = ''
    for (;;) {
      const ids = await withRetry(() => q.idChunk.all(after, SCAN_CHUNK * 5) as string[])
      if (!ids.ok) return null
      if (ids.value.length === 0) break
      for (const id of ids.value) present.add(id)
      after = ids.value[ids.value.length - 1]!
      await yieldToLoop()
    }
    return [...known.ids()].filter((id) => !present.has(id))
  }
}

function sameSummary(a: SessionSummary | undefined, b: SessionSummary): boolean {
  return (
    a !== undefined &&
    a.timeUpdated === b.timeUpdated &&
    a.title === b.title &&
    a.parentID === b.parentID &&
    a.directory === b.directory &&
    a.projectID === b.projectID &&
    a.shareUrl === b.shareUrl &&
    a.slug === b.slug &&
    JSON.stringify(a.revert) === JSON.stringify(b.revert)
  )
}

