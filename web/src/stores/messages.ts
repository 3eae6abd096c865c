// Messages and parts per session, normalized for per-row rendering: each message is an Entry whose info
// and parts are separate shallowRefs, so a streamed delta re-renders one row. Timelines are kept for at
// most 8 sessions (LRU; busy, waiting and open sessions are never evicted).

import { shallowRef, type ShallowRef } from 'vue'
import { api, rawPartUrl } from '../api/endpoints'
import { errorText } from '../api/http'
import type { MessageInfo, MessageWithParts, Part } from '../api/types'
import { noteSeq } from './seq'

export interface Entry {
  id: string
  info: ShallowRef<MessageInfo>
  parts: ShallowRef<Part[]>
}

export interface Timeline {
  sessionID: string
  entries: ShallowRef<Entry[]>
  byId: Map<string, Entry>
  cursor: string | null
  hasMore: ShallowRef<boolean>
  total: ShallowRef<number>
  loading: ShallowRef<boolean>
  loadingOlder: ShallowRef<boolean>
  /** Why what is shown may be out of date; null when current. */
  error: ShallowRef<string | null>
  loaded: boolean
  /** When the newest page was last read (performance.now()); 0 before. */
  loadedAt: number
  lastUsed: number
}

const MAX_TIMELINES = 8
const FIRST_PAGE = 50
const OLDER_PAGE = 100
const timelines = new Map<string, Timeline>()
/** Sessions that must not be evicted (open, busy, waiting for the user). */
let pinned: (id: string) => boolean = () => false

export function setPinned(fn: (id: string) => boolean): void {
  pinned = fn
}

export function timelineIfLoaded(sid: string): Timeline | undefined {
  return timelines.get(sid)
}

export function timeline(sid: string): Timeline {
  let t = timelines.get(sid)
  if (!t) {
    t = {
      sessionID: sid,
      entries: shallowRef([]),
      byId: new Map(),
      cursor: null,
      hasMore: shallowRef(false),
      total: shallowRef(0),
      loading: shallowRef(false),
      loadingOlder: shallowRef(false),
      error: shallowRef(null),
      loaded: false,
      loadedAt: 0,
      lastUsed: Date.now(),
    }
    timelines.set(sid, t)
    evict()
  }
  t.lastUsed = Date.now()
  return t
}

function evict(): void {
  if (timelines.size <= MAX_TIMELINES) return
  const candidates = [...timelines.values()].filter((t) => !pinned(t.sessionID)).sort((a, b) => a.lastUsed - b.lastUsed)
  while (timelines.size > MAX_TIMELINES && candidates.length > 0) timelines.delete(candidates.shift()!.sessionID)
}

/** A file part never keeps a data URL in the page: it is shown from the raw-bytes route. */
function lean(part: Part): Part {
  if (part.type === 'file' && part.url.startsWith('data:')) {
    const comma = part.url.indexOf(',')
    const size = part.size ?? Math.floor(((part.url.length - comma - 1) * 3) / 4)
    return { ...part, url: rawPartUrl(part.sessionID, part.messageID, part.id), size }
  }
  return part
}

function makeEntry(m: MessageWithParts): Entry {
  return { id: m.info.id, info: shallowRef(m.info), parts: shallowRef(m.parts.map(lean)) }
}

function insertSorted(list: Entry[], entry: Entry): Entry[] {
  const next = list.slice()
  let i = next.length
  while (i > 0 && next[i - 1]!.id > entry.id) i--
  next.splice(i, 0, entry)
  return next
}

function merge(t: Timeline, page: MessageWithParts[]): void {
  let list = t.entries.value
  let changed = false
  for (const m of page) {
    const have = t.byId.get(m.info.id)
    if (have) {
      have.info.value = m.info
      have.parts.value = m.parts.map(lean)
      continue
    }
    const entry = makeEntry(m)
    t.byId.set(entry.id, entry)
    list = insertSorted(list, entry)
    changed = true
  }
  if (changed) t.entries.value = list
}

