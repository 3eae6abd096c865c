import { describe, expect, it } from 'vitest'
import type { SessionSummary } from '../storage/index.js'
import { directorySummaries } from './directories.js'
import { createSessionStore } from './store.js'
import { listPage, listQuery } from './tree-page.js'

function session(id: string, directory: string, parentID: string | null = null, timeUpdated = 1): SessionSummary {
  return { id, projectID: 'global', directory, parentID, title: id, slug: id, timeCreated: 1, timeUpdated, shareUrl: null, revert: null }
}

describe('directory summaries', () => {
  const store = createSessionStore()
  for (const s of [
    session('a1', '/a', null, 5),
    session('a2', '/a', 'a1'),
    session('b1', '/b', null, 9),
    // sub-sessions in /a of a root in /b, two levels down
    session('b2', '/a', 'b1'),
    session('b3', '/a', 'b2'),
    // a sub-session whose parent is not stored is a root of its own
    session('o1', '/a', 'gone'),
  ])
    store.upsert(s)

  it("counts sessions, parentless roots and the tree's roots (wherever they live), newest activity first", () => {
    const list = directorySummaries(store)
    expect(list.map((d) => d.directory)).toEqual(['/b', '/a'])
    expect(list.find((d) => d.directory === '/a')).toMatchObject({ sessions: 5, roots: 2, treeRoots: 3, lastActivity: 5 })
    expect(list.find((d) => d.directory === '/b')).toMatchObject({ sessions: 1, roots: 1, treeRoots: 1, lastActivity: 9 })
  })

  it("gives each directory the count its tree page reports as total", () => {
    for (const d of directorySummaries(store)) {
      const page = listPage(store, listQuery({ kind: 'directory', key: d.directory }, { roots: true, includeChildren: true, limit: 50, offset: 0 }))
      expect(page.total).toBe(d.treeRoots)
    }
  })
})
