// The directories Studio knows, from the session index: what a sidebar lists before it opens one.

import type { SessionStore } from './store.js'

export interface DirectorySummary {
  directory: string
  projectID: string
  /** Sessions stored in this directory (children included). */
  sessions: number
  /** Of those, sessions without a parent. */
  roots: number
  /**
   * Root sessions of its tree as the session list pages it (`roots=true`): the top ancestor of each of its
   * sessions, wherever that lives (a sub-session here under a root in another directory counts that root).
   */
  treeRoots: number
  /** Newest time.updated of its sessions (ms). */
  lastActivity: number
}

/** Recomputed only when the store changes (a sidebar asks often, the store changes rarely). */
const computed = new WeakMap<SessionStore, { version: number; value: DirectorySummary[] }>()

export function directorySummaries(store: SessionStore): DirectorySummary[] {
  const hit = computed.get(store)
  if (hit && hit.version === store.version) return hit.value
  const byDirectory = new Map<string, DirectorySummary>()
  const tops = new Map<string, Set<string>>()
  for (const s of store.values()) {
    let d = byDirectory.get(s.directory)
    if (!d) byDirectory.set(s.directory, (d = { directory: s.directory, projectID: s.projectID, sessions: 0, roots: 0, treeRoots: 0, lastActivity: 0 }))
    d.sessions++
    if (!s.parentID || !store.has(s.parentID)) d.roots++
    if (s.timeUpdated > d.lastActivity) d.lastActivity = s.timeUpdated
    let set = tops.get(s.directory)
    if (!set) tops.set(s.directory, (set = new Set()))
    set.add(topOf(store, s.id))
  }
  for (const [directory, set] of tops) byDirectory.get(directory)!.treeRoots = set.size
  const value = [...byDirectory.values()].sort((a, b) => b.lastActivity - a.lastActivity || a.directory.localeCompare(b.directory))
  computed.set(store, { version: store.version, value })
  return value
}

/** The session's top ancestor in the store (parent chains are short; the bound guards a damaged store's cycle). */
function topOf(store: SessionStore, id: string): string {
  let current = id
  for (let i = 0; i < 64; i++) {
    const parent = store.get(current)?.parentID
    if (!parent || !store.has(parent)) break
    current = parent
  }
  return current
}
