// The in-memory session index: every session of every directory and project, with the parent → children
// map across directories, so lineage never needs another storage read. Strings shared by many sessions
// (directories, project ids) are interned to keep 100k sessions small.

import type { KnownSessions, SessionSummary } from '../storage/index.js'
import { directoryKey } from '../lib/directory-key.js'

export interface SessionStore extends KnownSessions {
  /** Bumped by every change, so derived answers know when they went stale. */
  readonly version: number
  upsert(summary: SessionSummary): void
  remove(id: string): boolean
  /** Every session: a live view (do not mutate). */
  values(): Iterable<SessionSummary>
  /** Direct children, wherever they live. */
  childIds(id: string): Iterable<string>
  /** The sessions of one directory key / project, by id: live views, not copies (do not mutate). */
  inDirectory(key: string): ReadonlyMap<string, SessionSummary>
  inProject(projectID: string): ReadonlyMap<string, SessionSummary>
  /** The project id sessions in this exact directory belong to, if any is known. */
  projectOfDirectory(key: string): string | undefined
  /** The comparison key of a session's directory (directory-key.ts), cached. */
  directoryKeyOf(summary: SessionSummary): string
}

const EMPTY: ReadonlyMap<string, SessionSummary> = new Map()

export function createSessionStore(): SessionStore {
  const byId = new Map<string, SessionSummary>()
  // Buckets hold the summaries themselves, so a page iterates them without a lookup per session.
  const children = new Map<string, Map<string, SessionSummary>>()
  const byDirectory = new Map<string, Map<string, SessionSummary>>()
  const byProject = new Map<string, Map<string, SessionSummary>>()
  const keyOf = new Map<string, string>()
  const interned = new Map<string, string>()
  let version = 0

  const intern = (s: string) => {
    const known = interned.get(s)
    if (known !== undefined) return known
    interned.set(s, s)
    return s
  }
  const add = (map: Map<string, Map<string, SessionSummary>>, key: string, s: SessionSummary) => {
    const bucket = map.get(key)
    if (bucket) bucket.set(s.id, s)
    else map.set(key, new Map([[s.id, s]]))
  }
  const drop = (map: Map<string, Map<string, SessionSummary>>, key: string, id: string) => {
    const bucket = map.get(key)
    if (!bucket) return
    bucket.delete(id)
    if (bucket.size === 0) map.delete(key)
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

  return {
    get size() {
      return byId.size
    },
    get version() {
      return version
    },
    has: (id) => byId.has(id),
    get: (id) => byId.get(id),
    ids: () => byId.keys(),
    values: () => byId.values(),
    upsert(summary) {
      const s: SessionSummary = { ...summary, directory: intern(summary.directory), projectID: intern(summary.projectID) }
      const old = byId.get(s.id)
      if (old) unlink(old)
      version++
      byId.set(s.id, s)
      if (s.parentID) add(children, s.parentID, s)
      add(byDirectory, dirKey(s.directory), s)
      add(byProject, s.projectID, s)
    },
    remove(id) {
      const old = byId.get(id)
      if (!old) return false
      unlink(old)
      version++
      byId.delete(id)
      return true
    },
    childIds: (id) => children.get(id)?.keys() ?? EMPTY.keys(),
    inDirectory: (key) => byDirectory.get(key) ?? EMPTY,
    inProject: (projectID) => byProject.get(projectID) ?? EMPTY,
    directoryKeyOf: (summary) => dirKey(summary.directory),
    projectOfDirectory(key) {
      for (const s of byDirectory.get(key)?.values() ?? []) return s.projectID
      return undefined
    },
  }
}
