import { describe, expect, it } from 'vitest'
import type { SessionSummary } from '../storage/index.js'
import { createSessionStore, type SessionStore } from './store.js'
import { listPage, listQuery, type ListQuery } from './tree-page.js'

function session(id: string, over: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id,
    projectID: 'global',
    directory: '/a',
    parentID: null,
    title: `Title ${id}`,
    slug: `slug-${id}`,
    timeCreated: 1,
    timeUpdated: 1,
    shareUrl: null,
    revert: null,
    ...over,
  }
}

function storeOf(...sessions: SessionSummary[]): SessionStore {
  const store = createSessionStore()
  for (const s of sessions) store.upsert(s)
  return store
}

const query = (over: Partial<ListQuery> = {}) => listQuery({ kind: 'directory', key: '/a' }, over)

const ids = (page: { sessions: SessionSummary[] }) => page.sessions.map((s) => s.id)

describe('flat lists', () => {
  const store = storeOf(
    session('s1', { timeUpdated: 10 }),
    session('s2', { timeUpdated: 30 }),
    session('s3', { timeUpdated: 20, title: 'Needle here' }),
    session('s4', { timeUpdated: 30 }),
    session('x1', { directory: '/b', timeUpdated: 99 }),
  )

  it('lists one directory newest first, ties by id', () => {
    expect(ids(listPage(store, query()))).toEqual(['s2', 's4', 's3', 's1'])
  })

  it('pages with offset and limit', () => {
    const page = listPage(store, query({ offset: 1, limit: 2 }))
    expect(ids(page)).toEqual(['s4', 's3'])
    expect(page).toMatchObject({ total: 4, offset: 1, limit: 2, hasMore: true, nextOffset: 3 })
    expect(listPage(store, query({ offset: 3, limit: 2 }))).toMatchObject({ hasMore: false })
    expect(listPage(store, query({ offset: 99 }))).toMatchObject({ offset: 4, sessions: [] })
    expect(listPage(store, query({ limit: 0 }))).toMatchObject({ sessions: [], hasMore: false })
  })

  it('filters by start and search', () => {
    expect(ids(listPage(store, query({ start: 20 })))).toEqual(['s2', 's4', 's3'])
    expect(ids(listPage(store, query({ search: 'NEEDLE' })))).toEqual(['s3'])
    expect(ids(listPage(store, query({ search: 'slug-s1' })))).toEqual(['s1'])
  })

  it('keeps the requested order in ids mode, within the scope', () => {
    expect(ids(listPage(store, query({ ids: ['s1', 'x1', 'nope', 's3'] })))).toEqual(['s1', 's3'])
  })

  it('matches directories through their key, whatever the spelling', () => {
    const spelled = storeOf(session('t1', { directory: '/a/' }), session('t2', { directory: '/a/x/..' }))
    expect(ids(listPage(spelled, query())).sort()).toEqual(['t1', 't2'])
  })

  it('scopes to a project', () => {
    const projects = storeOf(session('p1', { projectID: 'abc', directory: '/r' }), session('p2', { projectID: 'abc', directory: '/r/sub' }), session('p3'))
    expect(ids(listPage(projects, query({ scope: { kind: 'project', projectID: 'abc' } }))).sort()).toEqual(['p1', 'p2'])
  })
})

