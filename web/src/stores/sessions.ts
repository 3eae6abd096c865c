// Sessions, normalized: one map by id (shallowRef, replaced or triggered once per batch), the roots of
// each directory in list order, children by parent. Lists come from Studio's tree answer; events keep it
// live. A failed load keeps what was shown and marks the directory stale.

import { afterPaint } from '../lib/frame'
import { createLimiter } from '../lib/limit'
import { shallowRef, triggerRef } from 'vue'
import { api } from '../api/endpoints'
import { errorText } from '../api/http'
import type { DirectoryInfo, Session } from '../api/types'
import { noteSeq } from './seq'

export interface DirState {
  directory: string
  info: DirectoryInfo | null
  roots: string[]
  total: number
  hasMore: boolean
  loading: boolean
  /** Why the list may be out of date (a failed refresh); null when current. */
  stale: string | null
  loaded: boolean
}

const PAGE = 50
/** Directory pages in flight at once (see lib/limit.ts). */
const sidebarRequests = createLimiter(2)
const KNOWN_DIRS_KEY = 'ocs.directories'

export const sessions = shallowRef(new Map<string, Session>())
export const childrenOf = shallowRef(new Map<string, string[]>())
export const dirs = shallowRef<DirState[]>([])
export const dirsError = shallowRef<string | null>(null)
export const defaultDirectory = shallowRef<string | null>(null)

export function getSession(id: string): Session | undefined {
  return sessions.value.get(id)
}

function setDir(directory: string, patch: Partial<DirState>): void {
  setDirs([[directory, patch]])
}

/** Applies many patches with one new list (200 directories one by one copied the list 200 times). */
function setDirs(patches: Array<[string, Partial<DirState>]>): void {
  const list = dirs.value.slice()
  const at = new Map(list.map((d, i) => [d.directory, i]))
  for (const [directory, patch] of patches) {
    const i = at.get(directory)
    const base: DirState = i !== undefined ? list[i]! : { directory, info: null, roots: [], total: 0, hasMore: false, loading: false, stale: null, loaded: false }
    const next = { ...base, ...patch }
    if (i !== undefined) list[i] = next
    else at.set(directory, list.push(next) - 1)
  }
  dirs.value = list
}

export function dirState(directory: string): DirState | undefined {
  return dirs.value.find((d) => d.directory === directory)
}

function rememberedDirs(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(KNOWN_DIRS_KEY) ?? '[]')
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

export function addDirectory(directory: string): void {
  const d = directory.trim().replace(/\/+$/, '') || '/'
  const saved = rememberedDirs()
  if (!saved.includes(d)) localStorage.setItem(KNOWN_DIRS_KEY, JSON.stringify([d, ...saved].slice(0, 50)))
  if (!dirState(d)) setDir(d, {})
  void loadDirectory(d)
}

/** Directories: Studio's list when it has the route, else OpenCode's working directory, plus remembered ones. */
export async function loadDirectories(): Promise<void> {
  let list: DirectoryInfo[] = []
  try {
    const answer = await api.directories()
    // Before Studio has the route, OpenCode answers unknown paths with its own web page.
    if (!Array.isArray(answer.data)) throw new Error('no directories route')
    list = answer.data.filter((d) => typeof d?.directory === 'string')
    noteSeq(answer.seq)
    dirsError.value = null
  } catch (err) {
    try {
      const path = await api.path()
      if (typeof path.data?.directory !== 'string') throw new Error('no path')
      list = [{ directory: path.data.directory }]
      dirsError.value = null
    } catch {
      if (dirs.value.length === 0) dirsError.value = `Directories could not be loaded: ${errorText(err)}`
    }
  }
  if (list[0] && !defaultDirectory.value) defaultDirectory.value = list[0].directory
  setDirs(list.map((info) => [info.directory, { info }]))
  // the directories added by hand live in localStorage, whose first read waits for the browser: after paint
  afterPaint(() => setDirs(rememberedDirs().filter((d) => !dirState(d)).map((d) => [d, {}])))
}

/** The first page (or the next one) of a directory's tree. */
export async function loadDirectory(directory: string, more = false): Promise<void> {
  const state = dirState(directory)
  if (state?.loading) return
  setDir(directory, { loading: true })
  try {
    const offset = more ? (state?.roots.length ?? 0) : 0
    const answer = await sidebarRequests(() => api.sessions(directory, { offset, limit: PAGE }))
    noteSeq(answer.seq)
    const page = answer.data
    if (!Array.isArray(page?.sessions)) throw new Error('unexpected answer to the session list')
    const roots: string[] = more ? [...(dirState(directory)?.roots ?? [])] : []
    const map = sessions.value
    const onPage = new Set(page.sessions.map((s) => s.id))
    const links: Array<[string, string]> = []
    for (const s of page.sessions) {
      map.set(s.id, s)
      if (!s.parentID || !onPage.has(s.parentID)) {
        if (!roots.includes(s.id)) roots.push(s.id)
      } else links.push([s.parentID, s.id])
    }
    addChildren(links)
    triggerRef(sessions)
    setDir(directory, { roots, total: page.total, hasMore: page.hasMore, loading: false, stale: null, loaded: true })
  } catch (err) {
    setDir(directory, { loading: false, stale: errorText(err) })
  }
}

