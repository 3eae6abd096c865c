// The in-memory session index: every session of every directory and project, with the parent → children
// map across directories, so lineage never needs another storage read. Strings shared by many sessions
// (directories, project ids) are interned to keep 100k sessions small.

import type { KnownSessions, SessionSummary } from '../storage/index.js'
import { directoryKey } from './directory-key.js'

export interface SessionStore extends KnownSessions {
  upsert(summary: SessionSummary): void
  remove(id: string): boolean
  clear(): void
  /** Direct children, wherever they live. */
  childIds(id: string): ReadonlySet<string>
  inDirectory(key: string): Iterable<SessionSummary>
  inProject(projectID: string): Iterable<SessionSummary>
  /** The project id sessions in this exact directory belong to, if any is known. */
  projectOfDirectory(key: string): string | undefined
  /** The comparison key of a session's directory (directory-key.ts), cached. */
  directoryKeyOf(summary: SessionSummary): string
}

const NONE: ReadonlySet<string> = new Set()

export function createSessionStore(): SessionStore {
  const byId = new Map<string, SessionSummary>()
  const children = new Map<string, Set<string>>()
  const byDirectory = new Map<string, Set<string>>()
  const byProject = new Map<string, Set<string>>()
  const keyOf = new Map<string, string>()
  const interned = new Map<string, string>()

  const intern = (s: string) => {
    const known = interned.get(s)
    if (known !== undefined) return known
    interned.set(s, s)
    return s
  }
  const add = (map: Map<string, Set<string>>, key: string, id: string) => {
    const set = map.get(key)
    if (set) set.add(id)
    else map.set(key, new Set([id]))
  }
  const drop = (map: Map<string, Set<string>>, key: string, id: string) => {
    const set = map.get(key)
    if (!set) return
    set.delete(id)
    if (set.size === 0) map.delete(key)
  }
  const dirKey = (directory: string) => {
    let key = keyOf.get(directory)
    if (key === undefined) {
      key = intern(directoryKey(directory))
      keyOf.set(directory, key)
    }
    return key
  }
  const unlink = (old: SessionSummary) => {
    if (old.parentID) drop(children, old.parentID, old.id)
    drop(byDirectory, dirKey(old.directory), old.id)
    drop(byProject, old.projectID, old.id)
  }
  const sessionsOf = function* (ids: ReadonlySet<string> | undefined): Iterable<SessionSummary> {
    if (!ids) return
    for (const id of ids) {
      const s = byId.get(id)
      if (s) yield s
    }
  }

  return {
    get size() {
      return byId.size
    },
    has: (id) => byId.has(id),
    get: (id) => byId.get(id),
    ids: () => byId.keys(),
    upsert(summary) {
      const s: SessionSummary = { ...summary, directory: intern(summary.directory), projectID: intern(summary.projectID) }
      const old = byId.get(s.id)
      if (old) unlink(old)
      byId.set(s.id, s)
      if (s.parentID) add(children, s.parentID, s.id)
      add(byDirectory, dirKey(s.directory), s.id)
      add(byProject, s.projectID, s.id)
    },
    remove(id) {
      const old = byId.get(id)
      if (!old) return false
      unlink(old)
      byId.delete(id)
      return true
    },
    clear() {
      for (const m of [byId, children, byDirectory, byProject, keyOf, interned]) m.clear()
    },
    childIds: (id) => children.get(id) ?? NONE,
    inDirectory: (key) => sessionsOf(byDirectory.get(key)),
    inProject: (projectID) => sessionsOf(byProject.get(projectID)),
    directoryKeyOf: (summary) => dirKey(summary.directory),
    projectOfDirectory(key) {
      for (const s of sessionsOf(byDirectory.get(key))) return s.projectID
      return undefined
    },
  }
}
