// The directories Studio knows, from the session index: what a sidebar lists before it opens one.

import type { SessionStore } from './store.js'

export interface DirectorySummary {
  directory: string
  projectID: string
  /** Sessions stored in this directory (children included). */
  sessions: number
  /** Of those, sessions without a parent. */
  roots: number
  /** Newest time.updated of its sessions (ms). */
  lastActivity: number
}

/** Recomputed only when the store changes (a sidebar asks often, the store changes rarely). */
const computed = new WeakMap<SessionStore, { version: number; value: DirectorySummary[] }>()

export function directorySummaries(store: SessionStore): DirectorySummary[] {
  const hit = computed.get(store)
  if (hit && hit.version === store.version) return hit.value
  const byDirectory = new Map<string, DirectorySummary>()
  for (const s of store.values()) {
    let d = byDirectory.get(s.directory)
    if (!d) byDirectory.set(s.directory, (d = { directory: s.directory, projectID: s.projectID, sessions: 0, roots: 0, lastActivity: 0 }))
    d.sessions++
    if (!s.parentID || !store.has(s.parentID)) d.roots++
    if (s.timeUpdated > d.lastActivity) d.lastActivity = s.timeUpdated
  }
  const value = [...byDirectory.values()].sort((a, b) => b.lastActivity - a.lastActivity || a.directory.localeCompare(b.directory))
  computed.set(store, { version: store.version, value })
  return value
}
