import { describe, expect, it } from 'vitest'
import { createPageCache } from './page-cache.js'
import { createSessionStore } from './store.js'
import { listQuery, type ListPage } from './tree-page.js'

const query = (offset: number) => listQuery({ kind: 'directory', key: '/a' }, { roots: true, includeChildren: true, offset, limit: 10 })
const page = (total: number): ListPage => ({ sessions: [], total, offset: 0, limit: 10, hasMore: false })

describe('page cache', () => {
  it('reuses a page until the store changes', () => {
    const store = createSessionStore()
    const cache = createPageCache()
    let computed = 0
    const compute = () => page(++computed)
    expect(cache.get(store, query(0), compute).total).toBe(1)
    expect(cache.get(store, query(0), compute).total).toBe(1)
    expect(cache.get(store, query(10), compute).total).toBe(2)
    store.upsert({ id: 's', projectID: 'p', directory: '/a', parentID: null, title: '', slug: '', timeCreated: 0, timeUpdated: 0, shareUrl: null, revert: null })
    expect(cache.get(store, query(0), compute).total).toBe(3)
    expect(cache.get(createSessionStore(), query(0), compute).total).toBe(4)
  })

  it('keeps at most maxEntries pages, dropping the least recently used', () => {
    const store = createSessionStore()
    const cache = createPageCache(2)
    let computed = 0
    const compute = () => page(++computed)
    cache.get(store, query(0), compute)
    cache.get(store, query(1), compute)
    cache.get(store, query(0), compute) // touch 0
    cache.get(store, query(2), compute) // evicts 1
    expect(cache.get(store, query(0), compute).total).toBe(1)
    expect(cache.get(store, query(1), compute).total).toBe(4)
  })
})
