// Answers a list or tree query with direct storage queries, for the moments the index cannot (it is
// still loading at start-up). It gathers just what the page needs into a throw-away store (the sessions
// in scope, their ancestors level by level, the descendants of the page's roots) and runs the same page
// logic over it, so the answer is the one the index will give. Directory matching is by the exact
// stored path here (OpenCode stores normalised absolute paths); the index also folds Windows spellings.

import type { ReadResult, SessionQueries, SessionSummary } from '../storage/index.js'
import { createSessionStore, type SessionStore } from './store.js'
import { listPage, type ListPage, type ListQuery } from './tree-page.js'

export async function coldListPage(queries: SessionQueries, query: ListQuery): Promise<ReadResult<ListPage>> {
  const temp = createSessionStore()
  const add = (rows: SessionSummary[]) => rows.forEach((s) => temp.upsert(s))
  const { scope } = query
  const seed = query.ids
    ? await queries.byIds(query.ids)
    : scope.kind === 'directory'
      ? await queries.inDirectory(scope.key)
      : await queries.inProject(scope.projectID)
  if (!seed.ok) return seed
  add(seed.value)

  if (query.roots || query.includeChildren || query.focusSessionId !== null) {
    const ancestry = await fetchAncestors(queries, temp, [...temp.ids(), ...(query.focusSessionId ? [query.focusSessionId] : [])])
    if (!ancestry.ok) return ancestry
    if (query.includeChildren) {
      const roots = listPage(temp, { ...query, includeChildren: false }).sessions.map((s) => s.id)
      const descendants = await fetchDescendants(queries, temp, roots)
      if (!descendants.ok) return descendants
    }
  }
  return { ok: true, value: listPage(temp, query), consistency: null }
}

/** Fetches, level by level, every ancestor (and the given sessions themselves) not yet in the store. */
async function fetchAncestors(queries: SessionQueries, store: SessionStore, start: string[]): Promise<ReadResult<void>> {
  const asked = new Set<string>()
  let wanted = start.filter((id) => !store.has(id))
  let frontier = [...start]
  for (;;) {
    for (const id of frontier) {
      const parent = store.get(id)?.parentID
      if (parent && !store.has(parent) && !asked.has(parent)) wanted.push(parent)
    }
    wanted = [...new Set(wanted)].filter((id) => !asked.has(id))
    if (wanted.length === 0) return { ok: true, value: undefined, consistency: null }
    const rows = await queries.byIds(wanted)
    if (!rows.ok) return rows
    for (const id of wanted) asked.add(id)
    rows.value.forEach((s) => store.upsert(s))
    frontier = rows.value.map((s) => s.id)
    wanted = []
  }
}

/** Fetches, level by level, every descendant of the roots, wherever it lives. */
async function fetchDescendants(queries: SessionQueries, store: SessionStore, roots: string[]): Promise<ReadResult<void>> {
  const seen = new Set(roots)
  let frontier = roots
  while (frontier.length > 0) {
    const rows = await queries.byParentIds(frontier)
    if (!rows.ok) return rows
    const fresh = rows.value.filter((s) => !seen.has(s.id))
    for (const s of fresh) {
      seen.add(s.id)
      store.upsert(s)
    }
    frontier = fresh.map((s) => s.id)
  }
  return { ok: true, value: undefined, consistency: null }
}