const tailLoads = new Map<string, Promise<void>>()

/** The newest page, merged into what is shown; a call while one is in flight shares it. */
export function loadTail(sid: string): Promise<void> {
  let running = tailLoads.get(sid)
  if (!running) {
    running = fetchTail(sid).finally(() => tailLoads.delete(sid))
    tailLoads.set(sid, running)
  }
  return running
}

async function fetchTail(sid: string): Promise<void> {
  const t = timeline(sid)
  t.loading.value = true
  try {
    const answer = await api.messages(sid, { limit: FIRST_PAGE })
    noteSeq(answer.seq)
    const page = answer.data
    const entries = Array.isArray(page) ? (page as MessageWithParts[]) : page.entries
    if (!t.loaded) {
      t.cursor = answer.headers.get('x-next-cursor')
      t.hasMore.value = Array.isArray(page) ? t.cursor !== null : page.hasMore
      t.total.value = Array.isArray(page) ? entries.length : page.total
    }
    merge(t, entries)
    t.loaded = true
    t.loadedAt = performance.now()
    t.error.value = null
  } catch (err) {
    t.error.value = t.loaded || t.entries.value.length > 0 ? `Could not refresh: ${errorText(err)}` : errorText(err)
  } finally {
    t.loading.value = false
  }
}

/** The page before the oldest shown. Resolves with the number of messages added at the top. */
export async function loadOlder(sid: string): Promise<number> {
  const t = timeline(sid)
  if (t.loadingOlder.value || !t.hasMore.value || !t.cursor) return 0
  t.loadingOlder.value = true
  try {
    const answer = await api.messages(sid, { limit: OLDER_PAGE, before: t.cursor })
    const page = answer.data
    const entries = Array.isArray(page) ? (page as MessageWithParts[]) : page.entries
    t.cursor = answer.headers.get('x-next-cursor')
    t.hasMore.value = t.cursor !== null && (Array.isArray(page) || page.hasMore)
    const before = t.entries.value.length
    merge(t, entries)
    t.error.value = null
    return t.entries.value.length - before
  } catch (err) {
    t.error.value = `Older messages could not be loaded: ${errorText(err)}`
    return 0
  } finally {
    t.loadingOlder.value = false
  }
}

/** Replaces one (pruned) part by its whole version. */
export async function loadFullPart(part: Part): Promise<void> {
  const answer = await api.part(part.sessionID, part.messageID, part.id)
  const entry = timelines.get(part.sessionID)?.byId.get(part.messageID)
  if (!entry) return
  entry.parts.value = entry.parts.value.map((p) => (p.id === part.id ? lean(answer.data) : p))
}

// ---- live events, applied in one batch per frame ----

export interface Batch {
  parts: Map<Entry, Part[]>
  lists: Set<Timeline>
}

export function newBatch(): Batch {
  return { parts: new Map(), lists: new Set() }
}

export function commit(batch: Batch): void {
  for (const [entry, parts] of batch.parts) entry.parts.value = parts
}

function entryFor(t: Timeline, info: MessageInfo): Entry {
  let entry = t.byId.get(info.id)
  if (entry) return entry
  entry = { id: info.id, info: shallowRef(info), parts: shallowRef([]) }
  t.byId.set(info.id, entry)
  t.entries.value = insertSorted(t.entries.value, entry)
  t.total.value++
  return entry
}

function workParts(batch: Batch, entry: Entry): Part[] {
  let list = batch.parts.get(entry)
  if (!list) {
    list = entry.parts.value.slice()
    batch.parts.set(entry, list)
  }
  return list
}

export function applyMessageUpdated(info: MessageInfo): void {
  const t = timelines.get(info.sessionID)
  if (!t) return
  const entry = t.byId.get(info.id)
  if (entry) entry.info.value = info
  else entryFor(t, info)
}

