// One page of the session list or tree (rust-studio-behaviour.md §6.2–6.7), computed from the in-memory
// store. Unlike the Rust Studio, lineage is complete: every ancestor up to the true root is found,
// whichever directory it lives in, because the store holds all sessions; cycles and missing parents end
// a chain instead of breaking the page.

import type { SessionSummary } from '../storage/index.js'
import type { SessionStore } from './store.js'

export type Scope = { kind: 'directory'; key: string } | { kind: 'project'; projectID: string }

export interface ListQuery {
  scope: Scope
  /**
   * OpenCode's own list semantics (a request with only OpenCode's parameters): `roots` keeps the sessions
   * without a parent, no ancestors are added, `search` matches titles only (opencode-reference.md §4.3).
   */
  exact: boolean
  roots: boolean
  includeChildren: boolean
  /** Minimum time.updated (ms). */
  start: number | null
  /** Case-insensitive substring of title, slug or id. */
  search: string | null
  /** null: not given (a focus may then pick the page). */
  offset: number | null
  /** null: no limit. */
  limit: number | null
  /** Only these sessions, in this order. */
  ids: string[] | null
  focusSessionId: string | null
}

/** Everything in `scope`, flat and unpaged (a bare `GET /api/session`), with `over` applied. */
export function listQuery(scope: Scope, over: Partial<ListQuery> = {}): ListQuery {
  return { scope, exact: false, roots: false, includeChildren: false, start: null, search: null, offset: null, limit: null, ids: null, focusSessionId: null, ...over }
}

export interface ListPage {
  sessions: SessionSummary[]
  /** Roots in tree mode, sessions otherwise. */
  total: number
  offset: number
  limit: number | null
  hasMore: boolean
  nextOffset?: number
  focusRootId?: string
  focusRootIndex?: number
}

export function listPage(store: SessionStore, query: ListQuery): ListPage {
  const records = selectRecords(store, query)
  if (query.exact) return flatPage(records, query)
  const treeMode = query.roots || query.includeChildren || query.focusSessionId !== null
  return treeMode ? treePage(store, records, query) : flatPage(records, query)
}

/**
 * The sessions a query selects, plus (in tree mode) the ancestors added to them. Without filters the
 * store's own bucket is used as is, and additions go to a small overlay: a page over a directory of
 * thousands of sessions copies none of them.
 */
interface Records {
  has(id: string): boolean
  get(id: string): SessionSummary | undefined
  add(s: SessionSummary): void
  /** forEach rather than an iterator: this runs over thousands of sessions per page. */
  forEach(fn: (s: SessionSummary) => void): void
  values(): SessionSummary[]
}

function createRecords(base: ReadonlyMap<string, SessionSummary>): Records {
  const extra = new Map<string, SessionSummary>()
  const forEach = (fn: (s: SessionSummary) => void) => {
    base.forEach(fn)
    extra.forEach(fn)
  }
  return {
    has: (id) => base.has(id) || extra.has(id),
    get: (id) => base.get(id) ?? extra.get(id),
    add: (s) => void extra.set(s.id, s),
    forEach,
    values() {
      const out: SessionSummary[] = []
      forEach((s) => out.push(s))
      return out
    },
  }
}

function selectRecords(store: SessionStore, query: ListQuery): Records {
  const { scope } = query
  const needle = query.search?.toLowerCase() ?? null
  const inScope = (s: SessionSummary) =>
    scope.kind === 'directory' ? store.directoryKeyOf(s) === scope.key : s.projectID === scope.projectID
  const rootsOnly = query.exact && query.roots
  const filtered = query.start !== null || needle !== null || rootsOnly
  const matches = query.exact
    ? (s: SessionSummary, n: string) => s.title.toLowerCase().includes(n)
    : (s: SessionSummary, n: string) => s.title.toLowerCase().includes(n) || s.slug.toLowerCase().includes(n) || s.id.toLowerCase().includes(n)
  const passes = (s: SessionSummary) =>
    (query.start === null || s.timeUpdated >= query.start) && (needle === null || matches(s, needle)) && (!rootsOnly || !s.parentID)

  if (query.ids) {
    const picked = new Map<string, SessionSummary>()
    for (const id of query.ids) {
      const s = store.get(id)
      if (s && inScope(s) && passes(s)) picked.set(id, s)
    }
    return createRecords(picked)
  }
  const bucket = scope.kind === 'directory' ? store.inDirectory(scope.key) : store.inProject(scope.projectID)
  if (!filtered) return createRecords(bucket)
  const picked = new Map<string, SessionSummary>()
  bucket.forEach((s) => {
    if (passes(s)) picked.set(s.id, s)
  })
  return createRecords(picked)
}

const newestFirst = (a: SessionSummary, b: SessionSummary) => b.timeUpdated - a.timeUpdated || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