function addChild(parent: string, child: string): void {
  addChildren([[parent, child]])
}

/** Links many children with one new map (one copy per child was quadratic on a page of 50). */
function addChildren(links: Array<[string, string]>): void {
  let next: Map<string, string[]> | null = null
  for (const [parent, child] of links) {
    const map: Map<string, string[]> = next ?? childrenOf.value
    const list = map.get(parent)
    if (list?.includes(child)) continue
    next ??= new Map(childrenOf.value)
    next.set(parent, [...(list ?? []), child])
  }
  if (next) childrenOf.value = next
}

export async function loadChildren(id: string): Promise<void> {
  try {
    const answer = await api.children(id)
    for (const s of answer.data) {
      sessions.value.set(s.id, s)
      addChild(id, s.id)
    }
    triggerRef(sessions)
  } catch {
    // keep what is shown; the tree answer already held the children
  }
}

/** Fetches one session not yet known (a deep link, an event about a child). */
const sessionLoads = new Map<string, Promise<Session | null>>()

/** The session from what is loaded, else asked of Studio once (concurrent callers share the request). */
export function ensureSession(id: string): Promise<Session | null> {
  const known = sessions.value.get(id)
  if (known) return Promise.resolve(known)
  let running = sessionLoads.get(id)
  if (!running) {
    running = api
      .session(id)
      .then((answer) => {
        upsertSessions([answer.data])
        return answer.data
      })
      .catch(() => null)
      .finally(() => sessionLoads.delete(id))
    sessionLoads.set(id, running)
  }
  return running
}

/** Applies session.created / session.updated (batched by the caller). */
export function upsertSessions(list: Session[]): void {
  const map = sessions.value
  const touchedDirs = new Set<string>()
  for (const s of list) {
    const archived = s.time.archived !== undefined && s.time.archived !== null
    if (archived) {
      removeSessions([s.id])
      continue
    }
    const had = map.has(s.id)
    map.set(s.id, s)
    if (s.parentID) addChild(s.parentID, s.id)
    else {
      const d = dirState(s.directory)
      if (d && (d.loaded || !had)) {
        const roots = d.roots.includes(s.id) ? d.roots : [s.id, ...d.roots]
        setDir(s.directory, { roots, total: d.roots.includes(s.id) ? d.total : d.total + 1 })
        touchedDirs.add(s.directory)
      } else if (!d) {
        setDir(s.directory, { roots: [s.id], total: 1 })
      }
    }
  }
  for (const directory of touchedDirs) {
    const d = dirState(directory)!
    const roots = [...d.roots].sort((a, b) => (map.get(b)?.time.updated ?? 0) - (map.get(a)?.time.updated ?? 0))
    setDir(directory, { roots })
  }
  triggerRef(sessions)
}

export function removeSessions(ids: string[]): void {
  const map = sessions.value
  for (const id of ids) {
    const s = map.get(id)
    map.delete(id)
    if (!s) continue
    if (s.parentID) {
      const list = childrenOf.value.get(s.parentID)
      if (list) {
        const next = new Map(childrenOf.value)
        next.set(s.parentID, list.filter((c) => c !== id))
        childrenOf.value = next
      }
    } else {
      const d = dirState(s.directory)
      if (d?.roots.includes(id)) setDir(s.directory, { roots: d.roots.filter((r) => r !== id), total: Math.max(0, d.total - 1) })
    }
  }
  triggerRef(sessions)
}

/** The root of a session's lineage (as far as it is known). */
export function rootOf(id: string): string {
  let cur = id
  for (let i = 0; i < 50; i++) {
    const parent = sessions.value.get(cur)?.parentID
    if (!parent) return cur
    cur = parent
  }
  return cur
}

/** Is `id` the session `ancestor` or one of its descendants? */
export function isWithin(id: string, ancestor: string): boolean {
  let cur: string | undefined = id
  for (let i = 0; i < 50 && cur; i++) {
    if (cur === ancestor) return true
    cur = sessions.value.get(cur)?.parentID
  }
  return false
}

export async function searchSessions(query: string): Promise<Session[]> {
  const out: Session[] = []
  await Promise.all(
    dirs.value.map(async (d) => {
      try {
        const answer = await api.sessions(d.directory, { search: query, limit: 30 })
        for (const s of answer.data.sessions) {
          sessions.value.set(s.id, s)
          out.push(s)
        }
      } catch {
        // a directory that fails to answer is left out of the results
      }
    }),
  )
  triggerRef(sessions)
  return out.sort((a, b) => b.time.updated - a.time.updated)
}