export function applyMessageRemoved(sid: string, mid: string): void {
  const t = timelines.get(sid)
  const entry = t?.byId.get(mid)
  if (!t || !entry) return
  t.byId.delete(mid)
  t.entries.value = t.entries.value.filter((e) => e !== entry)
}

function placeholder(sid: string, mid: string): MessageInfo {
  return { id: mid, sessionID: sid, role: 'assistant', time: { created: Date.now() } }
}

export function applyPartUpdated(batch: Batch, part: Part): void {
  const t = timelines.get(part.sessionID)
  if (!t) return
  if (part.type === 'step-start' || part.type === 'patch' || part.type === 'snapshot') return
  const entry = t.byId.get(part.messageID) ?? entryFor(t, placeholder(part.sessionID, part.messageID))
  const list = workParts(batch, entry)
  const i = list.findIndex((p) => p.id === part.id)
  let next = lean(part)
  // A snapshot can be older than deltas already shown (text is "" in storage until the part ends).
  if (i >= 0) {
    const cur = list[i]!
    if ((cur.type === 'text' || cur.type === 'reasoning') && next.type === cur.type && next.text.length < cur.text.length && !next.time?.end)
      next = { ...next, text: cur.text }
    list[i] = next
  } else {
    let at = list.length
    while (at > 0 && list[at - 1]!.id > next.id) at--
    list.splice(at, 0, next)
  }
}

export function applyPartDelta(batch: Batch, p: { sessionID: string; messageID: string; partID: string; field: string; delta: string }): void {
  const t = timelines.get(p.sessionID)
  if (!t) return
  const entry = t.byId.get(p.messageID) ?? entryFor(t, placeholder(p.sessionID, p.messageID))
  const list = workParts(batch, entry)
  const i = list.findIndex((x) => x.id === p.partID)
  if (i < 0) {
    const part = { id: p.partID, sessionID: p.sessionID, messageID: p.messageID, type: 'text', text: p.delta } as Part
    let at = list.length
    while (at > 0 && list[at - 1]!.id > part.id) at--
    list.splice(at, 0, part)
    return
  }
  const cur = list[i]! as Part & Record<string, unknown>
  const prev = typeof cur[p.field] === 'string' ? (cur[p.field] as string) : ''
  list[i] = { ...cur, [p.field]: prev + p.delta } as Part
}

export function applyPartRemoved(sid: string, mid: string, pid: string): void {
  const entry = timelines.get(sid)?.byId.get(mid)
  if (!entry) return
  entry.parts.value = entry.parts.value.filter((p) => p.id !== pid)
}

/** Adds the user's message at once, with the ids it is sent with (OpenCode's events then update it). */
export function addOptimistic(sid: string, mid: string, parts: Part[]): void {
  const t = timelines.get(sid)
  if (!t) return
  const entry = entryFor(t, { id: mid, sessionID: sid, role: 'user', time: { created: Date.now() } })
  entry.parts.value = parts.map(lean)
}

export function dropMessage(sid: string, mid: string): void {
  applyMessageRemoved(sid, mid)
}

export function loadedTimelines(): Timeline[] {
  return [...timelines.values()]
}

/**
 * What the page holds, for the structural tests and the console: timelines kept, and the two things a
 * page must never hold by itself (only when the person asks for one tool's whole output): a data: URL,
 * and a tool output longer than Studio's prune limit.
 */
export function timelineStats(): { timelines: number; sessions: string[]; parts: number; dataUrls: number; longestToolOutput: number } {
  let parts = 0
  let dataUrls = 0
  let longestToolOutput = 0
  for (const t of timelines.values())
    for (const entry of t.entries.value)
      for (const part of entry.parts.value) {
        parts++
        if (JSON.stringify(part).includes('"data:')) dataUrls++
        const output = part.type === 'tool' ? (part.state as { output?: unknown }).output : undefined
        if (typeof output === 'string') longestToolOutput = Math.max(longestToolOutput, new TextEncoder().encode(output).length)
      }
  return { timelines: timelines.size, sessions: [...timelines.keys()], parts, dataUrls, longestToolOutput }
}