describe('trees', () => {
  // root r (in /x) → child c (in /a) → grandchild g (in /b); sibling k of c in /x; another root o in /a
  const store = storeOf(
    session('r', { directory: '/x', timeUpdated: 1 }),
    session('c', { parentID: 'r', timeUpdated: 2 }),
    session('g', { parentID: 'c', directory: '/b', timeUpdated: 3 }),
    session('k', { parentID: 'r', directory: '/x', timeUpdated: 4 }),
    session('o', { timeUpdated: 5 }),
  )

  it('adds every ancestor up to the true root, and counts roots', () => {
    const page = listPage(store, query({ roots: true }))
    expect(ids(page)).toEqual(['o', 'r'])
    expect(page.total).toBe(2)
  })

  it('emits each root with its whole subtree, children newest first, from any directory', () => {
    expect(ids(listPage(store, query({ roots: true, includeChildren: true })))).toEqual(['o', 'r', 'k', 'c', 'g'])
  })

  it("focuses a descendant shown under another directory's root", () => {
    const page = listPage(store, query({ scope: { kind: 'directory', key: '/x' }, roots: true, limit: 1, focusSessionId: 'g' }))
    expect(page).toMatchObject({ focusRootId: 'r', focusRootIndex: 0, offset: 0 })
    const paged = listPage(store, query({ roots: true, includeChildren: true, limit: 1, focusSessionId: 'g' }))
    expect(paged).toMatchObject({ focusRootId: 'r', focusRootIndex: 1, offset: 1, hasMore: false })
    expect(ids(paged)).toEqual(['r', 'k', 'c', 'g'])
    const explicit = listPage(store, query({ roots: true, limit: 1, offset: 0, focusSessionId: 'g' }))
    expect(explicit.offset).toBe(0)
  })

  it('treats a session whose parent is missing as a root', () => {
    const orphaned = storeOf(session('lost', { parentID: 'deleted-parent' }), session('kid', { parentID: 'lost' }))
    expect(ids(listPage(orphaned, query({ roots: true, includeChildren: true })))).toEqual(['lost', 'kid'])
  })

  it('cuts a parent cycle at its smallest id instead of losing the sessions', () => {
    const cyclic = storeOf(session('m', { parentID: 'n' }), session('n', { parentID: 'p' }), session('p', { parentID: 'm' }), session('q', { parentID: 'n' }))
    const page = listPage(cyclic, query({ roots: true, includeChildren: true }))
    expect(page.total).toBe(1)
    expect(ids(page)[0]).toBe('m')
    expect(new Set(ids(page))).toEqual(new Set(['m', 'n', 'p', 'q']))
  })

  it('handles a chain thousands of sessions deep without overflowing the stack', () => {
    const deep: SessionSummary[] = [session('d0')]
    for (let i = 1; i < 20_000; i++) deep.push(session(`d${i}`, { parentID: `d${i - 1}` }))
    const chain = storeOf(...deep)
    const page = listPage(chain, query({ ids: ['d19999'], roots: true, includeChildren: true }))
    expect(page.total).toBe(1)
    expect(page.sessions).toHaveLength(20_000)
    expect(page.sessions[0]!.id).toBe('d0')
  })
})

describe("OpenCode's own list (exact)", () => {
  // p lives in /b; c1 (in /a) is its child, c2 (in /a) the child of a1
  const store = storeOf(
    session('p', { directory: '/b', timeUpdated: 50 }),
    session('a1', { timeUpdated: 10, title: 'Alpha', slug: 'needle-slug' }),
    session('c1', { parentID: 'p', timeUpdated: 30 }),
    session('c2', { parentID: 'a1', timeUpdated: 20, title: 'has NEEDLE' }),
  )
  const exact = (over: Partial<ListQuery> = {}) => query({ exact: true, ...over })

  it('roots keeps the sessions without a parent, adding no ancestors from elsewhere', () => {
    expect(ids(listPage(store, exact({ roots: true })))).toEqual(['a1'])
    expect(ids(listPage(store, query({ roots: true })))).toEqual(['p', 'a1'])
  })

  it('lists flat, newest update first, children included', () => {
    expect(ids(listPage(store, exact()))).toEqual(['c1', 'c2', 'a1'])
    expect(ids(listPage(store, exact({ limit: 2 })))).toEqual(['c1', 'c2'])
  })

  it('searches titles only', () => {
    expect(ids(listPage(store, exact({ search: 'needle' })))).toEqual(['c2'])
    expect(ids(listPage(store, query({ search: 'needle' })))).toEqual(['c2', 'a1'])
  })
})

describe('store', () => {
  it('moves a session between directory, project and parent buckets on update, and forgets it on removal', () => {
    const store = storeOf(session('s', { parentID: 'p1' }))
    store.upsert(session('s', { parentID: 'p2', directory: '/z', projectID: 'other' }))
    expect([...store.childIds('p1')]).toEqual([])
    expect([...store.childIds('p2')]).toEqual(['s'])
    expect(store.inDirectory('/a').size).toBe(0)
    expect([...store.inDirectory('/z').keys()]).toEqual(['s'])
    expect(store.projectOfDirectory('/z')).toBe('other')
    expect(store.remove('s')).toBe(true)
    expect(store.size).toBe(0)
    expect([...store.childIds('p2')]).toEqual([])
    expect(store.remove('s')).toBe(false)
  })
})