function flatPage(records: Records, query: ListQuery): ListPage {
  const all = records.values()
  if (!query.ids) all.sort(newestFirst)
  const offset = Math.min(query.offset ?? 0, all.length)
  const sessions = query.limit === null ? all.slice(offset) : all.slice(offset, offset + query.limit)
  return paged(sessions, all.length, offset, query.limit, sessions.length)
}

function treePage(store: SessionStore, records: Records, query: ListQuery): ListPage {
  addAncestors(store, records)
  const rootOf = rootFinder(records)
  const roots: SessionSummary[] = []
  records.forEach((s) => {
    if (rootOf(s.id) === s.id) roots.push(s)
  })
  roots.sort(newestFirst)

  let offset = query.offset ?? 0
  const focus: Pick<ListPage, 'focusRootId' | 'focusRootIndex'> = {}
  const anchor = query.focusSessionId === null ? null : focusAnchor(store, records, query.focusSessionId)
  if (anchor !== null) {
    const rootId = rootOf(anchor)
    const index = roots.findIndex((r) => r.id === rootId)
    focus.focusRootId = rootId
    focus.focusRootIndex = index
    if (query.offset === null && query.limit !== null && query.limit > 0) offset = Math.floor(index / query.limit) * query.limit
  }
  offset = Math.min(offset, roots.length)
  const pageRoots = query.limit === null ? roots.slice(offset) : roots.slice(offset, offset + query.limit)
  const sessions = query.includeChildren ? withSubtrees(store, pageRoots) : pageRoots
  return { ...paged(sessions, roots.length, offset, query.limit, pageRoots.length), ...focus }
}

/**
 * The record a focus resolves to: the focused session itself, or, when it is not in the records (a
 * descendant living in another directory, shown under a root of this page), its nearest ancestor that is.
 */
function focusAnchor(store: SessionStore, records: Records, focus: string): string | null {
  const seen = new Set<string>()
  let id: string | null = focus
  while (id !== null && !seen.has(id)) {
    if (records.has(id)) return id
    seen.add(id)
    id = store.get(id)?.parentID ?? null
  }
  return null
}

function paged(sessions: SessionSummary[], total: number, offset: number, limit: number | null, counted: number): ListPage {
  const hasMore = limit !== null && limit > 0 && offset + counted < total
  return { sessions, total, offset, limit, hasMore, ...(hasMore ? { nextOffset: offset + counted } : {}) }
}

/** Adds every ancestor of every record, up to its true root, from any directory (bypassing filters). */
function addAncestors(store: SessionStore, records: Records): void {
  const children: SessionSummary[] = []
  records.forEach((s) => {
    if (s.parentID && !records.has(s.parentID)) children.push(s)
  })
  for (const s of children) {
    let parent = s.parentID
    while (parent && !records.has(parent)) {
      const p = store.get(parent)
      if (!p) break
      records.add(p)
      parent = p.parentID
    }
  }
}

/**
 * Maps a record to the root of its tree within the records. A chain ends at a session whose parent is
 * missing; a cycle (which OpenCode should never write, but a damaged store might hold) is cut at its
 * smallest id, which then counts as the root.
 */
function rootFinder(records: Records): (id: string) => string {
  const memo = new Map<string, string>()
  return (start) => {
    // most sessions are roots: answer them without any bookkeeping
    const parentOfStart = records.get(start)?.parentID
    if (!parentOfStart || !records.has(parentOfStart)) return start
    const path: string[] = []
    const onPath = new Set<string>()
    let id = start
    let root: string
    for (;;) {
      const known = memo.get(id)
      if (known !== undefined) {
        root = known
        break
      }
      if (onPath.has(id)) {
        root = path.slice(path.indexOf(id)).reduce((a, b) => (b < a ? b : a))
        break
      }
      const parent = records.get(id)?.parentID
      if (!parent || !records.has(parent)) {
        root = id
        break
      }
      path.push(id)
      onPath.add(id)
      id = parent
    }
    for (const p of path) memo.set(p, root)
    memo.set(root, root)
    return root
  }
}

/** Each root followed by its whole subtree, depth first, children newest first; any directory. */
function withSubtrees(store: SessionStore, roots: SessionSummary[]): SessionSummary[] {
  const out: SessionSummary[] = []
  const seen = new Set<string>()
  // An explicit stack: a chain of thousands of nested sessions must not overflow the call stack.
  const stack = [...roots].reverse()
  while (stack.length > 0) {
    const s = stack.pop()!
    if (seen.has(s.id)) continue
    seen.add(s.id)
    out.push(s)
    const kids: SessionSummary[] = []
    for (const id of store.childIds(s.id)) {
      const child = store.get(id)
      if (child && !seen.has(id)) kids.push(child)
    }
    kids.sort(newestFirst)
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!)
  }
  return out
}
